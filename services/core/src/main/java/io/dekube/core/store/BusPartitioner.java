package io.dekube.core.store;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.utils.Utils;

/**
 * The partition of a keyed bus record, computed exactly as Kafka's default partitioner does
 * ({@code toPositive(murmur2(key)) % partitions}). Requests are keyed by resource name, replies by
 * requester id; both ends use this class so that a requester knows which replies partition to
 * read and a writer knows which resources its request partition holds. Stateless, thread-safe.
 */
public final class BusPartitioner {

  private BusPartitioner() {
  }

  /** The partition of {@code key} among {@code partitions}. */
  public static int partition(String key, int partitions) {
    if (partitions <= 0) {
      throw new IllegalArgumentException("partitions must be > 0: " + partitions);
    }
    return Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
  }
}
