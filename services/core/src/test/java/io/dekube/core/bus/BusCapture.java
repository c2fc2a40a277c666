package io.dekube.core.bus;

import io.vertx.json.schema.OutputUnit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads everything committed on bus topics and checks each record against the schema topics.yaml
 * names for its topic: the contract check of real traffic. Tombstones on store topics are deletes
 * and have no schema; an ingest value is validated as text. Blocking: test threads only.
 */
public final class BusCapture {

  /** A record that does not validate, with the validator's errors. */
  public record Violation(String topic, int partition, long offset, String value, String errors) {
    @Override
    public String toString() {
      return topic + "-" + partition + "@" + offset + ": " + value + errors;
    }
  }

  private BusCapture() {
  }

  /** Every committed record of the topics, from the beginning to the current end. */
  public static List<ConsumerRecord<String, byte[]>> readAll(String bootstrap, List<String> topics) {
    Map<String, Object> config = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed", ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (String topic : topics) {
        c.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> ends = c.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
      while (partitions.stream().anyMatch(p -> c.position(p) < ends.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topics + " to " + ends);
        }
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
      return out;
    }
  }

  /** The records that do not validate against their topic's schema. */
  public static List<Violation> violations(BusSchemas schemas, List<ConsumerRecord<String, byte[]>> records) {
    List<Violation> out = new ArrayList<>();
    for (ConsumerRecord<String, byte[]> r : records) {
      boolean storeTopic = schemas.catalog().fixedTopics().stream().noneMatch(t -> t.name().equals(r.topic()));
      if (r.value() == null && storeTopic) {
        continue;
      }
      String text = r.value() == null ? "null" : new String(r.value(), StandardCharsets.UTF_8);
      Object message = Topics.INGEST.equals(r.topic()) ? text : r.value();
      OutputUnit unit;
      try {
        unit = storeTopic && StoreMarker.isMarker(r.key())
            ? schemas.validate("schemas/store-marker.json", message)
            : schemas.validateOnTopic(r.topic(), message);
      } catch (RuntimeException e) {
        out.add(new Violation(r.topic(), r.partition(), r.offset(), text, " unreadable: " + e.getMessage()));
        continue;
      }
      if (!unit.getValid()) {
        out.add(new Violation(r.topic(), r.partition(), r.offset(), text, BusSchemas.errors(unit)));
      }
    }
    return out;
  }

  /** A message for an assertion: every violation on its own line. */
  public static String describe(List<Violation> violations) {
    return violations.stream().map(Violation::toString).collect(Collectors.joining("\n"));
  }
}
