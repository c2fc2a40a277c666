package io.dekube.core.store;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Settings of a {@link StoreClient}. Immutable.
 *
 * @param bootstrapServers Kafka {@code host:port} list
 * @param requesterId      the reply key; unique per client instance (replies for this id land on one
 *                         partition of {@code dekube.replies}, which the client alone reads)
 * @param timeout          how long a request waits for its reply before failing with 504 Timeout
 * @param kafka            extra Kafka client properties applied to both the producer and the consumer
 *                         (e.g. security settings); they win over the defaults
 */
public record StoreClientOptions(String bootstrapServers, String requesterId, Duration timeout,
                                 Map<String, Object> kafka) {

  /** The default reply timeout. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  public StoreClientOptions {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    requesterId = requesterId == null || requesterId.isEmpty() ? "client-" + UUID.randomUUID() : requesterId;
    timeout = timeout == null ? DEFAULT_TIMEOUT : timeout;
    kafka = kafka == null ? Map.of() : Map.copyOf(kafka);
  }

  /** Options with a random requester id and the default timeout. */
  public static StoreClientOptions of(String bootstrapServers) {
    return new StoreClientOptions(bootstrapServers, null, null, null);
  }

  public StoreClientOptions withRequesterId(String v) {
    return new StoreClientOptions(bootstrapServers, v, timeout, kafka);
  }

  public StoreClientOptions withTimeout(Duration v) {
    return new StoreClientOptions(bootstrapServers, requesterId, v, kafka);
  }

  public StoreClientOptions withKafka(Map<String, Object> v) {
    return new StoreClientOptions(bootstrapServers, requesterId, timeout, v);
  }
}
