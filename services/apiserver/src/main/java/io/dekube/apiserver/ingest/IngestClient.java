package io.dekube.apiserver.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Topics;
import io.dekube.core.model.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * A producer of {@code dekube.ingest} that waits for the answer: publishes a text under a fresh
 * key and reads {@code dekube.ingest.results} until every document's result for that key is there
 * (duplicates of an at-least-once retry are dropped). Blocking: for command lines and tests, never
 * an event loop. Not thread-safe; close it.
 */
public final class IngestClient implements AutoCloseable {

  private final KafkaProducer<String, String> producer;
  private final KafkaConsumer<String, String> results;

  public IngestClient(String bootstrapServers) {
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all"), new StringSerializer(), new StringSerializer());
    results = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), new StringDeserializer());
  }

  /** Publishes {@code text} under a fresh key; answers its results by document index. */
  public List<ObjectNode> ingest(String text, Duration timeout) throws Exception {
    return ingest(UUID.randomUUID().toString(), text, timeout);
  }

  /**
   * Publishes {@code text} under {@code key} and waits for its results.
   *
   * @throws TimeoutException when not every result came within {@code timeout}
   */
  public List<ObjectNode> ingest(String key, String text, Duration timeout) throws Exception {
    Instant deadline = Instant.now().plus(timeout);
    List<TopicPartition> parts = results.partitionsFor(Topics.INGEST_RESULTS, timeout).stream()
        .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
    results.assign(parts);
    results.seekToEnd(parts);
    parts.forEach(results::position); // fixes the start before the record is sent
    try {
      producer.send(new ProducerRecord<>(Topics.INGEST, key, text)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      throw new TimeoutException("Kafka did not take ingest record " + key + " within " + timeout.toSeconds() + " s");
    }
    Map<Integer, ObjectNode> byIndex = new TreeMap<>();
    int expected = -1;
    while (expected < 0 || byIndex.size() < expected) {
      Duration left = Duration.between(Instant.now(), deadline);
      if (left.isNegative() || left.isZero()) {
        throw new TimeoutException("no result for ingest record " + key + " within " + timeout.toSeconds() + " s ("
            + byIndex.size() + " of " + (expected < 0 ? "?" : expected) + " documents answered)");
      }
      for (ConsumerRecord<String, String> r : results.poll(left.compareTo(Duration.ofMillis(500)) < 0 ? left
          : Duration.ofMillis(500))) {
        if (key.equals(r.key()) && r.value() != null) {
          ObjectNode result = (ObjectNode) Json.MAPPER.readTree(r.value());
          byIndex.put(result.path("index").asInt(), result);
          expected = result.path("documents").asInt(1);
        }
      }
    }
    return List.copyOf(byIndex.values());
  }

  /**
   * One line as kubectl prints it: {@code deployment.apps/kube-decon created}, or
   * {@code Error from server (NotFound): document 2: ...}.
   */
  public static String describe(JsonNode result) {
    if (result.path("ok").asBoolean()) {
      JsonNode o = result.path("object");
      String apiVersion = o.path("apiVersion").asText();
      int slash = apiVersion.indexOf('/');
      String group = slash < 0 ? "" : "." + apiVersion.substring(0, slash);
      return o.path("kind").asText().toLowerCase(Locale.ROOT) + group + "/" + o.path("name").asText() + " "
          + o.path("action").asText();
    }
    JsonNode e = result.path("error");
    return "Error from server (" + e.path("reason").asText() + "): document " + result.path("index").asInt() + ": "
        + e.path("message").asText();
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
    results.close(Duration.ofSeconds(5));
  }
}
