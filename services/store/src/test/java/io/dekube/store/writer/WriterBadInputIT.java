package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Topics;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/** Malformed request records get an error reply (or a WARN and a metric) and the writer keeps serving. */
@WithKafka
class WriterBadInputIT {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();

  @Test
  void malformedRequestsAreAnsweredOrCountedAndTheWriterKeepsServing(@KafkaBootstrap String bootstrap)
      throws Exception {
    WriterItSupport.ensureTopics(bootstrap);
    allowLargeRequests(bootstrap);
    Vertx vertx = Vertx.vertx();
    List<StoreClient> clients = null;
    String requester = "bad-input-" + UUID.randomUUID();
    try (KafkaConsumer<byte[], byte[]> replies = WriterItSupport.replyReader(bootstrap, requester);
         KafkaProducer<byte[], byte[]> raw = rawProducer(bootstrap)) {
      // no writer yet: a request times out with 504
      StoreClient early = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)
          .withTimeout(Duration.ofMillis(500))));
      StatusException timeout = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
          () -> await(early.get(CM, "bad", "nothing")));
      assertEquals(504, timeout.code());
      assertEquals("Timeout", timeout.reason());
      await(early.close());

      await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "bad-input"))));
      double notJson = WriterMetrics.badMessages("not-json").count();
      double missing = WriterMetrics.badMessages("missing-fields").count();

      send(raw, "configmaps", "this is not json".getBytes(StandardCharsets.UTF_8));
      send(raw, "configmaps", "[1, 2]".getBytes(StandardCharsets.UTF_8));
      send(raw, "configmaps", json("{'id':'x','verb':'get','resource':'configmaps'}"));
      send(raw, "frobs", json("{'id':'b1','requester':'" + requester + "','verb':'create','resource':'frobs'}"));
      send(raw, "configmaps", json("{'id':'b2','requester':'" + requester + "','verb':'frobnicate',"
          + "'resource':'configmaps'}"));
      send(raw, "configmaps", json("{'id':'b3','requester':'" + requester + "','resource':'configmaps'}"));
      ObjectNode big = Json.object().put("id", "b4").put("requester", requester).put("verb", "create")
          .put("resource", "configmaps").put("namespace", "bad");
      ObjectNode body = big.putObject("body");
      body.putObject("metadata").put("name", "big").put("namespace", "bad");
      body.putObject("data").put("blob", "x".repeat(3 * 1024 * 1024 + 100));
      send(raw, "configmaps", Json.MAPPER.writeValueAsBytes(big));
      send(raw, "configmaps", json("{'id':'b5','requester':'" + requester + "','verb':'create',"
          + "'resource':'configmaps','body':'not an object'}"));
      send(raw, "pods", json("{'id':'b6','requester':'" + requester + "','verb':'get','resource':'configmaps',"
          + "'namespace':'bad','name':'x'}"));

      Map<String, JsonNode> got = new ConcurrentHashMap<>();
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        replies.poll(Duration.ofMillis(200)).forEach(r -> {
          try {
            JsonNode n = Json.MAPPER.readTree(r.value());
            if (requester.equals(n.path("requester").asText())) {
              got.put(n.path("requestId").asText(), n);
            }
          } catch (Exception e) {
            // not ours
          }
        });
        return got.keySet().containsAll(List.of("b1", "b2", "b3", "b4", "b5", "b6"));
      });
      assertEquals(404, got.get("b1").path("code").asInt());
      assertEquals("NotFound", got.get("b1").path("status").path("reason").asText());
      assertEquals(400, got.get("b2").path("code").asInt());
      assertEquals(400, got.get("b3").path("code").asInt());
      assertEquals(413, got.get("b4").path("code").asInt());
      assertEquals("RequestEntityTooLarge", got.get("b4").path("status").path("reason").asText());
      assertEquals(400, got.get("b5").path("code").asInt());
      assertEquals(400, got.get("b6").path("code").asInt(), "a request keyed to another partition is refused");
      await().atMost(Duration.ofSeconds(10)).until(() ->
          WriterMetrics.badMessages("not-json").count() >= notJson + 2
              && WriterMetrics.badMessages("missing-fields").count() >= missing + 1);

      clients = WriterItSupport.clients(vertx, bootstrap, 1, "bad-input-ok");
      ObjectNode cm = Json.object();
      cm.putObject("metadata").put("name", "still-fine").put("namespace", "bad");
      ObjectNode created = await(clients.get(0).create(CM, "bad", cm, WriteOptions.none()));
      assertEquals("still-fine", created.path("metadata").path("name").asText());

      // a request whose store record the broker refuses aborts every transaction: answered 500, then skipped
      ResourceType limits = ResourceRegistry.builtIn().byResourceName("limitranges").orElseThrow();
      setTopicConfig(bootstrap, limits.storeTopic(), "max.message.bytes", "2000");
      ObjectNode poison = Json.object();
      poison.putObject("metadata").put("name", "poison").put("namespace", "bad").putObject("annotations")
          .put("big", "y".repeat(5000));
      StoreClient client = clients.get(0);
      StatusException refused = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
          () -> await(client.create(limits, "bad", poison, WriteOptions.none())));
      assertEquals(500, refused.code());
      ObjectNode small = Json.object();
      small.putObject("metadata").put("name", "small").put("namespace", "bad");
      assertEquals("small", await(client.create(limits, "bad", small, WriteOptions.none()))
          .path("metadata").path("name").asText());
    } finally {
      WriterItSupport.close(clients, vertx);
    }
  }

  private static byte[] json(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static void send(KafkaProducer<byte[], byte[]> p, String key, byte[] value) throws Exception {
    p.send(new ProducerRecord<>(Topics.REQUESTS, key.getBytes(StandardCharsets.UTF_8), value)).get();
  }

  /** Lets dekube.requests carry records above the writer's 3 MiB limit, so the writer's check is what answers. */
  private static void allowLargeRequests(String bootstrap) throws Exception {
    setTopicConfig(bootstrap, Topics.REQUESTS, "max.message.bytes", Integer.toString(5 * 1024 * 1024));
  }

  private static void setTopicConfig(String bootstrap, String topicName, String key, String value) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, topicName);
      Collection<AlterConfigOp> ops = List.of(new AlterConfigOp(new ConfigEntry(key, value), AlterConfigOp.OpType.SET));
      admin.incrementalAlterConfigs(Map.of(topic, ops)).all().get();
    }
  }

  private static KafkaProducer<byte[], byte[]> rawProducer(String bootstrap) {
    return new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 6 * 1024 * 1024,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class));
  }
}
