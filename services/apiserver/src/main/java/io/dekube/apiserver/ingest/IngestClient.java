package io.dekube.apiserver.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Topics;
import io.dekube.core.encryption.BusEncryption;
import io.dekube.core.encryption.ValueTransformer;
import io.dekube.core.model.ResourceRegistry;
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
      producer.send(record(key, text)).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
   * The record of {@code text}: sealed by this process's encryption configuration when one of its documents is of a
   * resource the configuration encrypts (a Secret manifest is then never in clear on {@code dekube.ingest}), the
   * resource named in the header {@link BusEncryption#INGEST_HEADER}; as it is otherwise.
   */
  static ProducerRecord<String, String> record(String key, String text) throws ValueTransformer.TransformException {
    String resource = encryptedResource(text);
    String sealed = resource == null ? null : BusEncryption.sealIngest(resource, key, text);
    if (sealed == null) {
      return new ProducerRecord<>(Topics.INGEST, key, text);
    }
    ProducerRecord<String, String> r = new ProducerRecord<>(Topics.INGEST, key, sealed);
    r.headers().add(BusEncryption.INGEST_HEADER, resource.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return r;
  }

  /** The first resource of the text's documents that the configuration encrypts, or null (none, or no config). */
  private static String encryptedResource(String text) {
    if (io.dekube.core.encryption.StoreEncryption.config().isEmpty()) {
      return null;
    }
    ResourceRegistry registry = ResourceRegistry.builtIn();
    for (String doc : IngestDocuments.split(text)) {
      try {
        JsonNode n = Json.YAML.readTree(doc);
        String apiVersion = n == null ? "" : n.path("apiVersion").asText("");
        String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
        java.util.Optional<String> resource = registry.byGroupKind(group, n == null ? "" : n.path("kind").asText(""))
            .map(io.dekube.core.model.ResourceType::resourceName);
        if (resource.isPresent() && io.dekube.core.encryption.StoreEncryption.transformer(resource.get()) != null) {
          return resource.get();
        }
      } catch (java.io.IOException | RuntimeException e) {
        // not YAML: the apiserver answers it; it decides nothing here
      }
    }
    return null;
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
