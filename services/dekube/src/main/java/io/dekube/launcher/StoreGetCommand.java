package io.dekube.launcher;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * {@code ./dekube store-get /registry/<resource>/<namespace>/<name>}: dekube's {@code etcdctl get} for kube's task
 * "Encrypting Confidential Data at Rest". It prints the storage path, then the latest value of the object's store
 * record exactly as it lies on the Kafka topic (no decryption), each followed by a newline as etcdctl prints a key
 * and its value, so {@code | hexdump -C} shows the {@code k8s:enc:aescbc:v1:key1:} prefix. {@code <resource>} is
 * the bus name ({@code secrets}, {@code deployments.apps}); cluster-scoped objects have no namespace segment.
 * Prints nothing for an object that is not stored (as etcdctl). Reads from a plain thread.
 */
final class StoreGetCommand {

  static final List<Flag> FLAGS = List.of(
      Flag.of("--kafka", "HOST:PORT", "the cluster's Kafka (default 127.0.0.1:9092)"));

  private StoreGetCommand() {
  }

  /** Returns the process exit code. */
  static int run(List<String> args, PrintStream out) {
    List<String> paths = new ArrayList<>();
    Flags f = Flags.parseWithOperands(args, FLAGS, paths);
    if (paths.size() != 1 || !paths.get(0).startsWith("/registry/") || paths.get(0).split("/").length < 4) {
      throw new IllegalArgumentException("usage: dekube store-get /registry/<resource>/[<namespace>/]<name> "
          + "[--kafka HOST:PORT]");
    }
    String path = paths.get(0);
    String[] parts = path.substring("/registry/".length()).split("/", 2);
    String topic = "dekube.store." + parts[0];
    String key = parts[1].contains("/") ? parts[1] : "/" + parts[1];
    byte[] value = latest(f.string("--kafka", "127.0.0.1:9092"), topic, key);
    if (value != null) {
      out.write(path.getBytes(StandardCharsets.UTF_8), 0, path.length());
      out.write('\n');
      out.write(value, 0, value.length);
      out.write('\n');
      out.flush();
    }
    return 0;
  }

  /** The latest committed value of {@code key} on {@code topic} (null when absent or deleted). */
  static byte[] latest(String bootstrap, String topic, String key) {
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
      if (c.partitionsFor(topic, Duration.ofSeconds(10)).isEmpty()) {
        throw new IllegalArgumentException("no store topic " + topic + " at " + bootstrap);
      }
      TopicPartition tp = new TopicPartition(topic, 0);
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      byte[] last = null;
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (c.position(tp) < end && System.nanoTime() < deadline) {
        for (var r : c.poll(Duration.ofMillis(200))) {
          if (key.equals(r.key())) {
            last = r.value();
          }
        }
      }
      return last;
    }
  }
}
