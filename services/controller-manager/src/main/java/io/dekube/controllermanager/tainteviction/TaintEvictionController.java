package io.dekube.controllermanager.tainteviction;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Pods;
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
import io.fabric8.kubernetes.api.model.Taint;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's taint eviction controller: a pod on a node with NoExecute taints it does not tolerate is
 * deleted at once; one that tolerates them for {@code tolerationSeconds} is deleted when they run out
 * ({@link NoExecute}). Before the delete: a {@code TaintManagerEviction} event and the pod's
 * {@code DisruptionTarget} condition. The deletion is the normal graceful one. A deletion scheduled for later
 * that is called off — the taints went away, a toleration now lasts forever, the pod no longer tolerates them
 * (it goes at once), or the pod is gone — gets kube's {@code TaintManagerEviction} "Cancelling deletion of Pod
 * ns/name" event; so the controller remembers, as kube's timed worker queue, which pods have one. Keys are
 * pods; a node whose NoExecute taints change enqueues its pods; a pod to evict later is enqueued for that time.
 * A deletion once scheduled keeps its time while the pod still tolerates the node's (changed) taints for a
 * while, as kube's: the swap of not-ready for unreachable does not start the countdown again.
 * Syncs run on the loop's context.
 */
public final class TaintEvictionController implements Reconciler {

  /** The component name in events, as kube's. */
  public static final String COMPONENT = "taint-eviction-controller";

  private static final Logger LOG = LoggerFactory.getLogger(TaintEvictionController.class);

  private final ControllerContext ctx;
  private final ResourceType podType;
  private final Lister<Pod> pods;
  private final Lister<Node> nodes;
  private final Instant startedAt;
  /** The pods with a deletion scheduled for later, and when (kube's taintEvictionQueue). */
  private final Map<ObjectKey, Scheduled> scheduled = new ConcurrentHashMap<>();
  private ControllerLoop loop;

  /** A deletion to come: when, and the pod as last seen (the event's object once it is gone). */
  private record Scheduled(Instant at, Pod pod) {
  }

  public TaintEvictionController(ControllerContext ctx) {
    this.ctx = ctx;
    this.podType = ctx.type("pods");
    this.pods = ctx.lister("pods", Pod.class);
    this.nodes = ctx.lister("nodes", Node.class);
    this.startedAt = ctx.clock().instant();
  }

  /** The loop over pods, also woken by changes of nodes' NoExecute taints. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), "tainteviction", this, pods.cache(), resync, workers);
    loop.watch(nodes.cache(), new InformerHandler() {
      @Override
      public void onAdd(ObjectNode node) {
        if (!noExecute(node).isEmpty()) {
          enqueuePodsOn(node);
        }
      }

      @Override
      public void onUpdate(ObjectNode old, ObjectNode node) {
        if (!noExecute(node).equals(old == null ? List.of() : noExecute(old))) {
          enqueuePodsOn(node);
        }
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        // pods of a deleted node are the pod GC's
      }
    });
    return loop;
  }

  private static List<String> noExecute(ObjectNode node) {
    List<String> out = new ArrayList<>();
    node.path("spec").path("taints").forEach(t -> {
      if ("NoExecute".equals(t.path("effect").asText())) {
        out.add(t.toString());
      }
    });
    return out;
  }

  private void enqueuePodsOn(ObjectNode node) {
    String name = node.path("metadata").path("name").asText();
    for (ObjectNode p : pods.cache().list("")) {
      if (name.equals(p.path("spec").path("nodeName").asText())) {
        loop.enqueue(ObjectKey.of(p));
      }
    }
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    Pod pod = pods.get(key);
    if (pod == null) {
      cancel(key);
      return Future.succeededFuture();
    }
    if (pod.getMetadata().getDeletionTimestamp() != null || pod.getSpec().getNodeName() == null) {
      return Future.succeededFuture();
    }
    Node node = nodes.get("", pod.getSpec().getNodeName());
    Scheduled before = scheduled.get(key);
    Instant at;
    if (node == null) {
      // kube forgets a deleted node's taints but lets a scheduled deletion run; the pod GC takes the rest
      at = before == null ? null : before.at();
      if (at == null) {
        return Future.succeededFuture();
      }
    } else {
      at = NoExecute.evictionTime(pod, node.getSpec() == null ? null : node.getSpec().getTaints(), startedAt);
      if (before != null && at != null && at != Instant.MIN) {
        // kube's processPodOnNode: a pod with a deletion already scheduled keeps it as long as its taints are
        // still all tolerated for a while (its start time plus the new minimal tolerationSeconds is never later
        // than now plus them), so not-ready turning into unreachable does not restart the countdown
        at = before.at();
      }
    }
    Instant now = ctx.clock().instant();
    if (at == null || (at == Instant.MIN && before != null)) {
      cancel(key);
    }
    if (at == null) {
      return Future.succeededFuture();
    }
    if (at.isAfter(now)) {
      scheduled.put(key, new Scheduled(at, pod));
      if (loop != null) {
        loop.enqueueAfter(key, Duration.between(now, at).plusMillis(50));
      }
      return Future.succeededFuture();
    }
    scheduled.remove(key);
    return evict(pod);
  }

  /** Calls off the pod's scheduled deletion, with kube's event when it had one. */
  private void cancel(ObjectKey key) {
    Scheduled s = scheduled.remove(key);
    if (s != null) {
      ctx.events().record(COMPONENT, s.pod(), EventRecorder.NORMAL, "TaintManagerEviction",
          "Cancelling deletion of Pod " + key.namespace() + "/" + key.name());
    }
  }

  /** The event, the DisruptionTarget condition, then the (graceful) delete. */
  private Future<Void> evict(Pod pod) {
    String ref = pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    LOG.info("evicting pod {} from node {}: NoExecute taint", ref, pod.getSpec().getNodeName());
    Pod copy = Pods.withDisruptionTarget(pod, "DeletionByTaintManager", "Taint manager: deleting due to NoExecute taint",
        ctx.clock().instant());
    return ctx.store().updateStatus(podType, Typed.tree(copy), WriteOptions.none())
        .compose(updated -> ctx.store().delete(podType, pod.getMetadata().getNamespace(), pod.getMetadata().getName(),
            WriteOptions.none().withUid(pod.getMetadata().getUid())))
        .onSuccess(deleted -> ctx.events().record(COMPONENT, pod, EventRecorder.NORMAL, "TaintManagerEviction",
            "Marking for deletion Pod " + ref))
        .<Void>mapEmpty()
        .recover(e -> e instanceof StatusException se && se.code() == 404 ? Future.succeededFuture()
            : Future.failedFuture(e));
  }
}
