package io.dekube.core.bus;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The first record of every store topic. resourceVersion is the record's offset, and Kubernetes
 * gives resourceVersion "0" a meaning of its own ("any version": an update with it is
 * unconditional, a watch from it starts with the current state), so offset 0 must never hold an
 * object. A marker record with a key that is not a valid {@code <namespace>/<name>} takes it; compaction
 * keeps it forever, since nothing overwrites its key. Every reader skips it.
 */
public final class StoreMarker {

  /** The marker's key; no object key starts with '!'. */
  public static final String KEY = "!dekube-store";

  private static final byte[] VALUE = "{\"dekube\":\"store topic: offset 0 holds no object\"}"
      .getBytes(StandardCharsets.UTF_8);

  private StoreMarker() {
  }

  /** The topics whose end offset is 0; retries while a just-created topic's metadata spreads. */
  private static List<String> emptyTopics(Admin admin, Collection<String> storeTopics)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetSpec> request = new HashMap<>();
    storeTopics.forEach(t -> request.put(new TopicPartition(t, 0), OffsetSpec.latest()));
    for (int attempt = 1; ; attempt++) {
      try {
        List<String> empty = new ArrayList<>();
        admin.listOffsets(request).all().get().forEach((tp, info) -> {
          if (info.offset() == 0) {
            empty.add(tp.topic());
          }
        });
        return empty;
      } catch (ExecutionException e) {
        if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || attempt == 50) {
          throw e;
        }
        Thread.sleep(100); // a worker thread: topic metadata reaches the broker's cache within ms
      }
    }
  }

  /** Whether a record key is the marker's. */
  public static boolean isMarker(String key) {
    return KEY.equals(key);
  }

  /** Whether a record key is the marker's. */
  public static boolean isMarker(byte[] key) {
    return key != null && KEY.equals(new String(key, StandardCharsets.UTF_8));
  }

  /**
   * Writes the marker into every given store topic that is still empty. Idempotent. Blocks: call
   * from a worker thread, before any writer appends to those topics.
   */
  public static void writeWhereEmpty(String bootstrapServers, Admin admin, Collection<String> storeTopics)
      throws ExecutionException, InterruptedException {
    List<String> empty = emptyTopics(admin, storeTopics);
    if (empty.isEmpty()) {
      return;
    }
    Map<String, Object> config = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0);
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(),
        new ByteArraySerializer())) {
      List<java.util.concurrent.Future<RecordMetadata>> sent = new ArrayList<>();
      byte[] key = KEY.getBytes(StandardCharsets.UTF_8);
      empty.forEach(t -> sent.add(producer.send(new ProducerRecord<>(t, 0, key, VALUE))));
      for (java.util.concurrent.Future<RecordMetadata> f : sent) {
        f.get();
      }
    }
  }
}
