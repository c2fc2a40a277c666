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
import java.util.List;
import java.util.Objects;
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
 * Events: {@code NodeNotReady} on the node and on each pod marked. The pods themselves are evicted
 * by the taint eviction controller. Keys are nodes ({@code /<name>}); a monitor pass every
 * {@code monitorPeriod} enqueues the nodes whose state should change. Syncs run on the loop's context.
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
  private final Instant startedAt;

  /** @param grace {@code --node-monitor-grace-period} */
  public NodeLifecycleController(ControllerContext ctx, Duration grace) {
    this.ctx = ctx;
    this.grace = grace;
    this.nodeType = ctx.type("nodes");
    this.podType = ctx.type("pods");
    this.nodes = ctx.lister("nodes", Node.class);
    this.leases = ctx.lister("leases.coordination.k8s.io", Lease.class);
    this.pods = ctx.lister("pods", Pod.class);
    this.startedAt = ctx.clock().instant();
  }

  /** kube's {@code --node-monitor-period} (5 s), shorter when the grace period is short. */
  public static Duration monitorPeriod(Duration grace) {
    long ms = Math.max(500, Math.min(5000, grace.toMillis() / 2));
    return Duration.ofMillis(ms);
  }

  /** The loop over Nodes, also woken by node Lease renewals and by the monitor pass. */
  public ControllerLoop loop(Duration resync, int workers) {
    ControllerLoop loop = new ControllerLoop(ctx.vertx(), "nodelifecycle", this, nodes.cache(), resync, workers);
    loop.watch(leases.cache(), o -> LEASE_NAMESPACE.equals(o.path("metadata").path("namespace").asText())
        ? List.of(new ObjectKey("", o.path("metadata").path("name").asText())) : List.of());
    loop.every(monitorPeriod(grace), () -> {
      for (Node n : nodes.list("")) {
        if (needsSync(n)) {
          loop.enqueue(new ObjectKey("", n.getMetadata().getName()));
        }
      }
    });
    return loop;
  }

  /** Whether the node's conditions or taints are not what they should be now (the monitor pass's cheap test). */
  boolean needsSync(Node node) {
    Instant now = ctx.clock().instant();
    if (expired(node, now) && NodeHealth.unknown(node, now) != null) {
      return true;
    }
    List<Taint> taints = node.getSpec() == null ? null : node.getSpec().getTaints();
    return !NodeTaints.reconcile(node, now).equals(taints == null ? List.of() : taints);
  }

  private boolean expired(Node node, Instant now) {
    Lease lease = leases.get(LEASE_NAMESPACE, node.getMetadata().getName());
    return now.isAfter(NodeHealth.lastHeard(node, lease, startedAt).plus(grace));
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Node node = nodes.get("", key.name());
    if (node == null) {
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
    LOG.info("node {}: kubelet stopped posting node status (last heard {}); conditions Unknown",
        node.getMetadata().getName(), NodeHealth.lastHeard(node, leases.get(LEASE_NAMESPACE,
            node.getMetadata().getName()), startedAt));
    return ctx.store().updateStatus(nodeType, Typed.tree(copy), WriteOptions.none())
        .map(updated -> Typed.from(updated, Node.class));
  }

  /**
   * Step 2: the not-ready / unreachable taints as the Ready condition says, the NoSchedule taints of the
   * other conditions and of a cordon ({@link NodeTaints}); NodeNotReady when first tainted.
   */
  private Future<Node> reconcileTaints(Node node) {
    List<Taint> current = node.getSpec() == null || node.getSpec().getTaints() == null ? List.of()
        : node.getSpec().getTaints();
    String ready = NodeHealth.ready(node);
    List<Taint> wanted = NodeTaints.reconcile(node, ctx.clock().instant());
    if (wanted.equals(current)) {
      return Future.succeededFuture(node);
    }
    boolean becameNotReady = !NodeTaints.notReadyTainted(current) && NodeTaints.notReadyTainted(wanted);
    Node copy = Lister.copy(node);
    if (copy.getSpec() == null) {
      copy.setSpec(new io.fabric8.kubernetes.api.model.NodeSpec());
    }
    copy.getSpec().setTaints(wanted.isEmpty() ? null : new ArrayList<>(wanted));
    return ctx.store().update(nodeType, Typed.tree(copy), WriteOptions.none()).map(updated -> {
      String name = node.getMetadata().getName();
      LOG.info("node {}: Ready {}, taints now {}", name, ready, describe(wanted));
      if (becameNotReady) {
        ctx.events().record(COMPONENT, node, EventRecorder.NORMAL, "NodeNotReady",
            "Node " + name + " status is now: NodeNotReady");
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
