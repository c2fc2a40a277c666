package io.dekube.scheduler;

import static io.dekube.scheduler.testing.MakeNode.node;
import static io.dekube.scheduler.testing.MakePod.pod;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.Typed;
import io.dekube.core.store.InMemoryStore;
import io.dekube.scheduler.api.BindPlugin;
import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.Plugin;
import io.dekube.scheduler.api.PluginFactory;
import io.dekube.scheduler.api.Status;
import io.dekube.scheduler.cache.SchedulerCache;
import io.dekube.scheduler.framework.Algorithm;
import io.dekube.scheduler.framework.Profile;
import io.dekube.scheduler.framework.SchedulerConfiguration;
import io.dekube.scheduler.plugins.Registry;
import io.dekube.scheduler.queue.QueueingHints;
import io.dekube.scheduler.queue.SchedulingQueue;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduling and binding cycles' failures as kube 1.32's: a nominated pod whose binding fails loses its
 * {@code nominatedNodeName} ({@code clearNominatedNode}), one that is bound keeps it; a pod rejected while a Permit
 * plugin held it fails as a FitError on its one node; a preemption victim a Permit plugin holds is rejected, not
 * deleted; {@code handleSchedulingFailure}'s {@code PodScheduled=False} is {@code SchedulerError} for a plugin's error
 * (in the framework's words) and {@code Unschedulable} for a rejection.
 */
class NominationClearingTest {

  @TempDir
  Path dir;

  private final Vertx vertx = Vertx.vertx();
  private final ExecutorService pool = Executors.newSingleThreadExecutor();
  private final InMemoryStore store = new InMemoryStore();

  @AfterEach
  void close() {
    pool.shutdownNow();
    vertx.close();
  }

  /** A binder that binds nothing and says why. */
  static final class FailingBinder implements BindPlugin {
    @Override
    public String name() {
      return "FailingBinder";
    }

    @Override
    public CompletionStage<Status> bind(CycleState state, Pod pod, String nodeName) {
      return CompletableFuture.completedFuture(Status.error("the binding was refused"));
    }
  }

  /** Schedules a pod nominated to n1 with the bind plugins configured; its {@code nodeName|nominatedNodeName}. */
  private String schedule(String bindConfig) throws Exception {
    return schedule("bind", bindConfig);
  }

  /** A Permit plugin that holds every pod for 1 ms. */
  static final class Holding implements io.dekube.scheduler.api.PermitPlugin {
    @Override
    public String name() {
      return "Holding";
    }

    @Override
    public PermitResult permit(CycleState state, Pod pod, String nodeName) {
      return new PermitResult(Status.waiting(), Duration.ofMillis(1));
    }
  }

  /** A Reserve plugin answering {@code answer}. */
  record Ledger(Status answer) implements io.dekube.scheduler.api.ReservePlugin {
    @Override
    public String name() {
      return "Ledger";
    }

    @Override
    public Status reserve(CycleState state, Pod pod, String nodeName) {
      return answer;
    }

    @Override
    public void unreserve(CycleState state, Pod pod, String nodeName) {
    }
  }

  /** A Filter plugin that fails on every node. */
  static final class Broken implements io.dekube.scheduler.api.FilterPlugin {
    @Override
    public String name() {
      return "Broken";
    }

    @Override
    public Status filter(CycleState state, Pod pod, io.dekube.scheduler.api.NodeInfo node) {
      return Status.error("the node's labels could not be read");
    }
  }

  private Status ledger = Status.success();

  private static PluginFactory factory(String name, Plugin plugin) {
    return new PluginFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Plugin create(Map<String, Object> args, Handle handle) {
        return plugin;
      }
    };
  }

  private String schedule(String point, String config) throws Exception {
    Registry registry = Registry.inTree().with(factory("FailingBinder", new FailingBinder()))
        .with(factory("Holding", new Holding())).with(factory("Ledger", new Ledger(ledger)))
        .with(factory("Broken", new Broken()));
    Path file = Files.writeString(dir.resolve("sched.yaml"), "apiVersion: kubescheduler.config.k8s.io/v1\n"
        + "kind: KubeSchedulerConfiguration\nprofiles:\n- plugins:\n    " + point + ":\n" + config);
    EventBroadcaster broadcaster = new EventBroadcaster(store, store.type("events"), Instant::now, "host-1");
    PodWrites writes = new PodWrites(store, ResourceRegistry.builtIn(), broadcaster);
    Permits permits = new Permits();
    permits.vertx(vertx);
    Nominator nominator = new Nominator();
    SchedulerCache cache = new SchedulerCache();
    cache.upsertNode(node("n1").capacity("cpu", "4").obj());
    Map<String, Profile> profiles = new LinkedHashMap<>();
    for (Profile p : SchedulerConfiguration.load(file, registry, name -> new ClusterHandle(name, List::of,
        ns -> Map.of(), writes, permits, List::of, nominator::on))) {
      profiles.put(p.schedulerName(), p);
    }
    Pod p = pod("preemptor").priority(100).req("cpu", "1").nominated("n1").obj();
    ObjectNode stored = store.put(store.type("pods"), p);
    Pod fromStore = Typed.from(stored, Pod.class);
    SchedulingQueue queue = new SchedulingQueue(System::currentTimeMillis, QueueingHints.none());
    queue.add(fromStore);
    nominator.update(fromStore);
    Context context = vertx.getOrCreateContext();
    Scheduler scheduler = new Scheduler(context, cache, queue, profiles, new Algorithm(pool, 1), writes, permits,
        nominator, x -> { });
    context.runOnContext(v -> scheduler.leading(true));
    // the event and the status write are made together on the scheduler's context, on a store that answers at once
    await().atMost(Duration.ofSeconds(20)).until(() -> store.items(store.type("events"), "default").stream()
        .anyMatch(e -> e.path("reason").asText().matches("FailedScheduling|Scheduled")));
    ObjectNode pod = store.object(store.type("pods"), "default", "preemptor");
    return pod.path("spec").path("nodeName").asText() + "|" + pod.path("status").path("nominatedNodeName").asText();
  }

  @Test
  void aFailedBindingClearsTheNomination() throws Exception {
    assertEquals("|", schedule("      disabled: [{name: DefaultBinder}]\n      enabled: [{name: FailingBinder}]\n"));
    assertEquals("running Bind plugin \"FailingBinder\": the binding was refused", store.items(store.type("events"), "default").get(0)
        .path("message").asText());
    assertEquals("False|SchedulerError|running Bind plugin \"FailingBinder\": the binding was refused", scheduled());
  }

  /** The pod's PodScheduled condition: {@code status|reason|message}. */
  private String scheduled() {
    await().atMost(Duration.ofSeconds(20)).until(() -> store.object(store.type("pods"), "default", "preemptor")
        .at("/status/conditions/0").isObject());
    com.fasterxml.jackson.databind.JsonNode c = store.object(store.type("pods"), "default", "preemptor")
        .at("/status/conditions/0");
    assertEquals("PodScheduled", c.path("type").asText());
    return c.path("status").asText() + "|" + c.path("reason").asText() + "|" + c.path("message").asText();
  }

  @Test
  void aReservePluginsErrorIsASchedulerErrorInTheFrameworksWords() throws Exception {
    ledger = Status.error("the ledger is closed");
    assertEquals("|", schedule("reserve", "      enabled: [{name: Ledger}]\n"));
    assertEquals("False|SchedulerError|running Reserve plugin \"Ledger\": the ledger is closed", scheduled());
    assertEquals("running Reserve plugin \"Ledger\": the ledger is closed",
        store.items(store.type("events"), "default").get(0).path("message").asText());
  }

  @Test
  void aReservePluginsRejectionIsUnschedulableAsAFitErrorOnItsNode() throws Exception {
    ledger = Status.unschedulable("no room in the ledger");
    assertEquals("|", schedule("reserve", "      enabled: [{name: Ledger}]\n"));
    assertEquals("False|Unschedulable|0/1 nodes are available: 1 no room in the ledger.", scheduled());
  }

  @Test
  void aFilterPluginsErrorIsASchedulerErrorInTheFrameworksWords() throws Exception {
    assertEquals("|", schedule("filter", "      enabled: [{name: Broken}]\n"));
    assertEquals("False|SchedulerError|running \"Broken\" filter plugin: the node's labels could not be read",
        scheduled());
  }

  @Test
  void aBoundPodKeepsItsNominationAsInKube132() throws Exception {
    assertEquals("n1|n1", schedule("      enabled: []\n"));
  }

  @Test
  void aPodItsPermitPluginRejectsWhileItWaitsFailsAsAFitErrorOnItsNode() throws Exception {
    assertEquals("|", schedule("permit", "      enabled: [{name: Holding}]\n"));
    ObjectNode event = store.items(store.type("events"), "default").get(0);
    assertEquals("0/1 nodes are available: 1 rejected due to timeout after waiting 1ms at plugin Holding.",
        event.path("message").asText());
    ObjectNode pod = store.object(store.type("pods"), "default", "preemptor");
    assertEquals("[\"PodScheduled\",\"False\",\"Unschedulable\"]", "[\"" + pod.at("/status/conditions/0/type")
        .asText() + "\",\"" + pod.at("/status/conditions/0/status").asText() + "\",\""
        + pod.at("/status/conditions/0/reason").asText() + "\"]");
  }

  @Test
  void aPreemptedVictimThatAPermitPluginHoldsIsRejectedNotDeleted() {
    Permits permits = new Permits();
    permits.vertx(vertx);
    EventBroadcaster broadcaster = new EventBroadcaster(store, store.type("events"), Instant::now, "host-1");
    PodWrites writes = new PodWrites(store, ResourceRegistry.builtIn(), broadcaster);
    ClusterHandle handle = new ClusterHandle("default-scheduler", List::of, ns -> Map.of(), writes, permits,
        List::of, n -> List.of());
    Pod victim = pod("low").priority(1).obj();
    store.put(store.type("pods"), victim);
    io.vertx.core.Future<Status> held = io.vertx.core.Future.future(p -> vertx.runOnContext(v ->
        permits.await(victim, "Gang", Duration.ofMinutes(5)).onComplete(p)));
    await().atMost(Duration.ofSeconds(10)).until(() -> permits.waiting(victim));
    handle.preemptPod(victim, pod("high").priority(100).obj()).toCompletableFuture().join();
    Status s = held.toCompletionStage().toCompletableFuture().join();
    assertEquals("UNSCHEDULABLE [preempted] DefaultPreemption", s.code() + " " + s.reasons() + " " + s.plugin());
    assertEquals(false, store.object(store.type("pods"), "default", "low").isNull(), "not deleted");
    assertEquals(true, store.object(store.type("pods"), "default", "low").at("/metadata/deletionTimestamp")
        .isMissingNode());
  }
}
