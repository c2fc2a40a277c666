package io.dekube.core.informer;

import java.time.Duration;
import java.util.Map;

/**
 * Settings of one {@link Informer}. Immutable.
 *
 * @param windowCapacity events kept for watches ({@link EventWindow}), default 10,000
 * @param pollTimeout    the consumer's poll timeout (an end-offset request wakes it early)
 * @param consumerConfig extra Kafka consumer settings, applied over the informer's own
 */
public record InformerOptions(int windowCapacity, Duration pollTimeout, Map<String, Object> consumerConfig) {

  public InformerOptions {
    consumerConfig = Map.copyOf(consumerConfig);
  }

  /** The defaults: a 10,000-event window, 500 ms polls, no extra consumer settings. */
  public static InformerOptions defaults() {
    return new InformerOptions(EventWindow.DEFAULT_CAPACITY, Duration.ofMillis(500), Map.of());
  }

  /** These options with another window capacity. */
  public InformerOptions withWindowCapacity(int capacity) {
    return new InformerOptions(capacity, pollTimeout, consumerConfig);
  }

  /** These options with extra consumer settings. */
  public InformerOptions withConsumerConfig(Map<String, Object> config) {
    return new InformerOptions(windowCapacity, pollTimeout, config);
  }
}
