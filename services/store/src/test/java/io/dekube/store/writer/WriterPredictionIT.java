package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Topics;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Writer rule 8: replies are sent with predicted store offsets, checked against the acknowledged
 * ones before the commit. A hook skews every other prediction, so those transactions abort and are
 * redone in turn: every create must still be answered exactly once, with the offset its record got.
 */
@WithKafka
class WriterPredictionIT {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();
  private static final AtomicInteger PREDICTIONS = new AtomicInteger();
  private static final AtomicInteger SKEWED = new AtomicInteger();
  private static String bootstrap;
  private static Vertx vertx;
  private static List<StoreClient> clients;

  @BeforeAll
  static void start(@KafkaBootstrap String kafka) throws Exception {
    bootstrap = kafka;
    WriterItSupport.ensureTopics(bootstrap);
    vertx = Vertx.vertx();
    WriterTestHooks skewEveryOther = new WriterTestHooks() {
      @Override
      public void beforeCommit(int partition) {
      }

      @Override
      public long predictionSkew(int partition) {
        if (PREDICTIONS.incrementAndGet() % 2 == 0) {
          SKEWED.incrementAndGet();
          return 1;
        }
        return 0;
      }
    };
    await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "prediction"))
        .hooks(skewEveryOther)));
    clients = WriterItSupport.clients(vertx, bootstrap, 4, "prediction-" + UUID.randomUUID());
  }

  @AfterAll
  static void stop() throws Exception {
    WriterItSupport.close(clients, vertx);
  }

  @Test
  void mispredictedTransactionsAbortAndEveryCreateIsAnsweredOnceWithItsOffset() throws Exception {
    double missesBefore = WriterMetrics.predictionMisses().count();
    Map<String, Long> rvByName = new ConcurrentHashMap<>();
    List<Future<Void>> loops = new ArrayList<>();
    for (int loop = 0; loop < 16; loop++) {
      StoreClient c = clients.get(loop % clients.size());
      Future<Void> chain = Future.succeededFuture();
      for (int i = 0; i < 15; i++) {
        String name = "cm-" + loop + "-" + i;
        chain = chain.compose(v -> c.create(CM, "prediction", configMap(name), WriteOptions.none())
            .map(created -> {
              rvByName.put(name, Long.parseLong(created.path("metadata").path("resourceVersion").asText()));
              return null;
            }));
      }
      loops.add(chain);
    }
    await(Future.all(loops));
    assertEquals(240, rvByName.size(), "every create answered 201");

    double misses = WriterMetrics.predictionMisses().count() - missesBefore;
    assertTrue(SKEWED.get() > 0, "the hook skewed some predictions");
    assertEquals(SKEWED.get(), (int) misses, "each skewed prediction, and only those, was caught as a mismatch");

    Map<String, Long> stored = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readCommitted(new TopicPartition(CM.storeTopic(), 0))) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (key.startsWith("prediction/")) {
        Long previous = stored.put(key.substring("prediction/".length()), r.offset());
        assertEquals(null, previous, "stored once: " + key);
      }
    }
    assertEquals(rvByName, stored, "each reply's resourceVersion is the offset its committed record got");

    Set<String> requesters = clients.stream().map(StoreClient::requesterId).collect(Collectors.toSet());
    Map<String, Integer> repliesPerRequest = new HashMap<>();
    int partitions = partitions(Topics.REPLIES);
    for (int p = 0; p < partitions; p++) {
      for (ConsumerRecord<byte[], byte[]> r : readCommitted(new TopicPartition(Topics.REPLIES, p))) {
        JsonNode reply = Json.MAPPER.readTree(r.value());
        if (requesters.contains(reply.path("requester").asText()) && reply.path("code").asInt() == 201) {
          repliesPerRequest.merge(reply.path("requestId").asText(), 1, Integer::sum);
        }
      }
    }
    assertEquals(240, repliesPerRequest.size(), "one committed reply per create");
    assertTrue(repliesPerRequest.values().stream().allMatch(n -> n == 1),
        "no request answered twice: " + repliesPerRequest.values().stream().filter(n -> n > 1).count());
  }

  private static ObjectNode configMap(String name) {
    ObjectNode o = Json.object();
    o.putObject("metadata").put("name", name).put("namespace", "prediction");
    o.putObject("data").put("k", "v");
    return o;
  }

  private static int partitions(String topic) {
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      return c.partitionsFor(topic).size();
    }
  }

  /** Every committed record of a partition, up to its end now. */
  private static List<ConsumerRecord<byte[], byte[]>> readCommitted(TopicPartition tp) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = consumer()) {
      c.assign(List.of(tp));
      c.seekToBeginning(List.of(tp));
      long end = c.endOffsets(List.of(tp)).get(tp);
      while (c.position(tp) < end) {
        c.poll(Duration.ofMillis(200)).records(tp).forEach(out::add);
      }
    }
    return out;
  }

  private static KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class));
  }
}
