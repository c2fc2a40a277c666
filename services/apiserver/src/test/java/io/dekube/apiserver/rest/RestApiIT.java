package io.dekube.apiserver.rest;

import static io.dekube.apiserver.rest.HttpFixture.assertStatus;
import static io.dekube.apiserver.rest.HttpFixture.json;
import static io.dekube.apiserver.rest.RestApiTestBase.deployment;
import static io.dekube.apiserver.rest.RestApiTestBase.pod;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.rest.HttpFixture.Res;
import io.dekube.apiserver.rest.HttpFixture.Watch;
import io.dekube.apiserver.rest.watch.WatchConfig;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerOptions;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The REST API over the real bus: a writer, a StoreClient and informers on the embedded Kafka,
 * served over plain HTTP on a random port. Each test works in its own namespace.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RestApiIT {

  private static final Duration WAIT = Duration.ofSeconds(30);
  private static final int WINDOW = 20;

  private final String bootstrap;
  private final ResourceRegistry registry = ResourceRegistry.builtIn();
  private final Map<String, Informer> informers = new ConcurrentHashMap<>();
  private Vertx vertx;
  private StoreClient client;
  private HttpFixture http;

  RestApiIT(@KafkaBootstrap String bootstrap) {
    this.bootstrap = bootstrap;
  }

  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  @BeforeAll
  void start() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, registry.all(), (short) 1);
    }
    vertx = Vertx.vertx();
    await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap).withWriterId("rest-it")
        .withSessionTimeout(Duration.ofSeconds(6)).withMaxPollInterval(Duration.ofSeconds(6)))));
    client = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap).withRequesterId("rest-it")));
    Router router = Router.router(vertx);
    new RestApi(vertx, registry, client, this::informer, Codecs.jsonOnly())
        .withWatchConfig(new WatchConfig(500, 60, 1000)).mount(router);
    HttpServer server = await(vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1"));
    http = new HttpFixture(server.actualPort());
  }

  /** Informers with a small window, so that an old resource version is easy to make. */
  private Informer informer(ResourceType t) {
    return informers.computeIfAbsent(t.resourceName(), k -> Informer.create(vertx, bootstrap, t,
        InformerOptions.defaults().withWindowCapacity(WINDOW)));
  }

  @AfterAll
  void stop() throws Exception {
    if (client != null) {
      await(client.close());
    }
    await(Future.all(new ArrayList<>(informers.values()).stream().map(Informer::close).toList()));
    await(vertx.close());
  }

  @Test
  void crudRoundTrip() throws Exception {
    Res created = http.post("/api/v1/namespaces/crud/pods", pod("crud", "web", "'app':'web'"));
    assertEquals(201, created.code(), created.raw());
    String rv = created.body().at("/metadata/resourceVersion").asText();
    Res got = http.get("/api/v1/namespaces/crud/pods/web");
    assertEquals(200, got.code(), got.raw());
    assertEquals(rv, got.body().at("/metadata/resourceVersion").asText(), "a GET after a write sees it");
    assertStatus(http.post("/api/v1/namespaces/crud/pods", pod("crud", "web", "")), 409, "AlreadyExists",
        "pods \"web\" already exists");
    ObjectNode changed = got.body().deepCopy();
    ((ObjectNode) changed.at("/metadata/labels")).put("tier", "front");
    Res updated = http.put("/api/v1/namespaces/crud/pods/web", changed.toString());
    assertEquals(200, updated.code(), updated.raw());
    assertStatus(http.put("/api/v1/namespaces/crud/pods/web", changed.toString()), 409, "Conflict", "modified");
    assertStatus(http.put("/api/v1/namespaces/crud/pods/none", pod("crud", "none", "")), 404, "NotFound",
        "pods \"none\" not found");
    assertEquals("front", http.get("/api/v1/namespaces/crud/pods/web").body().at("/metadata/labels/tier").asText());
    Res deleted = http.delete("/api/v1/namespaces/crud/pods/web");
    assertEquals(200, deleted.code(), deleted.raw());
    assertEquals("Pod", deleted.body().path("kind").asText());
    assertStatus(http.get("/api/v1/namespaces/crud/pods/web"), 404, "NotFound", "pods \"web\" not found");
  }

  @Test
  void listWithSelectorsAndPages() throws Exception {
    for (int i = 0; i < 5; i++) {
      assertEquals(201, http.post("/api/v1/namespaces/pages/configmaps", json("{'metadata':{'name':'c" + i
          + "','labels':{'odd':'" + (i % 2 == 1) + "'}}}")).code());
    }
    assertEquals(2, http.get("/api/v1/namespaces/pages/configmaps?labelSelector=odd%3Dtrue").body().path("items")
        .size());
    assertEquals(1, http.get("/api/v1/namespaces/pages/configmaps?fieldSelector=metadata.name%3Dc3").body()
        .path("items").size());
    List<String> names = new ArrayList<>();
    Res page = http.get("/api/v1/namespaces/pages/configmaps?limit=2");
    assertEquals(3, page.body().at("/metadata/remainingItemCount").asInt(), page.raw());
    while (true) {
      page.body().path("items").forEach(i -> names.add(i.at("/metadata/name").asText()));
      String token = page.body().at("/metadata/continue").asText("");
      if (token.isEmpty()) {
        break;
      }
      page = http.get("/api/v1/namespaces/pages/configmaps?limit=2&continue=" + token);
      assertEquals(200, page.code(), page.raw());
    }
    assertEquals(List.of("c0", "c1", "c2", "c3", "c4"), names);
  }

  @Test
  void watchFromAResourceVersionWithSelectors() throws Exception {
    http.post("/api/v1/namespaces/watch/pods", pod("watch", "a", "'app':'web'"));
    String rv = http.get("/api/v1/namespaces/watch/pods?labelSelector=app%3Dweb").body()
        .at("/metadata/resourceVersion").asText();
    Watch all = http.watch("/api/v1/namespaces/watch/pods?watch=true&resourceVersion=" + rv);
    Watch web = http.watch("/api/v1/namespaces/watch/pods?watch=true&labelSelector=app%3Dweb&resourceVersion=" + rv);
    http.post("/api/v1/namespaces/watch/pods", pod("watch", "b", "'app':'web'"));
    http.patch("/api/v1/namespaces/watch/pods/a", "application/merge-patch+json", json("{'metadata':{'labels':"
        + "{'app':'db'}}}"));
    http.delete("/api/v1/namespaces/watch/pods/b");
    assertEquals(List.of("ADDED b", "MODIFIED a", "DELETED b"), List.of(line(all.next(WAIT)), line(all.next(WAIT)),
        line(all.next(WAIT))));
    assertEquals(List.of("ADDED b", "DELETED a", "DELETED b"), List.of(line(web.next(WAIT)), line(web.next(WAIT)),
        line(web.next(WAIT))), "a left the selector");
  }

  private static String line(ObjectNode event) {
    return event.path("type").asText() + " " + event.at("/object/metadata/name").asText();
  }

  @Test
  void tooOldResourceVersionIsExpired() throws Exception {
    String first = http.post("/api/v1/namespaces/old/secrets", json("{'metadata':{'name':'s0'}}")).body()
        .at("/metadata/resourceVersion").asText();
    assertFalse(first.equals("0"), "offset 0 holds the topic's marker, never an object (\"0\" means any)");
    for (int i = 1; i <= WINDOW + 5; i++) {
      assertEquals(201, http.post("/api/v1/namespaces/old/secrets", json("{'metadata':{'name':'s" + i + "'}}")).code());
    }
    Watch w = http.watch("/api/v1/namespaces/old/secrets?watch=true&resourceVersion=" + first);
    assertEquals(200, w.response().statusCode());
    ObjectNode e = w.next(WAIT);
    assertEquals("ERROR", e.path("type").asText(), e.toString());
    assertEquals(410, e.at("/object/code").asInt());
    assertEquals("Expired", e.at("/object/reason").asText());
    assertNull(w.next(WAIT));
  }

  @Test
  void tablesForPodsAndDeployments() throws Exception {
    http.post("/api/v1/namespaces/tables/pods", pod("tables", "p1", "'app':'web'"));
    http.post("/apis/apps/v1/namespaces/tables/deployments", deployment("tables", "web", 3));
    String accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
    Res pods = http.get("/api/v1/namespaces/tables/pods?limit=500", "Accept", accept);
    assertEquals("Table", pods.body().path("kind").asText(), pods.raw());
    assertEquals(List.of("p1", "0/1"), List.of(pods.body().at("/rows/0/cells/0").asText(),
        pods.body().at("/rows/0/cells/1").asText()));
    Res deploy = http.get("/apis/apps/v1/namespaces/tables/deployments", "Accept", accept);
    assertEquals("0/3", deploy.body().at("/rows/0/cells/1").asText(), deploy.raw());
    assertEquals("Up-to-date", deploy.body().at("/columnDefinitions/2/name").asText());
  }

  @Test
  void statusScaleAndBinding() throws Exception {
    Res d = http.post("/apis/apps/v1/namespaces/subs/deployments", deployment("subs", "web", 2));
    assertEquals(201, d.code(), d.raw());
    ObjectNode withStatus = d.body().deepCopy();
    withStatus.putObject("status").put("replicas", 2);
    ((ObjectNode) withStatus.at("/spec")).put("replicas", 9);
    Res st = http.put("/apis/apps/v1/namespaces/subs/deployments/web/status", withStatus.toString());
    assertEquals(200, st.code(), st.raw());
    assertEquals(2, st.body().at("/spec/replicas").asInt(), "only the status changes");
    assertEquals(2, st.body().at("/status/replicas").asInt());
    Res scaled = http.patch("/apis/apps/v1/namespaces/subs/deployments/web/scale", "application/merge-patch+json",
        json("{'spec':{'replicas':4}}"));
    assertEquals(200, scaled.code(), scaled.raw());
    assertEquals("Scale", scaled.body().path("kind").asText());
    assertEquals(4, http.get("/apis/apps/v1/namespaces/subs/deployments/web").body().at("/spec/replicas").asInt());
    http.post("/api/v1/namespaces/subs/pods", pod("subs", "p", ""));
    String binding = json("{'apiVersion':'v1','kind':'Binding','metadata':{'name':'p'},'target':{'kind':'Node',"
        + "'name':'n1'}}");
    assertEquals(201, http.post("/api/v1/namespaces/subs/pods/p/binding", binding).code());
    assertEquals("n1", http.get("/api/v1/namespaces/subs/pods/p").body().at("/spec/nodeName").asText());
    assertStatus(http.post("/api/v1/namespaces/subs/pods/p/binding", binding), 409, "Conflict",
        "already assigned to node \"n1\"");
  }

  @Test
  void deleteCollection() throws Exception {
    for (String n : List.of("a1", "a2", "b1")) {
      http.post("/api/v1/namespaces/dc/configmaps", json("{'metadata':{'name':'" + n + "','labels':{'g':'"
          + n.charAt(0) + "'}}}"));
    }
    Res r = http.delete("/api/v1/namespaces/dc/configmaps?labelSelector=g%3Da");
    assertEquals(200, r.code(), r.raw());
    assertEquals(2, r.body().path("items").size());
    Res left = http.get("/api/v1/namespaces/dc/configmaps");
    assertEquals(1, left.body().path("items").size(), left.raw());
  }

  @Test
  void badInputGetsStatusesAndTheServerKeepsServing() throws Exception {
    assertStatus(http.post("/api/v1/namespaces/bad/pods", "{\"kind\":"), 400, "BadRequest", "json parse error");
    assertStatus(http.send("POST", "/api/v1/namespaces/bad/pods", "application/yaml", "a: b: c"), 400, "BadRequest",
        "error converting YAML to JSON");
    assertStatus(http.post("/apis/apps/v1/namespaces/bad/deployments",
        deployment("bad", "web", 1).replace("\"replicas\":1", "\"replicas\":\"three\"")), 400, "BadRequest",
        "spec.replicas of type int32");
    assertStatus(http.get("/api/v1/namespaces/bad/widgets"), 404, "NotFound",
        "the server could not find the requested resource");
    assertStatus(http.get("/apis/apps/v7/namespaces/bad/deployments"), 404, "NotFound",
        "the server could not find the requested resource");
    http.post("/api/v1/namespaces/bad/configmaps", json("{'metadata':{'name':'c'}}"));
    assertStatus(http.patch("/api/v1/namespaces/bad/configmaps/c", "application/json-patch+json",
        json("{'op':'add'}")), 400, "BadRequest", "jsonpatch.Patch");
    assertStatus(http.put("/api/v1/namespaces/bad/configmaps/c", json("{'metadata':{'name':'d'}}")), 400,
        "BadRequest", "does not match the name on the URL");
    assertStatus(http.post("/api/v1/namespaces/bad/pods", pod("bad", "Not_A_Name", "")), 422, "Invalid", "Not_A_Name");
    Res ok = http.get("/api/v1/namespaces/bad/configmaps/c");
    assertEquals(200, ok.code(), ok.raw());
    assertFalse(ok.body().at("/metadata/uid").asText().isEmpty());
    assertTrue(http.get("/api/v1/namespaces/bad/configmaps").body().path("items").size() >= 1);
  }
}
