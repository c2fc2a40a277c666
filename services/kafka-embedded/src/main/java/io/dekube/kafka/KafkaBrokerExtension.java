package io.dekube.kafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * JUnit 5 extension that gives tests one embedded Kafka broker per JVM (use it through
 * {@link WithKafka}).
 *
 * <p>The broker starts lazily, before the first test class that uses the extension, on a fresh
 * temporary data directory and a random port on 127.0.0.1. It lives in the root
 * {@link ExtensionContext.Store}, so every test class of the run shares it and it is closed (and its
 * directory deleted) when the whole run ends. Tests get it
 * <ul>
 *   <li>as a parameter: {@code @KafkaBootstrap String bootstrapServers} or {@code EmbeddedKafka kafka}
 *       (test methods, lifecycle methods, constructors);</li>
 *   <li>statically: {@link #bootstrapServers()} / {@link #broker()} once the extension has run.</li>
 * </ul>
 * Because the broker is shared, tests should use topic names and group ids of their own.
 * While the broker runs, {@link KafkaExitTrap} is installed so that a fatal Kafka error fails tests
 * instead of halting the test JVM.
 *
 * <p>Thread-safe: the broker is created once even when test classes run in parallel.
 */
public final class KafkaBrokerExtension implements BeforeAllCallback, ParameterResolver {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaBrokerExtension.class);
    private static final ExtensionContext.Namespace NAMESPACE =
            ExtensionContext.Namespace.create(KafkaBrokerExtension.class);

    private static volatile SharedBroker current;

    /** Creates the extension (JUnit does this through {@link WithKafka}). */
    public KafkaBrokerExtension() {
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        broker(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext extension) {
        Class<?> type = parameter.getParameter().getType();
        return type == EmbeddedKafka.class
                || (type == String.class && parameter.isAnnotated(KafkaBootstrap.class));
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext extension) {
        EmbeddedKafka kafka = broker(extension);
        Class<?> type = parameter.getParameter().getType();
        if (type == EmbeddedKafka.class) {
            return kafka;
        }
        if (type == String.class) {
            return kafka.bootstrapServers();
        }
        throw new ParameterResolutionException("cannot resolve " + parameter.getParameter());
    }

    /** The shared broker, started if needed, of the run that {@code context} belongs to. */
    public static EmbeddedKafka broker(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE)
                .getOrComputeIfAbsent(SharedBroker.class, key -> SharedBroker.start(), SharedBroker.class)
                .kafka;
    }

    /**
     * The shared broker.
     *
     * @throws IllegalStateException if no test class with {@link WithKafka} has started yet
     */
    public static EmbeddedKafka broker() {
        SharedBroker broker = current;
        if (broker == null) {
            throw new IllegalStateException("no shared Kafka broker: annotate the test class with @WithKafka");
        }
        return broker.kafka;
    }

    /** {@code host:port} of the shared broker; see {@link #broker()}. */
    public static String bootstrapServers() {
        return broker().bootstrapServers();
    }

    /** The broker and its temporary directory, closed by JUnit at the end of the run. */
    @SuppressWarnings("deprecation") // CloseableResource for older engines; AutoCloseable for 5.13+
    private static final class SharedBroker implements ExtensionContext.Store.CloseableResource, AutoCloseable {
        private final EmbeddedKafka kafka;
        private final Path dir;
        private boolean closed;

        private SharedBroker(EmbeddedKafka kafka, Path dir) {
            this.kafka = kafka;
            this.dir = dir;
        }

        static SharedBroker start() {
            KafkaExitTrap.install();
            Path dir;
            try {
                dir = Files.createTempDirectory("dekube-kafka-test-");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir.resolve("data")).build();
            try {
                kafka.start();
            } catch (RuntimeException e) {
                kafka.close();
                deleteRecursively(dir);
                KafkaExitTrap.uninstall();
                throw e;
            }
            SharedBroker broker = new SharedBroker(kafka, dir);
            current = broker;
            return broker;
        }

        @Override
        public synchronized void close() {
            if (closed) {
                return;
            }
            closed = true;
            current = null;
            kafka.close();
            deleteRecursively(dir);
            KafkaExitTrap.uninstall();
        }
    }

    private static void deleteRecursively(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.warn("cannot delete {}", dir, e);
        }
    }
}
