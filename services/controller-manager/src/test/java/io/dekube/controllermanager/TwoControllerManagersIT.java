package io.dekube.controllermanager;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerOptions;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 9, item 6: two controller-managers at once on a real broker and writer, each with its own
 * Vert.x, store client and informers (as two processes): only the Lease holder acts; when the holder
 * stops, or dies without releasing the Lease, the other takes over within 15 s; no ReplicaSet ever
 * has more pods than it asks for.
 */
@WithKafka
class TwoControllerManagersIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType RS = REGISTRY.byResourceName("replicasets.apps").orElseThrow();
  private static final ResourceType NAMESPACES = REGISTRY.byResourceName("namespaces").orElseThrow();

  private static String bootstrap;
  private static Vertx writerVertx;
  private static StoreClient client;
  private static Informer pods;

  /** One controller-manager "process". */
  private static final class Instance {
    final Vertx vertx = Vertx.vertx();
    final Map<String, Informer> informers = new HashMap<>();
    final StoreClient store;
    final ControllerManagerVerticle verticle;
    final String id;

    Instance(String name) {
      store = join(StoreClient.start(vertx, StoreClientOptions.of(bootstrap).withRequesterId(name + "-" + UUID.randomUUID())));
      ControllerManagerConfig config = ControllerManagerConfig.defaults().withIdentity(name)
          .withLeaderElection(Duration.ofSeconds(6), Duration.ofSeconds(4), Duration.ofSeconds(1));
      verticle = new ControllerManagerVerticle(config, REGISTRY, store, t -> informer(t));
      id = join(vertx.deployVerticle(verticle));
    }

    synchronized Informer informer(ResourceType t) {
      return informers.computeIfAbsent(t.resourceName(), k -> Informer.create(vertx, bootstrap, t, InformerOptions.defaults()));
    }

    /** A clean stop: the Lease is released. */
    void stop() {
      join(vertx.undeploy(id));
      join(vertx.close());
    }

    /** A crash: the store client goes first, so the Lease is never released. */
    void kill() {
      store.close();
      vertx.close();
    }
  }

  @BeforeAll
  static void start(@KafkaBootstrap String b) throws Exception {
    bootstrap = b;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
    }
    writerVertx = Vertx.vertx();
    join(writerVertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap).withWriterId("cm-it")
        .withSessionTimeout(Duration.ofSeconds(6)).withMaxPollInterval(Duration.ofSeconds(6)))));
    client = join(StoreClient.start(writerVertx, StoreClientOptions.of(bootstrap).withRequesterId("cm-it-" + UUID.randomUUID())));
    pods = Informer.create(writerVertx, bootstrap, PODS, InformerOptions.defaults());
    join(pods.start());
  }

  @AfterAll
  static void stop() {
    if (writerVertx != null) {
      join(writerVertx.close());
    }
  }

  private static long podsOf(String ns, String rs) {
    return pods.list(ns).stream().filter(p -> p.path("metadata").path("deletionTimestamp").isMissingNode()
        && p.path("metadata").path("ownerReferences").path(0).path("name").asText().equals(rs)).count();
  }

  private static void replicaSet(String ns, String name, int replicas) {
    ObjectNode rs = Json.object().put("apiVersion", "apps/v1").put("kind", "ReplicaSet");
    rs.putObject("metadata").put("name", name).put("namespace", ns);
    ObjectNode spec = rs.putObject("spec").put("replicas", replicas);
    spec.putObject("selector").putObject("matchLabels").put("app", name);
    ObjectNode tmpl = spec.putObject("template");
    tmpl.putObject("metadata").putObject("labels").put("app", name);
    tmpl.putObject("spec").putArray("containers").addObject().put("name", "web").put("image", "dekube/web");
    join(client.create(RS, ns, rs, WriteOptions.none()));
  }

  private static void scale(String ns, String name, int replicas) {
    ObjectNode patch = Json.object();
    patch.putObject("spec").put("replicas", replicas);
    join(client.patch(RS, ns, name, "application/merge-patch+json", patch, WriteOptions.none()));
  }

  private static Instance leader(Instance a, Instance b) {
    await("exactly one leader").atMost(Duration.ofSeconds(30)).until(() -> a.verticle.leading() ^ b.verticle.leading());
    return a.verticle.leading() ? a : b;
  }

  @Test
  void onlyTheHolderActsAndTheOtherTakesOverWithoutDoubleCreates() {
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    ns.putObject("metadata").put("name", "ha");
    join(client.create(NAMESPACES, "", ns, WriteOptions.none()));
    Instance a = new Instance("cm-a");
    Instance b = new Instance("cm-b");
    Instance first = leader(a, b);
    Instance second = first == a ? b : a;

    replicaSet("ha", "web", 3);
    await("3 pods").atMost(Duration.ofSeconds(60)).until(() -> podsOf("ha", "web") == 3);

    first.stop();
    await("the other leads after a clean stop").atMost(Duration.ofSeconds(15)).until(second.verticle::leading);
    scale("ha", "web", 5);
    await("5 pods").atMost(Duration.ofSeconds(60)).until(() -> podsOf("ha", "web") == 5);

    Instance third = new Instance("cm-c");
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> !third.verticle.leading());
    second.kill();
    await("the third leads after a crash").atMost(Duration.ofSeconds(15)).until(third.verticle::leading);
    replicaSet("ha", "api", 4);
    scale("ha", "web", 6);
    await("6 + 4 pods").atMost(Duration.ofSeconds(60)).until(() -> podsOf("ha", "web") == 6 && podsOf("ha", "api") == 4);
    await("no pod created twice").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> podsOf("ha", "web") == 6 && podsOf("ha", "api") == 4);
    assertEquals(10, pods.list("ha").size());
    third.stop();
  }

  static <T> T join(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
