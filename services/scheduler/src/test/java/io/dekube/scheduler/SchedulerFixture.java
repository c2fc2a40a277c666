package io.dekube.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerOptions;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.Typed;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;

/** A writer, a store client and informers on a real broker, for scheduler ITs; one per test class. */
public final class SchedulerFixture implements AutoCloseable {

  public static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  public static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  public static final ResourceType NODES = REGISTRY.byResourceName("nodes").orElseThrow();
  public static final ResourceType EVENTS = REGISTRY.byResourceName("events").orElseThrow();

  public final Vertx vertx = Vertx.vertx();
  public final String bootstrap;
  public final StoreClient store;
  private final Map<String, Informer> informers = new HashMap<>();

  public SchedulerFixture(String bootstrap) throws Exception {
    this.bootstrap = bootstrap;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
    }
    await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap).withWriterId("sched-it")
        .withSessionTimeout(Duration.ofSeconds(6)).withMaxPollInterval(Duration.ofSeconds(6)))));
    store = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap).withRequesterId("sched-" + UUID.randomUUID())));
  }

  public synchronized ObjectCache cache(ResourceType t) {
    return informers.computeIfAbsent(t.resourceName(), k -> Informer.create(vertx, bootstrap, t,
        InformerOptions.defaults()));
  }

  public Informer informer(ResourceType t) {
    Informer i = (Informer) cache(t);
    await(i.start());
    return i;
  }

  private final java.util.List<String> deployed = new java.util.ArrayList<>();

  public String deploy(SchedulerVerticle v) {
    String id = await(vertx.deployVerticle(v));
    deployed.add(id);
    return id;
  }

  public void node(Node n) {
    await(store.create(NODES, "", Typed.tree(n), WriteOptions.none()));
  }

  public void pod(Pod p) {
    ObjectNode tree = Typed.tree(p);
    ((ObjectNode) tree.get("metadata")).remove("uid");
    await(store.create(PODS, p.getMetadata().getNamespace(), tree, WriteOptions.none()));
  }

  /** The pod's node name as the informer has it ("" when unbound). */
  public String nodeOf(String ns, String name) {
    ObjectNode p = informer(PODS).get(ns, name);
    return p == null ? "" : p.path("spec").path("nodeName").asText("");
  }

  /** The messages of the pod's events with a reason. */
  public List<String> events(String ns, String pod, String reason) {
    return informer(EVENTS).list(ns).stream()
        .filter(e -> e.path("involvedObject").path("name").asText().equals(pod)
            && e.path("reason").asText().equals(reason))
        .map(e -> e.path("message").asText()).toList();
  }

  public static <T> T await(Future<T> f) {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    deployed.forEach(id -> await(vertx.undeploy(id)));
    await(vertx.close());
  }
}
