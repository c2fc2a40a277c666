package io.dekube.apiserver.bus;

import io.dekube.core.bus.BusCapture;
import io.dekube.core.bus.BusSchemas;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.dekube.core.bus.TopicCatalog;
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
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The bus contract on real traffic: a writer run through StoreClient (every verb, successes and
 * failures), then every committed record on dekube.requests, dekube.replies and the touched store
 * topics is checked against the schema topics.yaml names for its topic.
 */
@WithKafka
class WriterBusContractIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType CM = REGISTRY.byResourceName("configmaps").orElseThrow();
  private static final ResourceType NS = REGISTRY.byResourceName("namespaces").orElseThrow();
  private static final ResourceType DEPLOY = REGISTRY.byResourceName("deployments.apps").orElseThrow();

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  private static ObjectNode json(String s) throws Exception {
    return (ObjectNode) Json.MAPPER.readTree(s);
  }

  @Test
  void everyMessageOfAWriterRunValidates(@KafkaBootstrap String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
    }
    Vertx vertx = Vertx.vertx();
    try {
      await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap).withWriterId("contract")
          .withSessionTimeout(Duration.ofSeconds(6)).withMaxPollInterval(Duration.ofSeconds(6)))));
      StoreClient client = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)
          .withRequesterId("contract-" + UUID.randomUUID())));
      exerciseEveryVerb(client);
      await(client.close());
    } finally {
      await(vertx.close());
    }
    List<String> topics = new ArrayList<>(List.of(Topics.REQUESTS, Topics.REPLIES));
    List.of(CM, NS, DEPLOY).forEach(t -> topics.add(t.storeTopic()));
    List<ConsumerRecord<String, byte[]>> records = BusCapture.readAll(bootstrap, topics);
    assertTrue(records.size() >= 30, "records captured: " + records.size());
    List<BusCapture.Violation> violations = BusCapture.violations(new BusSchemas(), records);
    assertEquals(List.of(), violations, BusCapture.describe(violations));
  }

  private static void exerciseEveryVerb(StoreClient c) throws Exception {
    String ns = "contract-" + UUID.randomUUID().toString().substring(0, 8);
    await(c.create(NS, "", json("{\"metadata\":{\"name\":\"" + ns + "\"}}"), WriteOptions.none()));
    ObjectNode cm = json("{\"metadata\":{\"name\":\"a\",\"namespace\":\"" + ns + "\",\"labels\":{\"app\":\"web\"}},"
        + "\"data\":{\"k\":\"v\"}}");
    ObjectNode created = await(c.create(CM, ns, cm, WriteOptions.none()));
    await(c.create(CM, ns, json("{\"metadata\":{\"generateName\":\"gen-\",\"namespace\":\"" + ns + "\"}}"),
        WriteOptions.none()));
    await(c.create(CM, ns, json("{\"metadata\":{\"name\":\"dry\",\"namespace\":\"" + ns + "\"}}"),
        WriteOptions.none().withDryRun(true)));
    await(c.get(CM, ns, "a"));
    await(c.list(CM, ns));
    await(c.list(CM, ""));
    ObjectNode updated = created.deepCopy();
    ((ObjectNode) updated.get("data")).put("k", "v2");
    updated = await(c.update(CM, updated, WriteOptions.none()));
    await(c.patch(CM, ns, "a", "application/merge-patch+json", json("{\"data\":{\"m\":\"1\"}}"), WriteOptions.none()));
    await(c.patch(CM, ns, "a", "application/json-patch+json",
        Json.MAPPER.readTree("[{\"op\":\"add\",\"path\":\"/data/j\",\"value\":\"2\"}]"), WriteOptions.none()));
    expectCode(409, c.update(CM, updated, WriteOptions.none())); // stale resourceVersion: Conflict
    ObjectNode deploy = json("{\"metadata\":{\"name\":\"web\",\"namespace\":\"" + ns + "\"},\"spec\":{\"replicas\":1,"
        + "\"selector\":{\"matchLabels\":{\"app\":\"web\"}},\"template\":{\"metadata\":{\"labels\":{\"app\":\"web\"}},"
        + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"dekube/web\"}]}}}}");
    ObjectNode d = await(c.create(DEPLOY, ns, deploy, WriteOptions.none()));
    d.putObject("status").put("replicas", 1);
    await(c.updateStatus(DEPLOY, d, WriteOptions.none()));
    ObjectNode fin = json("{\"metadata\":{\"name\":\"fin\",\"namespace\":\"" + ns + "\",\"finalizers\":[\"x/y\"]}}");
    await(c.create(CM, ns, fin, WriteOptions.none()));
    await(c.delete(CM, ns, "fin", WriteOptions.none()));
    await(c.delete(CM, ns, "a", WriteOptions.none().withPropagationPolicy("Background")));
    // failures: each must come back as a valid Status reply
    expectCode(404, c.get(CM, ns, "missing"));
    ObjectNode dup = json("{\"metadata\":{\"name\":\"dup\",\"namespace\":\"" + ns + "\"}}");
    await(c.create(CM, ns, dup.deepCopy(), WriteOptions.none()));
    expectCode(409, c.create(CM, ns, dup.deepCopy(), WriteOptions.none()));
    expectCode(422, c.create(CM, ns, json("{\"metadata\":{\"name\":\"Not_Valid\",\"namespace\":\"" + ns + "\"}}"),
        WriteOptions.none()));
    expectCode(404, c.delete(CM, ns, "missing", WriteOptions.none()));
  }

  private static void expectCode(int code, Future<?> f) {
    StatusException e = assertThrows(StatusException.class, () -> await(f));
    assertEquals(code, e.code(), e.getMessage());
  }
}
