package io.dekube.controllermanager.deployment;

import static io.dekube.controllermanager.deployment.DeploymentUtil.active;
import static io.dekube.controllermanager.deployment.DeploymentUtil.replicas;

import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Owners;
import io.dekube.core.model.StatusException;
import io.dekube.core.model.Typed;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One sync of one Deployment (kube's {@code rolloutRolling}, {@code rolloutRecreate}, {@code sync}):
 * built from the cached Deployment and its ReplicaSets, used once, then dropped. Writes go through
 * the controller's store; a step that scales returns, and the change it causes brings the next
 * sync.
 */
final class Rollout {

  private final DeploymentController c;
  private Deployment d;
  private final List<ReplicaSet> rsList;
  private final ReplicaSet newRS;
  private final List<ReplicaSet> oldRSs;
  private final Instant now;

  Rollout(DeploymentController c, Deployment d, List<ReplicaSet> rsList) {
    this.c = c;
    this.d = d;
    this.rsList = rsList;
    this.now = c.ctx.clock().instant();
    ReplicaSet found = null;
    List<ReplicaSet> sorted = new ArrayList<>(rsList);
    sorted.sort(DeploymentUtil.byCreation());
    for (ReplicaSet rs : sorted) {
      if (DeploymentUtil.equalIgnoreHash(rs.getSpec().getTemplate(), d.getSpec().getTemplate())) {
        found = rs;
        break;
      }
    }
    this.newRS = found;
    List<ReplicaSet> old = new ArrayList<>();
    for (ReplicaSet rs : rsList) {
      if (rs != found) {
        old.add(rs);
      }
    }
    this.oldRSs = old;
  }

  Deployment deployment() {
    return d;
  }

  private List<ReplicaSet> all() {
    List<ReplicaSet> all = new ArrayList<>(oldRSs);
    if (newRS != null) {
      all.add(newRS);
    }
    return all;
  }

  // ---- entry points

  Future<Void> rolling() {
    return syncRevision().compose(created -> {
      if (created || newRS == null) {
        return Future.succeededFuture();
      }
      List<ReplicaSet> all = all();
      if (replicas(newRS) != replicas(d)) {
        int target = replicas(newRS) > replicas(d) ? replicas(d) : DeploymentUtil.newRSNewReplicas(d, all, newRS);
        if (target != replicas(newRS)) {
          return scale(newRS, target);
        }
      }
      return reconcileOld(all).compose(scaledDown -> {
        if (scaledDown) {
          return Future.succeededFuture();
        }
        DeploymentStatus s = status();
        return (DeploymentUtil.complete(d, s) ? cleanup() : Future.<Void>succeededFuture())
            .compose(v -> syncRolloutStatus(s));
      });
    });
  }

  Future<Void> recreate() {
    List<ReplicaSet> activeOld = active(oldRSs);
    if (!activeOld.isEmpty()) {
      return Future.join(activeOld.stream().map(rs -> scale(rs, 0)).toList()).mapEmpty();
    }
    if (oldPodsRunning()) {
      return syncRolloutStatus(status());
    }
    return syncRevision().compose(created -> {
      if (created || newRS == null) {
        return Future.succeededFuture();
      }
      if (replicas(newRS) != replicas(d)) {
        return scale(newRS, replicas(d));
      }
      DeploymentStatus s = status();
      return (DeploymentUtil.complete(d, s) ? cleanup() : Future.<Void>succeededFuture())
          .compose(v -> syncRolloutStatus(s));
    });
  }

  /** Paused or a scaling event: kube's {@code sync}: scale, clean up when paused, write status. */
  Future<Void> scaleOnly() {
    return syncRevision(false).compose(created -> proportionalScale()).compose(scaled -> {
      if (scaled) {
        return Future.succeededFuture();
      }
      return (Boolean.TRUE.equals(d.getSpec().getPaused()) ? cleanup() : Future.<Void>succeededFuture())
          .compose(v -> writeStatus(status()));
    });
  }

  Future<Void> syncStatusOnly() {
    return writeStatus(status());
  }

  /** kube's {@code checkPausedConditions}: Progressing Unknown DeploymentPaused / DeploymentResumed. */
  boolean pausedConditionChanged() {
    if (DeploymentUtil.progressDeadline(d) <= 0) {
      return false;
    }
    DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    var cond = DeploymentUtil.condition(s, "Progressing");
    boolean paused = Boolean.TRUE.equals(d.getSpec().getPaused());
    boolean pausedCond = cond != null && "DeploymentPaused".equals(cond.getReason());
    if (paused && !pausedCond) {
      DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Progressing", "Unknown", "DeploymentPaused",
          "Deployment is paused", now));
    } else if (!paused && pausedCond) {
      DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Progressing", "Unknown", "DeploymentResumed",
          "Deployment is resumed", now));
    } else {
      return false;
    }
    d.setStatus(s);
    return true;
  }

  /** kube's {@code isScalingEvent}: an active ReplicaSet was sized for another replica count. */
  boolean isScalingEvent() {
    List<ReplicaSet> all = active(all());
    for (ReplicaSet rs : all) {
      String desired = DeploymentUtil.annotation(rs, DeploymentUtil.DESIRED_REPLICAS);
      if (desired != null && DeploymentUtil.parseLong(desired, -1) != replicas(d)) {
        return true;
      }
    }
    return false;
  }

  // ---- the new ReplicaSet and revisions

  private Future<Boolean> syncRevision() {
    return syncRevision(true);
  }

  /**
   * kube's {@code getNewReplicaSet}: moves the revision of an existing new ReplicaSet (and the
   * deployment's), or creates it when asked. True when it wrote (the next sync goes on).
   */
  private Future<Boolean> syncRevision(boolean create) {
    long newRevision = DeploymentUtil.maxRevision(oldRSs) + 1;
    if (newRS != null) {
      ReplicaSet copy = Lister.copy(newRS);
      boolean changed = DeploymentUtil.setNewReplicaSetAnnotations(d, copy, newRevision, true);
      int minReady = DeploymentUtil.intOf(d.getSpec().getMinReadySeconds());
      if (DeploymentUtil.intOf(copy.getSpec().getMinReadySeconds()) != minReady) {
        copy.getSpec().setMinReadySeconds(minReady);
        changed = true;
      }
      if (changed) {
        return c.ctx.store().update(c.rsType, Typed.tree(copy), WriteOptions.none()).map(true);
      }
      String rev = DeploymentUtil.annotation(newRS, DeploymentUtil.REVISION);
      return setDeploymentRevision(rev).compose(wrote -> {
        DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
        if (DeploymentUtil.condition(s, "Progressing") == null && DeploymentUtil.progressDeadline(d) > 0) {
          DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Progressing", "True", "FoundNewReplicaSet",
              "Found new replica set \"" + newRS.getMetadata().getName() + "\"", now));
          d.setStatus(s);
          return writeStatus(s).map(true);
        }
        return Future.succeededFuture(wrote);
      });
    }
    if (!create) {
      return Future.succeededFuture(false);
    }
    return createNewRS(newRevision);
  }

  private Future<Boolean> createNewRS(long newRevision) {
    Integer collisions = d.getStatus() == null ? null : d.getStatus().getCollisionCount();
    String hash = DeploymentUtil.hash(d.getSpec().getTemplate(), collisions);
    ReplicaSet rs = new ReplicaSet();
    rs.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMeta());
    rs.getMetadata().setName(d.getMetadata().getName() + "-" + hash);
    rs.getMetadata().setNamespace(d.getMetadata().getNamespace());
    var template = Lister.copy(d.getSpec().getTemplate());
    Map<String, String> labels = new HashMap<>(template.getMetadata().getLabels() == null ? Map.of()
        : template.getMetadata().getLabels());
    labels.put(DeploymentUtil.HASH_LABEL, hash);
    template.getMetadata().setLabels(labels);
    rs.getMetadata().setLabels(labels);
    rs.getMetadata().setOwnerReferences(List.of(Owners.controllerRef(d)));
    var selector = Lister.copy(d.getSpec().getSelector());
    Map<String, String> ml = new HashMap<>(selector.getMatchLabels() == null ? Map.of() : selector.getMatchLabels());
    ml.put(DeploymentUtil.HASH_LABEL, hash);
    selector.setMatchLabels(ml);
    rs.setSpec(new io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec());
    rs.getSpec().setSelector(selector);
    rs.getSpec().setTemplate(template);
    rs.getSpec().setMinReadySeconds(d.getSpec().getMinReadySeconds());
    rs.getSpec().setReplicas(0);
    List<ReplicaSet> all = new ArrayList<>(oldRSs);
    all.add(rs);
    int size = DeploymentUtil.newRSNewReplicas(d, all, rs);
    rs.getSpec().setReplicas(size);
    DeploymentUtil.setNewReplicaSetAnnotations(d, rs, newRevision, false);
    String name = rs.getMetadata().getName();
    return c.ctx.store().create(c.rsType, rs.getMetadata().getNamespace(), Typed.tree(rs), WriteOptions.none())
        .compose(created -> {
          if (size > 0) {
            c.ctx.events().record(DeploymentController.COMPONENT, d, EventRecorder.NORMAL, "ScalingReplicaSet",
                "Scaled up replica set " + name + " from 0 to " + size);
          }
          DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
          if (DeploymentUtil.progressDeadline(d) > 0) {
            DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Progressing", "True", "NewReplicaSetCreated",
                "Created new replica set \"" + name + "\"", now));
          }
          d.setStatus(s);
          return setDeploymentRevision(Long.toString(newRevision)).compose(v -> writeStatus(s)).map(true);
        }, e -> {
          if (e instanceof StatusException se && se.code() == 409) {
            // a hash collision with a ReplicaSet of another template: count it, the next hash differs
            DeploymentStatus s = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
            s.setCollisionCount(DeploymentUtil.intOf(s.getCollisionCount()) + 1);
            return writeStatus(s).map(true);
          }
          return Future.failedFuture(e);
        });
  }

  /**
   * Writes the deployment's revision annotation when it differs, through the status subresource as kube's
   * controller does, so the annotation alone does not bump the generation (a plain update's would).
   */
  private Future<Boolean> setDeploymentRevision(String revision) {
    if (revision == null) {
      return Future.succeededFuture(false);
    }
    Map<String, String> a = d.getMetadata().getAnnotations() == null ? new HashMap<>()
        : new HashMap<>(d.getMetadata().getAnnotations());
    if (revision.equals(a.get(DeploymentUtil.REVISION))) {
      return Future.succeededFuture(false);
    }
    a.put(DeploymentUtil.REVISION, revision);
    Deployment copy = Lister.copy(d);
    copy.getMetadata().setAnnotations(a);
    return c.ctx.store().updateStatus(c.deployType, Typed.tree(copy), WriteOptions.none()).map(updated -> {
      d = Typed.from(updated, Deployment.class);
      return true;
    });
  }

  // ---- scaling

  private Future<Void> scale(ReplicaSet rs, int size) {
    ReplicaSet copy = Lister.copy(rs);
    int from = replicas(rs);
    copy.getSpec().setReplicas(size);
    DeploymentUtil.setReplicasAnnotations(copy, replicas(d), replicas(d) + DeploymentUtil.maxSurge(d));
    return c.ctx.store().update(c.rsType, Typed.tree(copy), WriteOptions.none()).onSuccess(x -> {
      if (from != size) {
        c.ctx.events().record(DeploymentController.COMPONENT, d, EventRecorder.NORMAL, "ScalingReplicaSet",
            "Scaled " + (size > from ? "up" : "down") + " replica set " + rs.getMetadata().getName() + " from "
                + from + " to " + size);
      }
    }).mapEmpty();
  }

  /** kube's {@code reconcileOldReplicaSets}: scale old ReplicaSets down within maxUnavailable. */
  private Future<Boolean> reconcileOld(List<ReplicaSet> all) {
    int oldPods = DeploymentUtil.sumReplicas(oldRSs);
    if (oldPods == 0) {
      return Future.succeededFuture(false);
    }
    int minAvailable = replicas(d) - DeploymentUtil.maxUnavailable(d);
    int newUnavailable = replicas(newRS) - DeploymentUtil.available(newRS);
    int maxScaledDown = DeploymentUtil.sumReplicas(all) - minAvailable - newUnavailable;
    if (maxScaledDown <= 0) {
      return Future.succeededFuture(false);
    }
    Map<ReplicaSet, Integer> target = new HashMap<>();
    List<ReplicaSet> old = new ArrayList<>(active(oldRSs));
    old.sort(DeploymentUtil.byCreation());
    int cleaned = 0;
    for (ReplicaSet rs : old) {
      if (cleaned >= maxScaledDown) {
        break;
      }
      int unhealthy = replicas(rs) - DeploymentUtil.available(rs);
      if (unhealthy <= 0) {
        continue;
      }
      int down = Math.min(maxScaledDown - cleaned, unhealthy);
      target.put(rs, replicas(rs) - down);
      cleaned += down;
    }
    int availableNow = DeploymentUtil.available(newRS);
    for (ReplicaSet rs : oldRSs) {
      availableNow += DeploymentUtil.available(rs);
    }
    int toScaleDown = availableNow - minAvailable;
    int scaledDown = 0;
    for (ReplicaSet rs : old) {
      if (scaledDown >= toScaleDown) {
        break;
      }
      int current = target.getOrDefault(rs, replicas(rs));
      if (current == 0) {
        continue;
      }
      int down = Math.min(current, toScaleDown - scaledDown);
      target.put(rs, current - down);
      scaledDown += down;
    }
    List<Future<Void>> writes = new ArrayList<>();
    target.forEach((rs, size) -> {
      if (size != replicas(rs)) {
        writes.add(scale(rs, size));
      }
    });
    return Future.all(writes).map(!writes.isEmpty());
  }

  /** kube's {@code scale}: one active ReplicaSet takes the new size; else saturation or proportions. */
  private Future<Boolean> proportionalScale() {
    List<ReplicaSet> activeAll = active(all());
    ReplicaSet target = null;
    if (activeAll.size() == 1) {
      target = activeAll.get(0);
    } else if (activeAll.isEmpty()) {
      target = newRS != null ? newRS : oldRSs.stream().max(DeploymentUtil.byCreation()).orElse(null);
    }
    if (target != null || activeAll.isEmpty()) {
      return target == null || replicas(target) == replicas(d) ? Future.succeededFuture(false)
          : scale(target, replicas(d)).map(true);
    }
    if (newRS != null && replicas(newRS) == replicas(d) && DeploymentUtil.available(newRS) == replicas(d)) {
      List<ReplicaSet> activeOld = active(oldRSs);
      return Future.all(activeOld.stream().map(rs -> scale(rs, 0)).toList()).map(!activeOld.isEmpty());
    }
    if (!DeploymentUtil.rolling(d)) {
      return Future.succeededFuture(false);
    }
    int allowed = replicas(d) + DeploymentUtil.maxSurge(d);
    int toAdd = allowed - DeploymentUtil.sumReplicas(activeAll);
    if (toAdd == 0) {
      return Future.succeededFuture(false);
    }
    List<ReplicaSet> sorted = new ArrayList<>(activeAll);
    Comparator<ReplicaSet> bySize = Comparator.comparingInt((ReplicaSet rs) -> replicas(rs)).reversed();
    sorted.sort(toAdd > 0 ? bySize.thenComparing(DeploymentUtil.byCreation().reversed())
        : bySize.thenComparing(DeploymentUtil.byCreation()));
    Map<ReplicaSet, Integer> size = new HashMap<>();
    int added = 0;
    for (ReplicaSet rs : sorted) {
      int p = proportion(rs, toAdd, added);
      size.put(rs, replicas(rs) + p);
      added += p;
    }
    if (added != toAdd) {
      ReplicaSet first = sorted.get(0);
      size.put(first, Math.max(0, size.get(first) + toAdd - added));
    }
    return Future.all(sorted.stream().map(rs -> scale(rs, size.get(rs))).toList()).map(true);
  }

  private int proportion(ReplicaSet rs, int toAdd, int added) {
    if (replicas(rs) == 0 || toAdd == added) {
      return 0;
    }
    int fraction;
    if (replicas(d) == 0) {
      fraction = -replicas(rs);
    } else {
      int deploymentReplicas = replicas(d) + DeploymentUtil.maxSurge(d);
      long annotated = DeploymentUtil.parseLong(DeploymentUtil.annotation(rs, DeploymentUtil.MAX_REPLICAS),
          d.getStatus() == null ? 0 : DeploymentUtil.intOf(d.getStatus().getReplicas()));
      fraction = annotated == 0 ? 0 : (int) Math.round((double) replicas(rs) * deploymentReplicas / annotated)
          - replicas(rs);
    }
    int left = toAdd - added;
    return toAdd > 0 ? Math.min(fraction, left) : Math.max(fraction, left);
  }

  private boolean oldPodsRunning() {
    for (ReplicaSet rs : oldRSs) {
      if (DeploymentUtil.statusReplicas(rs) > 0) {
        return true;
      }
    }
    for (Pod p : c.pods.list(d.getMetadata().getNamespace())) {
      for (ReplicaSet rs : oldRSs) {
        if (Owners.controlledBy(p.getMetadata(), rs)) {
          String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
          if (!"Failed".equals(phase) && !"Succeeded".equals(phase)) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** kube's {@code cleanupDeployment}: delete the oldest idle ReplicaSets beyond revisionHistoryLimit. */
  private Future<Void> cleanup() {
    int limit = d.getSpec().getRevisionHistoryLimit() == null ? 10 : d.getSpec().getRevisionHistoryLimit();
    List<ReplicaSet> cleanable = new ArrayList<>(oldRSs.stream().filter(rs -> !Owners.deleting(rs)).toList());
    int diff = cleanable.size() - limit;
    if (diff <= 0) {
      return Future.succeededFuture();
    }
    cleanable.sort(Comparator.comparingLong(DeploymentUtil::revision).thenComparing(DeploymentUtil.byCreation()));
    List<Future<?>> deletes = new ArrayList<>();
    for (int i = 0; i < diff; i++) {
      ReplicaSet rs = cleanable.get(i);
      long observed = rs.getStatus() == null || rs.getStatus().getObservedGeneration() == null ? 0
          : rs.getStatus().getObservedGeneration();
      if (DeploymentUtil.statusReplicas(rs) != 0 || replicas(rs) != 0 || rs.getMetadata().getGeneration() > observed) {
        continue;
      }
      deletes.add(c.ctx.store().delete(c.rsType, rs.getMetadata().getNamespace(), rs.getMetadata().getName(),
          WriteOptions.none().withUid(rs.getMetadata().getUid())));
    }
    return Future.join(deletes).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  // ---- status

  /** kube's {@code calculateStatus}. */
  DeploymentStatus status() {
    List<ReplicaSet> all = all();
    int availableReplicas = 0;
    int total = 0;
    int actual = 0;
    int ready = 0;
    for (ReplicaSet rs : all) {
      availableReplicas += DeploymentUtil.available(rs);
      total += replicas(rs);
      actual += DeploymentUtil.statusReplicas(rs);
      ready += DeploymentUtil.ready(rs);
    }
    DeploymentStatus old = d.getStatus() == null ? new DeploymentStatus() : d.getStatus();
    DeploymentStatus s = new DeploymentStatus();
    s.setObservedGeneration(d.getMetadata().getGeneration());
    s.setReplicas(actual);
    s.setUpdatedReplicas(DeploymentUtil.statusReplicas(newRS));
    s.setReadyReplicas(ready);
    s.setAvailableReplicas(availableReplicas);
    s.setUnavailableReplicas(Math.max(0, total - availableReplicas));
    s.setCollisionCount(old.getCollisionCount());
    s.setConditions(old.getConditions() == null ? new ArrayList<>() : new ArrayList<>(old.getConditions()));
    if (availableReplicas >= replicas(d) - DeploymentUtil.maxUnavailable(d)) {
      DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Available", "True", "MinimumReplicasAvailable",
          "Deployment has minimum availability.", now));
    } else {
      DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Available", "False", "MinimumReplicasUnavailable",
          "Deployment does not have minimum availability.", now));
    }
    return s;
  }

  /** kube's {@code syncRolloutStatus}: the Progressing condition, then the status when it changed. */
  private Future<Void> syncRolloutStatus(DeploymentStatus s) {
    var cond = DeploymentUtil.condition(s, "Progressing");
    boolean completeCond = s.getReplicas() != null && s.getReplicas().equals(s.getUpdatedReplicas()) && cond != null
        && "NewReplicaSetAvailable".equals(cond.getReason());
    if (DeploymentUtil.progressDeadline(d) > 0 && !completeCond) {
      String name = newRS == null ? "" : newRS.getMetadata().getName();
      if (DeploymentUtil.complete(d, s)) {
        DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Progressing", "True", "NewReplicaSetAvailable",
            "ReplicaSet \"" + name + "\" has successfully progressed.", now));
      } else if (DeploymentUtil.progressing(d, s)) {
        var c2 = DeploymentUtil.newCondition("Progressing", "True", "ReplicaSetUpdated",
            "ReplicaSet \"" + name + "\" is progressing.", now);
        if (cond != null && "True".equals(cond.getStatus())) {
          c2.setLastTransitionTime(cond.getLastTransitionTime());
        }
        DeploymentUtil.removeCondition(s, "Progressing");
        DeploymentUtil.setCondition(s, c2);
      } else if (DeploymentUtil.timedOut(d, s, now)) {
        DeploymentUtil.setCondition(s, DeploymentUtil.newCondition("Progressing", "False", "ProgressDeadlineExceeded",
            "ReplicaSet \"" + name + "\" has timed out progressing.", now));
        c.ctx.events().record(DeploymentController.COMPONENT, d, EventRecorder.WARNING, "ProgressDeadlineExceeded",
            "ReplicaSet \"" + name + "\" has timed out progressing.");
      }
    }
    replicaFailure(s);
    requeueStuck(s);
    return writeStatus(s);
  }

  /**
   * kube's {@code getReplicaFailures}: the ReplicaFailure condition of the new ReplicaSet, else of an old one, copied
   * to the Deployment (so {@code kubectl get deployment -o yaml} says a quota refused its pods); none: removed.
   */
  private void replicaFailure(DeploymentStatus s) {
    List<ReplicaSet> sets = new ArrayList<>();
    if (newRS != null) {
      sets.add(newRS);
    }
    sets.addAll(oldRSs);
    for (ReplicaSet rs : sets) {
      if (rs.getStatus() == null || rs.getStatus().getConditions() == null) {
        continue;
      }
      for (var f : rs.getStatus().getConditions()) {
        if ("ReplicaFailure".equals(f.getType())) {
          var c = DeploymentUtil.newCondition("ReplicaFailure", f.getStatus(), f.getReason(), f.getMessage(), now);
          c.setLastTransitionTime(f.getLastTransitionTime());
          c.setLastUpdateTime(f.getLastTransitionTime());
          DeploymentUtil.setCondition(s, c);
          return;
        }
      }
    }
    DeploymentUtil.removeCondition(s, "ReplicaFailure");
  }

  private void requeueStuck(DeploymentStatus s) {
    var cond = DeploymentUtil.condition(s, "Progressing");
    if (cond == null || "NewReplicaSetAvailable".equals(cond.getReason())
        || "ProgressDeadlineExceeded".equals(cond.getReason()) || DeploymentUtil.complete(d, s)) {
      return;
    }
    Instant from = io.dekube.controllermanager.common.Times.parse(cond.getLastUpdateTime());
    if (from != null) {
      Duration left = Duration.between(now, from.plusSeconds(DeploymentUtil.progressDeadline(d)));
      c.enqueueAfter(d, left.isNegative() ? Duration.ofSeconds(1) : left.plusSeconds(1));
    }
  }

  /** Writes the status when it differs from the stored one. */
  Future<Void> writeStatus(DeploymentStatus s) {
    Deployment stored = c.deployments.get(d.getMetadata().getNamespace(), d.getMetadata().getName());
    if (stored != null && Objects.equals(DeploymentUtil.comparable(stored.getStatus()), DeploymentUtil.comparable(s))
        && Objects.equals(stored.getMetadata().getResourceVersion(), d.getMetadata().getResourceVersion())) {
      return Future.succeededFuture();
    }
    Deployment copy = Lister.copy(d);
    copy.setStatus(s);
    return c.ctx.store().updateStatus(c.deployType, Typed.tree(copy), WriteOptions.none()).map(updated -> {
      d = Typed.from(updated, Deployment.class);
      return (Void) null;
    });
  }
}
