package io.dekube.kafka;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a {@code String} parameter (of a test method, lifecycle method or test class constructor)
 * that {@link KafkaBrokerExtension} fills with the shared broker's {@code host:port}.
 */
@Target(ElementType.PARAMETER)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface KafkaBootstrap {
}
