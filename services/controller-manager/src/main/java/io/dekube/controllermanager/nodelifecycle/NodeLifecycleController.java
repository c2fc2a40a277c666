package io.dekube.controllermanager.nodelifecycle;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's node lifecycle controller: a node not heard of (Lease renewal, Ready heartbeat) for the
 * grace period ({@code --node-monitor-grace-period}) gets its kubelet conditions {@code Unknown}
 * ("Kubelet stopped posting node status."); a node whose Ready condition is not True carries the
 * {@code unreachable} (Unknown) or {@code not-ready} (False) taints, NoExecute and NoSchedule, and
 * its pods are marked not Ready (so endpoints drop them); a node Ready again loses those taints. A
 * node under memory, disk or PID pressure or without network, or cordoned, gets the NoSchedule taint
 * that says so ({@link NodeTaints}).
 * The NoExecute taint of a node not tainted yet goes through its zone's rate-limited queue
 * ({@link Disruption}, {@link TaintQueue}: {@code --node-eviction-rate} in a healthy zone, none or
 * {@code --secondary-node-eviction-rate} in a partially disrupted one, none at all and the taints taken off
 * when every zone is down); swapping not-ready and unreachable, and taking the taints off, are at once.
 * Events: {@code RegisteredNode} / {@code RemovingNode} for each node seen first / gone, {@code NodeNotReady} on
 * the node when it stops posting and on each pod marked. The pods themselves
 * are evicted by the taint eviction controller. Keys are nodes ({@code /<name>}); a monitor pass every
 * {@code monitorPeriod} judges the zones and enqueues the nodes whose state should change, a tainting pass every
 * 100 ms lets nodes out of the zones' queues. Syncs and passes run on the loop's context.
 */
public final class NodeLifecycleController implements Reconciler {

  /** The component name in events, as kube's. */
  public static final String COMPONENT = "node-controller";
  /** The namespace of the nodes' Leases. */
  public static final String LEASE_NAMESPACE = "kube-node-lease";

  private static final Logger LOG = LoggerFactory.getLogger(NodeLifecycleController.class);

  private final ControllerContext ctx;
  private final Duration grace;
  private final ResourceType nodeType;
  private final ResourceType podType;
  private final Lister<Node> nodes;
  private final Lister<Lease> leases;
  private final Lister<Pod> pods;
  private final NodeLifecycleOptions options;
  private final Disruption disruption;
  /** Nodes let out of their zone's queue whose NoExecute taint is still to be written. */
  private final Set<String> admitted = new HashSet<>();
  /** The nodes the monitor pass has seen, as last seen (kube's knownNodeSet). */
  private final Map<String, Node> known = new HashMap<>();
  /** Whether the zones have been judged once (kube's first monitor pass judges them before any node is tainted). */
  private boolean judged;
  /** Nodes are judged from this instant on: this controller's start, then the end of a master disruption. */
  private Instant notBefore;
  private ControllerLoop loop;

  /**
   * @param grace    {@code --node-monitor-grace-period}
   * @param options  the other flags: periods, eviction rates
   */
  public NodeLifecycleController(ControllerContext ctx, Duration grace, NodeLifecycleOptions options) {
    this.ctx = ctx;
    this.grace = grace;
    this.options = options;
    this.disruption = new Disruption(options);
    this.nodeType = ctx.type("nodes");
    this.podType = ctx.type("pods");
    this.nodes = ctx.lister("nodes", Node.class);
    this.leases = ctx.lister("leases.coordination.k8s.io", Lease.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.notBefore = ctx.clock().instant();
  }

  /** kube's {@code --node-monitor-period} (5 s), shorter when the grace period is short. */
  public static Duration monitorPeriod(Duration grace) {
    long ms = Math.max(500, Math.min(5000, grace.toMillis() / 2));
    return Duration.ofMillis(ms);
  }

  /** The loop over Nodes, also woken by node Lease renewals, the monitor pass and the tainting pass. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "nodelifecycle", this, nodes.cache(), resync, workers);
    loop.watch(leases.cache(), o -> LEASE_NAMESPACE.equals(o.path("metadata").path("namespace").asText())
        ? List.of(new ObjectKey("", o.path("metadata").path("name").asText())) : List.of());
    loop.every(options.monitorPeriod() != null ? options.monitorPeriod() : monitorPeriod(grace), this::monitor);
    loop.every(TAINT_PERIOD, () -> admit(ctx.clock().instant()));
    return loop;
  }

  /** kube's {@code nodeEvictionPeriod}: how often the zones' queues let nodes out. */
  static final Duration TAINT_PERIOD = Duration.ofMillis(100);

  /**
   * The monitor pass: each zone's state from its nodes' Ready conditions as they stand now (kube's
   * {@code handleDisruption}), then the nodes to sync — every one when master disruption mode begins or ends
   * (a new grace period for all at its end, as kube renews their probe timestamps), else those that need it.
   */
  void monitor() {
    Instant now = ctx.clock().instant();
    List<Node> all = nodes.list("");
    registered(all);
    Disruption.Change change = judgeZones(all, now);
    for (Node n : all) {
      if (change != Disruption.Change.NONE || needsSync(n)) {
        enqueue(n.getMetadata().getName());
      }
    }
  }

  /** Each zone's state and rate from its nodes' Ready conditions as they stand now (kube's handleDisruption). */
  private Disruption.Change judgeZones(List<Node> all, Instant now) {
    Map<String, List<String>> zones = new LinkedHashMap<>();
    for (Node n : all) {
      if (!Zones.excluded(n)) {
        zones.computeIfAbsent(Zones.key(n), z -> new ArrayList<>()).add(expired(n, now) ? "Unknown" : NodeHealth.ready(n));
      }
    }
    Disruption.Change change = disruption.observe(zones, now);
    if (change == Disruption.Change.EXITED_MASTER_DISRUPTION) {
      notBefore = now;
    }
    judged = true;
    return change;
  }

  /**
   * kube's {@code RegisteredNode} event for each node the controller sees first (so every node gets one when a
   * controller-manager takes the lead) and {@code RemovingNode} for each one gone.
   */
  private void registered(List<Node> all) {
    Set<String> names = new HashSet<>();
    for (Node n : all) {
      String name = n.getMetadata().getName();
      names.add(name);
      if (known.put(name, n) == null) {
        ctx.events().record(COMPONENT, n, EventRecorder.NORMAL, "RegisteredNode",
            "Node " + name + " event: Registered Node " + name + " in Controller");
      }
    }
    for (var it = known.entrySet().iterator(); it.hasNext(); ) {
      var e = it.next();
      if (!names.contains(e.getKey())) {
        it.remove();
        ctx.events().record(COMPONENT, e.getValue(), EventRecorder.NORMAL, "RemovingNode",
            "Node " + e.getKey() + " event: Removing Node " + e.getKey() + " from Controller");
      }
    }
  }

  /** The tainting pass: the nodes the zones' queues let out now, enqueued to get their taint. */
  void admit(Instant now) {
    for (String name : disruption.take(now)) {
      admitted.add(name);
      enqueue(name);
    }
  }

  private void enqueue(String node) {
    if (loop != null) {
      loop.enqueue(new ObjectKey("", node));
    }
  }

  /** Whether the node's conditions, taints or place in its zone's queue are not what they should be now. */
  boolean needsSync(Node node) {
    Instant now = ctx.clock().instant();
    if (expired(node, now) && NodeHealth.unknown(node, now) != null) {
      return true;
    }
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    if (!NodeTaints.reconcile(node, now, gate(node)).equals(taints == null ? List.of() : taints)) {
      return true;
    }
    String name = node.getMetadata().getName();
    return notReady(node) && !NodeTaints.notReadyTainted(taints) && !disruption.waiting(name)
        && !admitted.contains(name);
  }

  /**
   * Whether the node has not been heard of for its grace period: {@code --node-monitor-grace-period}, or
   * {@code --node-startup-grace-period} while it never posted a Ready condition (kube's tryUpdateNodeHealth).
   */
  private boolean expired(Node node, Instant now) {
    Lease lease = leases.get(LEASE_NAMESPACE, node.getMetadata().getName());
    Duration period = NodeHealth.condition(node, "Ready") == null ? options.startupGracePeriod() : grace;
    return now.isAfter(NodeHealth.lastHeard(node, lease, notBefore).plus(period));
  }

  private static boolean notReady(Node node) {
    String ready = NodeHealth.ready(node);
    return "False".equals(ready) || "Unknown".equals(ready);
  }

  /** What may happen to the node's NoExecute taint now. */
  private NodeTaints.NoExecuteGate gate(Node node) {
    if (disruption.masterDisruption()) {
      return NodeTaints.NoExecuteGate.REMOVE;
    }
    return admitted.contains(node.getMetadata().getName()) ? NodeTaints.NoExecuteGate.ADD
        : NodeTaints.NoExecuteGate.HOLD;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Node node = nodes.get("", key.name());
    if (node == null) {
      admitted.remove(key.name());
      disruption.reachable(key.name());
      return Future.succeededFuture();
    }
    return markUnknown(node)
        .compose(this::reconcileTaints)
        .compose(this::markPodsNotReady);
  }

  /** Step 1: conditions Unknown when the kubelet has not been heard of for the grace period. */
  private Future<Node> markUnknown(Node node) {
    Instant now = ctx.clock().instant();
    if (!expired(node, now)) {
      return Future.succeededFuture(node);
    }
    var conditions = NodeHealth.unknown(node, now);
    if (conditions == null) {
      return Future.succeededFuture(node);
    }
    Node copy = Lister.copy(node);
    if (copy.getStatus() == null) {
      copy.setStatus(new io.fabric8.kubernetes.api.model.NodeStatus());
    }
    copy.getStatus().setConditions(conditions);
    String name = node.getMetadata().getName();
    LOG.info("node {}: kubelet stopped posting node status (last heard {}); conditions Unknown", name,
        NodeHealth.lastHeard(node, leases.get(LEASE_NAMESPACE, name), notBefore));
    boolean wasReady = "True".equals(NodeHealth.ready(node));
    return ctx.store().updateStatus(nodeType, Typed.tree(copy), WriteOptions.none()).map(updated -> {
      if (wasReady) {
        // kube's RecordNodeStatusChange, when the controller itself turns a Ready node's condition Unknown
        ctx.events().record(COMPONENT, node, EventRecorder.NORMAL, "NodeNotReady",
            "Node " + name + " status is now: NodeNotReady");
      }
      return Typed.from(updated, Node.class);
    });
  }

  /**
   * Step 2: the node's place in its zone's taint queue (kube's markNodeForTainting / markNodeAsReachable), then
   * the not-ready / unreachable taints as the Ready condition and the queue say, the NoSchedule taints of the
   * other conditions and of a cordon ({@link NodeTaints}).
   */
  private Future<Node> reconcileTaints(Node node) {
    List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints();
    String ready = NodeHealth.ready(node);
    String name = node.getMetadata().getName();
    Instant now = ctx.clock().instant();
    if (!judged && judgeZones(nodes.list(""), now) != Disruption.Change.NONE) {
      nodes.list("").forEach(n -> enqueue(n.getMetadata().getName()));
    }
    if (!notReady(node)) {
      disruption.reachable(name);
      admitted.remove(name);
    } else if (NodeTaints.notReadyTainted(current)) {
      admitted.remove(name);
    } else if (!admitted.contains(name)) {
      disruption.queue(Zones.key(node), now).add(name);
      admit(now);
    }
    NodeTaints.NoExecuteGate gate = gate(node);
    List<Taint> wanted = NodeTaints.reconcile(node, now, gate);
    if (wanted.equals(current)) {
      return Future.succeededFuture(node);
    }
    Node copy = Lister.copy(node);
    if (copy.getSpec() == null) {
      copy.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    }
    copy.getSpec().setTaints(wanted.isEmpty() ? null : new ArrayList<>(wanted));
    return ctx.store().update(nodeType, Typed.tree(copy), WriteOptions.none()).map(updated -> {
      LOG.info("node {}: Ready {}, taints now {}", name, ready, describe(wanted));
      if (NodeTaints.notReadyTainted(wanted)) {
        admitted.remove(name);
        if (gate == NodeTaints.NoExecuteGate.ADD && !NodeTaints.notReadyTainted(current)) {
          ZoneMetrics.evicted(Zones.key(node), 1);
        }
      }
      return Typed.from(updated, Node.class);
    });
  }

  /** Step 3: on a node not Ready, every pod's Ready condition False (kube's MarkPodsNotReady). */
  private Future<Void> markPodsNotReady(Node node) {
    String ready = NodeHealth.ready(node);
    if (!"False".equals(ready) && !"Unknown".equals(ready)) {
      return Future.succeededFuture();
    }
    String name = node.getMetadata().getName();
    List<Future<Void>> writes = new ArrayList<>();
    for (Pod p : pods.list("")) {
      if (name.equals(p.getSpec().getNodeName()) && Pods.ready(p)) {
        writes.add(markNotReady(p));
      }
    }
    return Future.all(writes).mapEmpty();
  }

  private Future<Void> markNotReady(Pod pod) {
    Pod copy = Lister.copy(pod);
    String now = Times.format(ctx.clock().instant());
    for (PodCondition c : copy.getStatus().getConditions()) {
      if ("Ready".equals(c.getType())) {
        c.setStatus("False");
        c.setLastTransitionTime(now);
      }
    }
    return ctx.store().updateStatus(podType, Typed.tree(copy), WriteOptions.none())
        .onSuccess(x -> ctx.events().record(COMPONENT, pod, EventRecorder.WARNING, "NodeNotReady", "Node is not ready"))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }

  private static String describe(List<Taint> taints) {
    return taints.stream().map(t -> t.getKey() + ":" + t.getEffect()).filter(Objects::nonNull).toList().toString();
  }
}
