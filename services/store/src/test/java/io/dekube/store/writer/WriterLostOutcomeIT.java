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
import io.dekube.core.store.StoreClient;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * A create whose first attempt was committed, sent again with the same request id to a writer that
 * never saw that commit (a new writer instance: what a writer that lost a commit's outcome and
 * started its partition again is), is answered 201 with the first object and stored once.
 */
@WithKafka
class WriterLostOutcomeIT {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();

  @Test
  void aCreateSentAgainAfterTheWriterStartedOverIsNotDoneTwice(@KafkaBootstrap String bootstrap) throws Exception {
    WriterItSupport.ensureTopics(bootstrap);
    Vertx vertx = Vertx.vertx();
    String requester = "lost-outcome-" + UUID.randomUUID();
    List<StoreClient> clients = null;
    try (KafkaConsumer<byte[], byte[]> replies = WriterItSupport.replyReader(bootstrap, requester);
         KafkaProducer<byte[], byte[]> raw = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
             bootstrap, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
             ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      String first = await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "lost-a"))));
      ObjectNode request = Json.object().put("id", "create-once").put("requester", requester).put("verb", "create")
          .put("resource", "configmaps").put("namespace", "lost");
      request.putObject("body").putObject("metadata").put("generateName", "once-").put("namespace", "lost");
      byte[] bytes = Json.MAPPER.writeValueAsBytes(request);
      raw.send(new ProducerRecord<>(Topics.REQUESTS, "configmaps".getBytes(StandardCharsets.UTF_8), bytes)).get();
      JsonNode created = nextReply(replies, requester);
      assertEquals(201, created.path("code").asInt(), created.toString());
      String name = created.path("object").path("metadata").path("name").asText();

      // a writer with nothing in memory takes the partitions over and rebuilds them from the store topics
      await(vertx.undeploy(first));
      await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "lost-b"))));
      raw.send(new ProducerRecord<>(Topics.REQUESTS, "configmaps".getBytes(StandardCharsets.UTF_8), bytes)).get();
      JsonNode again = nextReply(replies, requester);
      assertEquals(201, again.path("code").asInt(), again.toString());
      assertEquals(name, again.path("object").path("metadata").path("name").asText(), "the first attempt's object");
      assertEquals(created.path("object").path("metadata").path("resourceVersion").asText(),
          again.path("object").path("metadata").path("resourceVersion").asText());

      clients = WriterItSupport.clients(vertx, bootstrap, 1, "lost-outcome-check");
      JsonNode stored = await(clients.get(0).list(CM, "lost"));
      assertEquals(1, stored.path("items").size(), "stored once: " + stored);
    } finally {
      WriterItSupport.close(clients, vertx);
    }
  }

  private static JsonNode nextReply(KafkaConsumer<byte[], byte[]> replies, String requester) {
    JsonNode[] got = new JsonNode[1];
    await().atMost(Duration.ofSeconds(60)).until(() -> {
      replies.poll(Duration.ofMillis(200)).forEach(r -> {
        try {
          JsonNode n = Json.MAPPER.readTree(r.value());
          if (requester.equals(n.path("requester").asText())) {
            got[0] = n;
          }
        } catch (Exception e) {
          // not ours
        }
      });
      return got[0] != null;
    });
    return got[0];
  }
}
