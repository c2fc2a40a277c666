package io.dekube.controllermanager.replicaset;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Expectations;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Owners;
import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Selectors;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.controller.Reconciler;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.vertx.core.Future;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's ReplicaSet controller: keeps {@code spec.replicas} active pods matching the selector.
 * Adopts matching orphans and releases owned pods that stop matching; creates missing pods in slow
 * start batches (1, 2, 4...) and deletes surplus ones in {@link PodRanking} order; expectations
 * keep it from acting again before its informer saw its own writes; writes status (replicas,
 * fullyLabeled, ready, available, observedGeneration). It runs on a {@link ReplicaSetSource}: the
 * ReplicaSets, or ReplicationControllers seen as ReplicaSets (kube's replication manager). Syncs run on
 * the loop's context.
 */
public final class ReplicaSetController implements Reconciler {

  /** The component name in events. */
  public static final String COMPONENT = "replicaset-controller";
  /** kube's {@code BurstReplicas}: the most pods one sync creates or deletes. */
  static final int BURST = 500;

  private static final Logger LOG = LoggerFactory.getLogger(ReplicaSetController.class);

  private final ControllerContext ctx;
  private final ResourceType podType;
  private final ReplicaSetSource sets;
  private final Lister<Pod> pods;
  private final Expectations expectations;
  private ControllerLoop loop;

  /** The ReplicaSet controller. */
  public ReplicaSetController(ControllerContext ctx) {
    this(ctx, ReplicaSetSource.replicaSets(ctx));
  }

  /** The same controller on another source of ReplicaSets. */
  public ReplicaSetController(ControllerContext ctx, ReplicaSetSource sets) {
    this.ctx = ctx;
    this.podType = ctx.type("pods");
    this.sets = sets;
    this.pods = ctx.lister("pods", Pod.class);
    this.expectations = new Expectations(ctx.clock());
  }

  /** The loop that drives this controller: the source's objects, and pods mapped to their owner. */
  public ControllerLoop loop(Duration resync, int workers) {
    loop = new ControllerLoop(ctx.vertx(), sets.name(), this, sets.cache(), resync, workers);
    loop.watch(pods.cache(), podEvents());
    return loop;
  }

  /** The expectations (tests). */
  Expectations expectations() {
    return expectations;
  }

  @Override
  public Future<Void> sync(ObjectKey key) {
    ReplicaSet rs = sets.get(key);
    if (rs == null) {
      expectations.forget(key);
      return Future.succeededFuture();
    }
    LabelSelector selector;
    try {
      selector = Selectors.of(rs.getSpec().getSelector());
    } catch (StatusException e) {
      ctx.events().record(sets.component(), rs, EventRecorder.WARNING, "InvalidSelector", e.getMessage());
      return Future.succeededFuture();
    }
    boolean needsSync = expectations.satisfied(key);
    return claimPods(rs, selector)
        .compose(owned -> (needsSync && !Owners.deleting(rs) ? manage(key, rs, owned) : Future.<Void>succeededFuture())
            // as kube: the status is written also when creating or deleting failed, with a ReplicaFailure
            // condition saying why (e.g. exceeded quota); the sync still fails, so it is retried with back-off
            .transform(managed -> {
              String failure = managed.failed() ? managed.cause().getMessage() : null;
              Future<Void> status = updateStatus(rs, ReplicaSetStatusCalc.status(rs, owned, failure,
                  ctx.clock().instant()));
              return managed.failed() ? status.transform(x -> Future.<Void>failedFuture(managed.cause())) : status;
            }))
        .onSuccess(v -> requeueForAvailability(key, rs));
  }

  /** kube's {@code ClaimPods}: adopt matching orphans, release owned pods that stop matching. */
  private Future<List<Pod>> claimPods(ReplicaSet rs, LabelSelector selector) {
    List<Pod> owned = new ArrayList<>();
    List<Future<?>> patches = new ArrayList<>();
    for (Pod p : pods.list(rs.getMetadata().getNamespace())) {
      if (!Pods.active(p)) {
        continue;
      }
      OwnerReference ref = Owners.controllerOf(p.getMetadata());
      boolean matches = selector.matches(Pods.labels(p));
      if (ref != null) {
        if (!ref.getUid().equals(rs.getMetadata().getUid())) {
          continue;
        }
        if (matches) {
          owned.add(p);
        } else if (!Owners.deleting(rs)) {
          patches.add(patchPod(p, Patches.MERGE, Owners.releasePatch(p.getMetadata(), rs)));
        }
      } else if (matches && !Owners.deleting(rs)) {
        owned.add(p);
        patches.add(patchPod(p, Patches.STRATEGIC_MERGE, Owners.adoptPatch(rs)));
      }
    }
    return Future.join(patches).map(owned).recover(e -> Future.succeededFuture(owned));
  }

  private Future<ObjectNode> patchPod(Pod p, String type, ObjectNode patch) {
    return ctx.store().patch(podType, p.getMetadata().getNamespace(), p.getMetadata().getName(), type, patch,
        WriteOptions.none().withUid(p.getMetadata().getUid()));
  }

  private Future<Void> manage(ObjectKey key, ReplicaSet rs, List<Pod> owned) {
    int want = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
    int diff = owned.size() - want;
    if (diff < 0) {
      int n = Math.min(-diff, BURST);
      expectations.expect(key, n, 0);
      LOG.debug("sync {} {}: too few replicas, need {}, creating {}", sets.kind(), key, want, n);
      return createPods(key, rs, n);
    }
    if (diff > 0) {
      int n = Math.min(diff, BURST);
      List<Pod> victims = podsToDelete(owned, n);
      expectations.expect(key, 0, victims.size());
      LOG.debug("sync {} {}: too many replicas, need {}, deleting {}", sets.kind(), key, want, n);
      return Future.join(victims.stream().map(p -> deletePod(key, rs, p)).toList()).mapEmpty();
    }
    return Future.succeededFuture();
  }

  /** kube's {@code slowStartBatch}: batches of 1, 2, 4... until one fails; the rest are not sent. */
  private Future<Void> createPods(ObjectKey key, ReplicaSet rs, int count) {
    return createBatch(key, rs, count, 1);
  }

  private Future<Void> createBatch(ObjectKey key, ReplicaSet rs, int remaining, int batch) {
    if (remaining <= 0) {
      return Future.succeededFuture();
    }
    int n = Math.min(remaining, batch);
    List<Future<ObjectNode>> creates = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      creates.add(createPod(key, rs));
    }
    return Future.join(creates).transform(ar -> {
      if (ar.failed()) {
        for (int i = 0; i < remaining - n; i++) {
          expectations.creationObserved(key);
        }
        return Future.failedFuture(ar.cause());
      }
      return createBatch(key, rs, remaining - n, batch * 2);
    });
  }

  private Future<ObjectNode> createPod(ObjectKey key, ReplicaSet rs) {
    Pod pod = Pods.fromTemplate(rs.getSpec().getTemplate(), rs, rs.getMetadata().getName() + "-");
    return ctx.store().create(podType, rs.getMetadata().getNamespace(), Typed.tree(pod), WriteOptions.none())
        .onSuccess(created -> ctx.events().record(sets.component(), rs, EventRecorder.NORMAL, "SuccessfulCreate",
            "Created pod: " + created.path("metadata").path("name").asText()))
        .onFailure(e -> {
          expectations.creationObserved(key);
          ctx.events().record(sets.component(), rs, EventRecorder.WARNING, "FailedCreate", "Error creating: " + e.getMessage());
        });
  }

  private Future<ObjectNode> deletePod(ObjectKey key, ReplicaSet rs, Pod p) {
    return ctx.store().delete(podType, p.getMetadata().getNamespace(), p.getMetadata().getName(),
            WriteOptions.none().withUid(p.getMetadata().getUid()))
        .onSuccess(d -> ctx.events().record(sets.component(), rs, EventRecorder.NORMAL, "SuccessfulDelete",
            "Deleted pod: " + p.getMetadata().getName()))
        .recover(e -> {
          expectations.deletionObserved(key);
          if (e instanceof StatusException se && se.code() == 404) {
            return Future.succeededFuture();
          }
          ctx.events().record(sets.component(), rs, EventRecorder.WARNING, "FailedDelete", "Error deleting: " + e.getMessage());
          return Future.failedFuture(e);
        });
  }

  private List<Pod> podsToDelete(List<Pod> owned, int n) {
    Map<String, Integer> perNode = new HashMap<>();
    for (Pod p : owned) {
      String node = p.getSpec() == null || p.getSpec().getNodeName() == null ? "" : p.getSpec().getNodeName();
      perNode.merge(node, 1, Integer::sum);
    }
    List<Pod> sorted = new ArrayList<>(owned);
    sorted.sort(PodRanking.deleteFirst(perNode));
    return sorted.subList(0, n);
  }

  private Future<Void> updateStatus(ReplicaSet rs, io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus status) {
    if (Typed.tree(status).equals(rs.getStatus() == null ? null : Typed.tree(rs.getStatus()))) {
      return Future.succeededFuture();
    }
    ReplicaSet next = Lister.copy(rs);
    next.setStatus(status);
    return sets.updateStatus(next).mapEmpty();
  }

  private void requeueForAvailability(ObjectKey key, ReplicaSet rs) {
    int min = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
    ReplicaSet now = sets.get(key);
    if (min > 0 && loop != null && now != null && now.getStatus() != null
        && !java.util.Objects.equals(now.getStatus().getAvailableReplicas(), now.getStatus().getReadyReplicas())) {
      loop.enqueueAfter(key, Duration.ofSeconds(min));
    }
  }

  /**
   * The pod handler: lowers the owner's expectations for what it sees created and deleted, and
   * enqueues the owner (or, for an orphan, the objects that select it). Runs on the loop's context.
   */
  public InformerHandler podEvents() {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        ObjectKey owner = ownerKey(object);
        if (owner != null) {
          expectations.creationObserved(owner);
          enqueue(owner);
        } else {
          enqueueMatching(object);
        }
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        ObjectKey before = ownerKey(oldObject);
        ObjectKey after = ownerKey(newObject);
        if (before != null) {
          enqueue(before);
        }
        if (after != null) {
          enqueue(after);
        } else {
          enqueueMatching(newObject);
        }
        if (!newObject.path("metadata").has("deletionTimestamp") || oldObject.path("metadata").has("deletionTimestamp")) {
          return;
        }
        if (after != null) {
          expectations.deletionObserved(after);
        }
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        ObjectKey owner = ownerKey(last);
        if (owner != null) {
          if (!last.path("metadata").has("deletionTimestamp")) {
            expectations.deletionObserved(owner);
          }
          enqueue(owner);
        }
      }
    };
  }

  private void enqueue(ObjectKey key) {
    if (loop != null) {
      loop.enqueue(key);
    }
  }

  private void enqueueMatching(ObjectNode pod) {
    String ns = pod.path("metadata").path("namespace").asText();
    for (ReplicaSet rs : sets.list(ns)) {
      try {
        if (Selectors.of(rs.getSpec().getSelector()).matches(LabelSelector.labelsOf(pod))) {
          enqueue(new ObjectKey(ns, rs.getMetadata().getName()));
        }
      } catch (StatusException e) {
        // an invalid selector adopts nothing
      }
    }
  }

  private ObjectKey ownerKey(ObjectNode pod) {
    for (var ref : pod.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false) && sets.kind().equals(ref.path("kind").asText())) {
        return new ObjectKey(pod.path("metadata").path("namespace").asText(), ref.path("name").asText());
      }
    }
    return null;
  }
}
