package io.dekube.controllermanager.podgc;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.dekube.controllermanager.nodelifecycle.NodeHealth;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's pod garbage collector, the parts a dead node needs: pods bound to a node that no longer
 * exists are force-deleted once the node has been missing for kube's quarantine of 40 s (so a pod
 * created with the {@code nodeName} of a node that never joins stays Pending that long, and a node
 * re-registering in that time keeps its pods) and a read from the store confirms it is gone; pods being deleted that no node
 * runs are force-deleted; pods being deleted on a node that is not Ready and carries
 * {@code node.kubernetes.io/out-of-service} are force-deleted. And one rule kube does not have:
 * a pod being deleted on a node whose kubelet stopped posting (Ready {@code Unknown}) is
 * force-deleted once its grace period is over, since no kubelet will ever finish it (on one laptop a
 * stopped node is usually gone for good; kube leaves it Terminating until the node returns or is
 * deleted). And kube's terminated-pod threshold ({@code --terminated-pod-gc-threshold}, 12500; 0 or less: off):
 * every 20 s, the terminated (not Pending, Running or Unknown) pods above it are force-deleted, evicted ones
 * first, then the oldest by creation time ({@link #gcTerminated}). Keys are pods. Syncs and the threshold pass
 * run on the loop's context.
 */
public final class PodGarbageCollector implements Reconciler {

  /** The taint an operator puts on a node that is out of service for good (kube's NodeOutOfServiceVolumeDetach). */
  public static final String OUT_OF_SERVICE = "node.kubernetes.io/out-of-service";

  /** How often the terminated pods are counted (kube's {@code gcCheckPeriod}). */
  static final Duration GC_CHECK_PERIOD = Duration.ofSeconds(20);

  /** How long a node must be missing before its pods are collected (kube's {@code quarantineTime}). */
  static final Duration QUARANTINE = Duration.ofSeconds(40);

  private static final Logger LOG = LoggerFactory.getLogger(PodGarbageCollector.class);

  private final ControllerContext ctx;
  private final ResourceType podType;
  private final ResourceType nodeType;
  private final Lister<Pod> pods;
  private final Lister<Node> nodes;
  /** When each node some pod is bound to was first seen missing (kube's delaying node queue). */
  private final Map<String, Instant> missingSince = new ConcurrentHashMap<>();
  private final int terminatedPodThreshold;
  private ControllerLoop loop;

  /** @param terminatedPodThreshold {@code --terminated-pod-gc-threshold}; 0 or less: terminated pods are kept */
  public PodGarbageCollector(ControllerContext ctx, int terminatedPodThreshold) {
    this.ctx = ctx;
    this.terminatedPodThreshold = terminatedPodThreshold;
    this.podType = ctx.type("pods");
    this.nodeType = ctx.type("nodes");
    this.pods = ctx.lister("pods", Pod.class);
    this.nodes = ctx.lister("nodes", Node.class);
  }

  /** The loop over pods, also woken by a node's deletion or change of Ready and taints. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "podgc", this, pods.cache(), resync, workers);
    loop.watch(nodes.cache(), new InformerHandler() {
      @Override
      public void onAdd(ObjectNode node) {
        missingSince.remove(node.path("metadata").path("name").asText());
      }

      @Override
      public void onUpdate(ObjectNode old, ObjectNode node) {
        if (old == null || !old.path("status").path("conditions").equals(node.path("status").path("conditions"))
            || !old.path("spec").path("taints").equals(node.path("spec").path("taints"))) {
          enqueuePodsOn(node.path("metadata").path("name").asText(), true);
        }
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        enqueuePodsOn(last.path("metadata").path("name").asText(), false);
      }
    });
    if (terminatedPodThreshold > 0) {
      loop.every(GC_CHECK_PERIOD, this::gcTerminated);
    }
    return loop;
  }

  /**
   * kube's {@code gcTerminated}: when more pods are terminated than the threshold, the ones above it are
   * force-deleted — evicted ones first, then by creation time, then by name (kube's
   * {@code byEvictionAndCreationTimestamp}) — with kube's log line.
   */
  Future<Void> gcTerminated() {
    List<Pod> terminated = new ArrayList<>(pods.list("").stream().filter(PodGarbageCollector::terminated).toList());
    int deleteCount = terminated.size() - terminatedPodThreshold;
    if (terminatedPodThreshold <= 0 || deleteCount <= 0) {
      return Future.succeededFuture();
    }
    LOG.info("Garbage collecting pods numPods={}", deleteCount);
    terminated.sort(Comparator.comparing((Pod p) -> !evicted(p))
        .thenComparing(p -> Times.parse(p.getMetadata().getCreationTimestamp()),
            Comparator.nullsFirst(Comparator.naturalOrder()))
        .thenComparing(p -> p.getMetadata().getName()));
    List<Future<Void>> deletes = new ArrayList<>();
    for (Pod p : terminated.subList(0, deleteCount)) {
      deletes.add(forceDelete(p, null, "PodGC: the terminated pods are over --terminated-pod-gc-threshold"));
    }
    return Future.join(deletes).mapEmpty();
  }

  /** kube's {@code isPodTerminated}: any phase but Pending, Running and Unknown (none too). */
  private static boolean terminated(Pod p) {
    String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
    return !"Pending".equals(phase) && !"Running".equals(phase) && !"Unknown".equals(phase);
  }

  /** kube's {@code PodIsEvicted}: Failed with reason Evicted. */
  private static boolean evicted(Pod p) {
    return p.getStatus() != null && "Failed".equals(p.getStatus().getPhase()) && "Evicted".equals(p.getStatus().getReason());
  }

  private void enqueuePodsOn(String node, boolean onlyTerminating) {
    for (ObjectNode p : pods.cache().list("")) {
      if (node.equals(p.path("spec").path("nodeName").asText())
          && (!onlyTerminating || p.path("metadata").hasNonNull("deletionTimestamp"))) {
        loop.enqueue(ObjectKey.of(p));
      }
    }
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Pod pod = pods.get(key);
    if (pod == null) {
      return Future.succeededFuture();
    }
    String nodeName = pod.getSpec().getNodeName();
    boolean terminating = pod.getMetadata().getDeletionTimestamp() != null;
    if (nodeName == null || nodeName.isEmpty()) {
      return terminating ? forceDelete(pod, "DeletionByPodGC", "PodGC: deleting a terminating pod no node runs")
          : Future.succeededFuture();
    }
    Node node = nodes.get("", nodeName);
    if (node == null) {
      return orphaned(pod, nodeName);
    }
    missingSince.remove(nodeName);
    return terminating ? terminatingOn(pod, node) : Future.succeededFuture();
  }

  /**
   * A pod whose node is not cached: looked at again when the node has been missing for the quarantine,
   * then force-deleted if the store confirms the node is gone.
   */
  private Future<Void> orphaned(Pod pod, String nodeName) {
    Instant now = ctx.clock().instant();
    Instant due = missingSince.computeIfAbsent(nodeName, n -> now).plus(QUARANTINE);
    if (due.isAfter(now)) {
      if (loop != null) {
        loop.enqueueAfter(ObjectKey.of(Typed.tree(pod)), Duration.between(now, due).plusMillis(50));
      }
      return Future.succeededFuture();
    }
    return ctx.store().get(nodeType, "", nodeName)
        .onSuccess(n -> missingSince.remove(nodeName)).<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404
            ? forceDelete(pod, "DeletionByPodGC", "PodGC: node no longer exists")
            : Future.failedFuture(e));
  }

  /** A terminating pod on a node that will not finish it: out of service, or silent past the pod's grace. */
  private Future<Void> terminatingOn(Pod pod, Node node) {
    boolean notReady = List.of("False", "Unknown").contains(NodeHealth.ready(node));
    boolean outOfService = node.getSpec() != null && node.getSpec().getTaints() != null
        && node.getSpec().getTaints().stream().anyMatch(t -> OUT_OF_SERVICE.equals(t.getKey()));
    if (notReady && outOfService) {
      return forceDelete(pod, "DeletionByPodGC", "PodGC: node is out of service");
    }
    if (!"Unknown".equals(NodeHealth.ready(node))) {
      return Future.succeededFuture();
    }
    Instant due = Times.parse(pod.getMetadata().getDeletionTimestamp());
    Instant now = ctx.clock().instant();
    if (due != null && due.isAfter(now)) {
      if (loop != null) {
        loop.enqueueAfter(ObjectKey.of(Typed.tree(pod)), Duration.between(now, due).plusMillis(50));
      }
      return Future.succeededFuture();
    }
    return forceDelete(pod, "DeletionByPodGC", "PodGC: the node's kubelet stopped posting and the grace period is over");
  }

  /**
   * kube's PodGC deletion ({@code markFailedAndDeletePodWithCondition}): a pod not finished yet is first
   * marked Failed — with the DisruptionTarget condition of {@code reason} unless it was already terminating or
   * none is given (the threshold pass, as kube's markFailedAndDeletePod) — since no
   * kubelet will (a Job waiting for its pod to fail sees it), then deleted with grace 0.
   */
  private Future<Void> forceDelete(Pod pod, String reason, String message) {
    String ns = pod.getMetadata().getNamespace();
    String name = pod.getMetadata().getName();
    LOG.info("PodGC is force deleting Pod pod=\"{}/{}\" (node {}: {})", ns, name, pod.getSpec().getNodeName(), message);
    Future<?> marked = Future.succeededFuture();
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if (!"Succeeded".equals(phase) && !"Failed".equals(phase)) {
      Pod failed = pod.getMetadata().getDeletionTimestamp() == null && reason != null
          ? Pods.withDisruptionTarget(pod, reason, message, ctx.clock().instant()) : Lister.copy(pod);
      if (failed.getStatus() == null) {
        failed.setStatus(new io.fabric8.kubernetes.api.model.PodStatus());
      }
      failed.getStatus().setPhase("Failed");
      marked = ctx.store().updateStatus(podType, Typed.tree(failed), WriteOptions.none());
    }
    return marked.compose(x -> ctx.store().delete(podType, ns, name,
            WriteOptions.none().withUid(pod.getMetadata().getUid()).withGracePeriodSeconds(0L)))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }
}
