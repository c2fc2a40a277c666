package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.RequestEnvelope;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Optimistic concurrency through one writer, and the basics of the request/reply path. */
@WithKafka
class WriterCasIT {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();
  private static Vertx vertx;
  private static List<StoreClient> clients;

  @BeforeAll
  static void start(@KafkaBootstrap String bootstrap) throws Exception {
    WriterItSupport.ensureTopics(bootstrap);
    vertx = Vertx.vertx();
    await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "cas"))));
    clients = WriterItSupport.clients(vertx, bootstrap, 8, "cas-" + UUID.randomUUID());
  }

  @AfterAll
  static void stop() throws Exception {
    WriterItSupport.close(clients, vertx);
  }

  private static ObjectNode configMap(String ns, String name) {
    ObjectNode o = Json.object();
    o.putObject("metadata").put("name", name).put("namespace", ns);
    o.putObject("data").put("k", "v");
    return o;
  }

  @Test
  void concurrentReadModifyWriteLosesNoUpdate() throws Exception {
    StoreClient first = clients.get(0);
    await(first.create(CM, "cas", configMap("cas", "counter"), WriteOptions.none()));
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger conflicts = new AtomicInteger();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < 32; i++) {
      StoreClient c = clients.get(i % clients.size());
      Promise<Void> done = Promise.promise();
      vertx.runOnContext(v -> increment(c, 50, ok, conflicts, done));
      loops.add(done.future());
    }
    await(Future.all(loops));
    ObjectNode last = await(first.get(CM, "cas", "counter"));
    int counter = Integer.parseInt(last.path("metadata").path("annotations").path("counter").asText("0"));
    assertEquals(ok.get(), counter, "every acknowledged update is in the object");
    assertEquals(32 * 50, ok.get() + conflicts.get(), "every other attempt was a 409 Conflict");
    assertTrue(ok.get() >= 50, "updates made progress: " + ok.get());
  }

  private static void increment(StoreClient c, int remaining, AtomicInteger ok, AtomicInteger conflicts,
                                Promise<Void> done) {
    if (remaining == 0) {
      done.complete();
      return;
    }
    c.get(CM, "cas", "counter").compose(obj -> {
      ObjectNode next = obj.deepCopy();
      ObjectNode ann = Json.metadata(next).has("annotations") ? (ObjectNode) next.get("metadata").get("annotations")
          : Json.metadata(next).putObject("annotations");
      ann.put("counter", Integer.toString(Integer.parseInt(ann.path("counter").asText("0")) + 1));
      return c.update(CM, next, WriteOptions.none());
    }).onComplete(ar -> {
      if (ar.succeeded()) {
        ok.incrementAndGet();
      } else if (ar.cause() instanceof StatusException se && se.code() == 409) {
        conflicts.incrementAndGet();
      } else {
        done.fail(ar.cause());
        return;
      }
      increment(c, remaining - 1, ok, conflicts, done);
    });
  }

  @Test
  void retryWithTheSameIdGetsTheFirstReply() throws Exception {
    StoreClient c = clients.get(1);
    RequestEnvelope create = new RequestEnvelope(UUID.randomUUID().toString(), c.requesterId(), "create",
        "configmaps", "cas", "retry-me", configMap("cas", "retry-me"), null, null);
    ReplyEnvelope first = await(c.send(create));
    ReplyEnvelope again = await(c.send(create));
    assertEquals(201, first.code());
    assertEquals(201, again.code(), "a retry is answered with the first reply, not AlreadyExists");
    assertEquals(first.object(), again.object());
    StatusException fresh = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> await(c.create(CM, "cas", configMap("cas", "retry-me"), WriteOptions.none())));
    assertEquals(409, fresh.code());
  }

  @Test
  void crudRoundTrip() throws Exception {
    StoreClient c = clients.get(2);
    ObjectNode created = await(c.create(CM, "crud", configMap("crud", "a"), WriteOptions.none()));
    long rv = Long.parseLong(created.path("metadata").path("resourceVersion").asText());
    ObjectNode patched = await(c.patch(CM, "crud", "a", "application/merge-patch+json",
        Json.MAPPER.readTree("{\"data\":{\"x\":\"y\"}}"), WriteOptions.none()));
    assertTrue(Long.parseLong(patched.path("metadata").path("resourceVersion").asText()) > rv);
    ObjectNode list = await(c.list(CM, "crud"));
    assertEquals(1, await(c.list(CM, "crud", "", "metadata.name=a")).path("items").size());
    assertEquals(0, await(c.list(CM, "crud", "app=web", null)).path("items").size());
    assertEquals("ConfigMapList", list.path("kind").asText());
    assertEquals(1, list.path("items").size());
    assertEquals(patched.path("metadata").path("resourceVersion"), list.path("metadata").path("resourceVersion"));
    ObjectNode deleted = await(c.delete(CM, "crud", "a", WriteOptions.none()));
    assertEquals("a", deleted.path("metadata").path("name").asText());
    StatusException missing = org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> await(c.get(CM, "crud", "a")));
    assertEquals(404, missing.code());
    ObjectNode dry = await(c.create(CM, "crud", configMap("crud", "dry"), WriteOptions.none().withDryRun(true)));
    assertEquals("dry", dry.path("metadata").path("name").asText());
    assertEquals(404, org.junit.jupiter.api.Assertions.assertThrows(StatusException.class,
        () -> await(c.get(CM, "crud", "dry"))).code());
  }

  @Test
  void futuresCompleteOnTheCallersContext() throws Exception {
    StoreClient c = clients.get(3);
    io.vertx.core.Context ctx = vertx.getOrCreateContext();
    Promise<Boolean> same = Promise.promise();
    ctx.runOnContext(v -> c.list(CM, "").onComplete(ar -> same.complete(ar.succeeded() && Vertx.currentContext() == ctx)));
    assertTrue(await(same.future()));
  }
}
