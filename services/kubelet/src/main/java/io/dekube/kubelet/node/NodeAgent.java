package io.dekube.kubelet.node;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.leader.RenewalTicks;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.pod.PodEvents;
import io.dekube.kubelet.runtime.RuntimeImage;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's presence in the store: registers the Node (or takes over the existing one), writes its
 * status, renews its Lease in {@code kube-node-lease} every renew interval and re-posts the status
 * every status interval, or at the next check (every 10 s, kube's {@code nodeStatusUpdateFrequency})
 * when the Node's allocatable must follow extended resources added to or removed from its capacity.
 * Runs on the kubelet verticle's context; timers stop with {@link #stop()}.
 */
public final class NodeAgent {

  private static final String NORMAL = io.dekube.core.event.EventRecorder.NORMAL;
  private static final Logger LOG = LoggerFactory.getLogger(NodeAgent.class);
  /** How often the kubelet looks whether its status must be written before the status interval. */
  private static final Duration STATUS_CHECK = Duration.ofSeconds(10);
  private static final ResourceType NODES = ResourceRegistry.builtIn().byResourceName("nodes").orElseThrow();
  private static final ResourceType LEASES = ResourceRegistry.builtIn().byResourceName("leases.coordination.k8s.io")
      .orElseThrow();

  private final Vertx vertx;
  private final StoreApi store;
  private final KubeletConfig config;
  private final int port;
  private final PodEvents events;
  private final Supplier<ObjectNode> current;
  private final String bootId = UUID.randomUUID().toString();
  private String nodeUid = "";
  private ObjectNode lease;
  private long leaseTimer = -1;
  private long statusTimer = -1;
  private Instant lastPosted = Instant.MIN;
  private boolean stopped;
  /** The pressure conditions that are True now (the eviction manager's). */
  private Supplier<java.util.List<String>> pressure = java.util.List::of;
  /** Whether the Node was not Ready before this kubelet's first status (kube's NodeReady at start). */
  private boolean startingReady = true;
  /** The runtime's images, where it lists its own (null: the pulls are reported). */
  private Supplier<Future<List<RuntimeImage>>> imageList;
  private List<RuntimeImage> lastImages = List.of();

  /** {@code current} gives the Node as the kubelet's informer last saw it (or null). */
  public NodeAgent(Vertx vertx, StoreApi store, KubeletConfig config, int port, PodEvents events,
                   Supplier<ObjectNode> current) {
    this.vertx = vertx;
    this.current = current;
    this.events = events;
    this.store = store;
    this.config = config;
    this.port = port;
  }

  /** Reports the pressure conditions {@code conditions} gives (the eviction manager's). Call before {@link #start}. */
  public NodeAgent withPressure(Supplier<java.util.List<String>> conditions) {
    this.pressure = conditions;
    return this;
  }

  /** Registers the Node, posts its status and the first Lease, then starts the timers. */
  public Future<Void> start() {
    return register()
        .compose(node -> {
          JsonNode before = current.get();
          JsonNode ready = before == null ? null : NodeObjects.readyStatus(before);
          // kube's kubelet records NodeReady when its Node's Ready turns True: a new Node (kube's first status
          // says False until the runtime answers) or one the node controller marked Unknown, not one still Ready
          startingReady = !"True".equals(ready == null ? null : ready.asText());
          return postStatus(false);
        })
        .compose(v -> renewLease())
        .onSuccess(v -> {
          LOG.info("node {} registered ({} runtime, {} {}, IP {}, kubelet port {})", config.nodeName(),
              config.runtime(), config.cpu(), config.memory(), config.nodeIp(), port);
          startingEvents();
          scheduleRenewal();
          long check = Math.min(STATUS_CHECK.toMillis(), config.statusInterval().toMillis());
          statusTimer = vertx.setPeriodic(check, t -> postStatusIfDue());
        });
  }

  /** What kube's kubelet reports about its node when it starts. */
  private void startingEvents() {
    String n = config.nodeName();
    events.node(NORMAL, "Starting", "Starting kubelet.");
    for (String s : java.util.List.of("NodeHasSufficientMemory", "NodeHasNoDiskPressure", "NodeHasSufficientPID")) {
      events.node(NORMAL, s, "Node " + n + " status is now: " + s);
    }
    events.node(NORMAL, "NodeAllocatableEnforced", "Updated Node Allocatable limit across pods");
    if (startingReady) {
      events.node(NORMAL, "NodeReady", "Node " + n + " status is now: NodeReady");
    }
  }

  /** The next Lease renewal, on the wall clock's next tick of the renew interval ({@link RenewalTicks}). */
  private void scheduleRenewal() {
    if (!stopped) {
      leaseTimer = vertx.setTimer(RenewalTicks.delayMillis(Instant.now(), config.renewInterval()),
          t -> renewLease().onComplete(ar -> scheduleRenewal()));
    }
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(leaseTimer);
    vertx.cancelTimer(statusTimer);
  }

  public String nodeUid() {
    return nodeUid;
  }

  private Future<ObjectNode> register() {
    return store.create(NODES, "", NodeObjects.node(config), WriteOptions.none())
        .recover(e -> alreadyExists(e) ? takeOver() : Future.failedFuture(e))
        .onSuccess(node -> nodeUid = node.path("metadata").path("uid").asText(""));
  }

  /** The Node exists (a restarted kubelet): make sure it carries our labels. */
  private Future<ObjectNode> takeOver() {
    ObjectNode patch = Json.object();
    NodeObjects.labels(patch.putObject("metadata").putObject("labels"), config);
    return store.patch(NODES, "", config.nodeName(), Patches.MERGE, patch, WriteOptions.none());
  }

  /**
   * The images to report: the runtime's own list where it has one ({@link #withImages}: the docker runtime's engine),
   * else the jvm runtime's pulls (simulated nodes report none, as kwok's; process runs commands). A list that fails
   * keeps the last one.
   */
  private Future<List<RuntimeImage>> images() {
    if (imageList == null) {
      return Future.succeededFuture("jvm".equals(config.runtime()) ? NodeObjects.builtIn(events.pulledImages())
          : List.of());
    }
    return imageList.get().onSuccess(held -> lastImages = held).otherwise(e -> {
      LOG.debug("node {}: the runtime's images: {}", config.nodeName(), e.getMessage());
      return lastImages;
    });
  }

  /** Reports the images {@code list} gives (the runtime's), instead of the pulls. Call before {@link #start}. */
  public NodeAgent withImages(Supplier<Future<List<RuntimeImage>>> list) {
    this.imageList = list;
    return this;
  }

  private void postStatusIfDue() {
    images().onSuccess(held -> {
      ObjectNode node = current.get();
      if (!Instant.now().isBefore(lastPosted.plus(config.statusInterval())) || NodeObjects.allocatableBehind(node)
          || NodeObjects.imagesBehind(node, held)) {
        postStatus();
      }
    });
  }

  /**
   * Merge-patches the Node's status (conditions and addresses are replaced as a whole), with kube's
   * events for the conditions it changes (the Node back from the node controller's Unknown: the pressure
   * events and NodeReady).
   */
  public Future<Void> postStatus() {
    return postStatus(true);
  }

  private Future<Void> postStatus(boolean withEvents) {
    if (stopped) {
      return Future.succeededFuture();
    }
    lastPosted = Instant.now();
    return images().compose(held -> writeStatus(withEvents, held));
  }

  private Future<Void> writeStatus(boolean withEvents, List<RuntimeImage> held) {
    if (stopped) {
      return Future.succeededFuture();
    }
    ObjectNode patch = Json.object();
    Instant now = Instant.now();
    ObjectNode before = current.get();
    ObjectNode status = NodeObjects.status(config, port, now, bootId, before, pressure.get());
    NodeObjects.putImages(status, held);
    patch.set("status", status);
    if (withEvents && before != null) {
      for (String reason : NodeObjects.conditionEvents(before.path("status"), status)) {
        events.node(NORMAL, reason, "Node " + config.nodeName() + " status is now: " + reason);
      }
    }
    return store.patch(NODES, "", config.nodeName(), Patches.MERGE, patch, WriteOptions.none().withSubresource("status"))
        .<Void>mapEmpty()
        .onFailure(e -> LOG.warn("node {}: status update failed: {}", config.nodeName(), e.getMessage()));
  }

  private Future<Void> renewLease() {
    if (stopped) {
      return Future.succeededFuture();
    }
    Instant now = Instant.now();
    Future<ObjectNode> write;
    if (lease == null) {
      write = store.create(LEASES, NodeObjects.LEASE_NAMESPACE, NodeObjects.lease(config, nodeUid, now),
          WriteOptions.none()).recover(e -> alreadyExists(e) ? updateLease(now, null) : Future.failedFuture(e));
    } else {
      write = updateLease(now, lease.path("metadata").path("resourceVersion").asText(null))
          .recover(e -> e instanceof StatusException se && se.code() == 409 ? updateLease(now, null)
              : Future.failedFuture(e));
    }
    return write.onSuccess(l -> lease = l)
        .<Void>mapEmpty()
        .onFailure(e -> {
          lease = null;
          LOG.warn("node {}: lease renewal failed: {}", config.nodeName(), e.getMessage());
        });
  }

  /** Replaces the Lease; {@code rv} null = unconditionally (after a conflict or a restart). */
  private Future<ObjectNode> updateLease(Instant now, String rv) {
    ObjectNode next = NodeObjects.lease(config, nodeUid, now);
    if (rv != null) {
      ((ObjectNode) next.get("metadata")).put("resourceVersion", rv);
    }
    return store.update(LEASES, next, WriteOptions.none());
  }

  private static boolean alreadyExists(Throwable e) {
    return e instanceof StatusException se && se.code() == 409 && "AlreadyExists".equals(se.reason());
  }
}
