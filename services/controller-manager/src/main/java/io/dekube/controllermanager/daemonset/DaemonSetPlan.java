package io.dekube.controllermanager.daemonset;

import io.dekube.controllermanager.common.IntOrPercent;
import io.dekube.controllermanager.common.Pods;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.api.model.apps.RollingUpdateDaemonSet;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One sync of a DaemonSet decided from the nodes and its pods, as kube's {@code manage},
 * {@code rollingUpdate} and {@code updateDaemonSetStatus}: a pod on each eligible node, none elsewhere
 * (nor on nodes that are gone), one per node (the oldest stays), failed pods named for replacement
 * (the controller deletes them within its {@link FailedPodsBackoff}); then the
 * RollingUpdate within maxUnavailable (delete old, the manage step creates the new) or maxSurge
 * (create the new beside the old, delete the old once the new is available). Pure.
 */
final class DaemonSetPlan {

  /**
   * What to do: nodes to create a pod on, pods to delete, and the failed pods to replace — deleted by
   * the controller, not here, once its back-off allows (until then they hold their node's place).
   */
  record Actions(List<String> createOn, List<Pod> deletes, List<FailedPod> failed) {
  }

  /** A failed daemon pod and its node. */
  record FailedPod(String node, Pod pod) {
  }

  private final DaemonSet ds;
  private final List<Node> nodes;
  private final Map<String, List<Pod>> byNode;
  private final String hash;
  private final Instant now;
  private final PodSpec spec;

  /**
   * @param nodes the cluster's nodes
   * @param owned the pods the DaemonSet controls (terminal pods being deleted left out)
   * @param hash  the current revision's hash
   */
  DaemonSetPlan(DaemonSet ds, List<Node> nodes, List<Pod> owned, String hash, Instant now) {
    this.ds = ds;
    this.nodes = nodes;
    this.hash = hash;
    this.now = now;
    this.spec = DaemonPods.specWithTolerations(ds);
    this.byNode = new LinkedHashMap<>();
    for (Pod p : owned) {
      String node = DaemonPods.nodeOf(p);
      byNode.computeIfAbsent(node == null ? "" : node, k -> new ArrayList<>()).add(p);
    }
    byNode.values().forEach(l -> l.sort(OLDEST_FIRST));
  }

  private static final Comparator<Pod> OLDEST_FIRST = Comparator
      .comparing((Pod p) -> p.getSpec() == null || p.getSpec().getNodeName() == null || p.getSpec().getNodeName().isEmpty())
      .thenComparing(p -> p.getMetadata().getCreationTimestamp() == null ? "" : p.getMetadata().getCreationTimestamp())
      .thenComparing(p -> p.getMetadata().getName());

  int minReady() {
    return ds.getSpec().getMinReadySeconds() == null ? 0 : ds.getSpec().getMinReadySeconds();
  }

  private boolean available(Pod p) {
    return Pods.available(p, minReady(), now);
  }

  /** kube's {@code manage}: the pods each node should have. */
  Actions manage() {
    List<String> create = new ArrayList<>();
    List<Pod> delete = new ArrayList<>();
    List<FailedPod> failed = new ArrayList<>();
    boolean surge = maxSurgeConfigured();
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      NodeEligibility e = NodeEligibility.of(node, spec);
      List<Pod> pods = byNode.getOrDefault(name, List.of());
      if (e.shouldRun() && pods.isEmpty()) {
        create.add(name);
      } else if (e.shouldContinueRunning()) {
        List<Pod> running = new ArrayList<>();
        for (Pod p : pods) {
          if (p.getMetadata().getDeletionTimestamp() != null) {
            continue;
          }
          if ("Failed".equals(p.getStatus() == null ? null : p.getStatus().getPhase())) {
            failed.add(new FailedPod(name, p));
          } else {
            running.add(p);
          }
        }
        delete.addAll(excess(running, surge));
      } else {
        pods.stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).forEach(delete::add);
      }
    }
    for (var entry : byNode.entrySet()) {
      if (nodes.stream().noneMatch(n -> n.getMetadata().getName().equals(entry.getKey()))) {
        entry.getValue().stream().filter(p -> p.getMetadata().getDeletionTimestamp() == null).forEach(delete::add);
      }
    }
    return new Actions(create, delete, failed);
  }

  /** All but the oldest running pod; with surge, the oldest new and the oldest old may both stay. */
  private List<Pod> excess(List<Pod> running, boolean surge) {
    if (running.size() <= 1) {
      return List.of();
    }
    if (!surge) {
      return running.subList(1, running.size());
    }
    List<Pod> out = new ArrayList<>();
    boolean haveNew = false;
    boolean haveOld = false;
    for (Pod p : running) {
      boolean isNew = DaemonPods.updated(p, hash);
      if (isNew && !haveNew) {
        haveNew = true;
      } else if (!isNew && !haveOld) {
        haveOld = true;
      } else {
        out.add(p);
      }
    }
    return out;
  }

  private boolean maxSurgeConfigured() {
    RollingUpdateDaemonSet ru = rollingUpdate();
    return ru != null && IntOrPercent.scaled(ru.getMaxSurge(), 1, true, 0) > 0;
  }

  private RollingUpdateDaemonSet rollingUpdate() {
    var strategy = ds.getSpec().getUpdateStrategy();
    if (strategy == null || !"RollingUpdate".equals(strategy.getType() == null ? "RollingUpdate" : strategy.getType())) {
      return null;
    }
    return strategy.getRollingUpdate() == null ? new RollingUpdateDaemonSet() : strategy.getRollingUpdate();
  }

  /** kube's {@code rollingUpdate}: nothing under OnDelete. */
  Actions rollingUpdateStep() {
    RollingUpdateDaemonSet ru = rollingUpdate();
    if (ru == null) {
      return new Actions(List.of(), List.of(), List.of());
    }
    int desired = status().getDesiredNumberScheduled();
    int maxSurge = IntOrPercent.scaled(ru.getMaxSurge(), desired, true, 0);
    int maxUnavailable = IntOrPercent.scaled(ru.getMaxUnavailable(), desired, true, 1);
    if (desired > 0 && maxSurge == 0 && maxUnavailable == 0) {
      maxUnavailable = 1;
    }
    return maxSurge == 0 ? withoutSurge(maxUnavailable) : withSurge(maxSurge);
  }

  private Actions withoutSurge(int maxUnavailable) {
    int unavailable = 0;
    List<Pod> allowed = new ArrayList<>();
    List<Pod> candidates = new ArrayList<>();
    for (var e : byNode.entrySet()) {
      Pod[] split = split(e.getValue());
      if (split == null) {
        unavailable++;
        continue;
      }
      Pod newPod = split[0];
      Pod oldPod = split[1];
      if ((oldPod == null) == (newPod == null)) {
        unavailable++;
      } else if (newPod != null) {
        unavailable += available(newPod) ? 0 : 1;
      } else if (!available(oldPod)) {
        allowed.add(oldPod);
      } else if (unavailable < maxUnavailable) {
        candidates.add(oldPod);
      }
    }
    int room = Math.min(Math.max(0, maxUnavailable - unavailable), candidates.size());
    List<Pod> delete = new ArrayList<>(allowed);
    delete.addAll(candidates.subList(0, room));
    return new Actions(List.of(), delete, List.of());
  }

  private Actions withSurge(int maxSurge) {
    int surging = 0;
    List<String> allowed = new ArrayList<>();
    List<String> candidates = new ArrayList<>();
    List<Pod> delete = new ArrayList<>();
    for (var e : byNode.entrySet()) {
      Pod[] split = split(e.getValue());
      if (split == null) {
        surging++;
        continue;
      }
      Pod newPod = split[0];
      Pod oldPod = split[1];
      if (oldPod == null) {
        continue;
      }
      if (newPod == null) {
        if (!available(oldPod)) {
          allowed.add(e.getKey());
        } else if (surging < maxSurge) {
          candidates.add(e.getKey());
        }
      } else if (!available(newPod)) {
        surging++;
      } else {
        delete.add(oldPod);
      }
    }
    List<String> create = new ArrayList<>(allowed);
    create.addAll(candidates.subList(0, Math.min(Math.max(0, maxSurge - surging), candidates.size())));
    return new Actions(create, delete, List.of());
  }

  /** kube's {@code findUpdatedPodsOnNode}: the node's one new and one old live pod; null when it has more of either. */
  private Pod[] split(List<Pod> pods) {
    Pod newPod = null;
    Pod oldPod = null;
    for (Pod p : pods) {
      if (p.getMetadata().getDeletionTimestamp() != null) {
        continue;
      }
      if (DaemonPods.updated(p, hash)) {
        if (newPod != null) {
          return null;
        }
        newPod = p;
      } else {
        if (oldPod != null) {
          return null;
        }
        oldPod = p;
      }
    }
    return new Pod[] {newPod, oldPod};
  }

  /** kube's {@code updateDaemonSetStatus}: counts over nodes that should run a pod (the oldest pod of each). */
  DaemonSetStatus status() {
    int desired = 0;
    int current = 0;
    int misscheduled = 0;
    int ready = 0;
    int available = 0;
    int updated = 0;
    for (Node node : nodes) {
      String name = node.getMetadata().getName();
      List<Pod> pods = byNode.getOrDefault(name, List.of());
      boolean shouldRun = NodeEligibility.of(node, spec).shouldRun();
      if (!shouldRun) {
        misscheduled += pods.isEmpty() ? 0 : 1;
        continue;
      }
      desired++;
      if (pods.isEmpty()) {
        continue;
      }
      current++;
      Pod p = pods.get(0);
      if (Pods.ready(p)) {
        ready++;
        available += available(p) ? 1 : 0;
      }
      updated += DaemonPods.updated(p, hash) ? 1 : 0;
    }
    DaemonSetStatus s = new DaemonSetStatus();
    s.setDesiredNumberScheduled(desired);
    s.setCurrentNumberScheduled(current);
    s.setNumberMisscheduled(misscheduled);
    s.setNumberReady(ready);
    s.setNumberAvailable(available);
    s.setNumberUnavailable(desired - available);
    s.setUpdatedNumberScheduled(updated);
    s.setObservedGeneration(ds.getMetadata().getGeneration());
    s.setCollisionCount(ds.getStatus() == null ? null : ds.getStatus().getCollisionCount());
    s.setConditions(ds.getStatus() == null ? null : ds.getStatus().getConditions());
    return s;
  }

  /** The pod spec (daemon tolerations included) the pods are made from. */
  PodSpec spec() {
    return spec;
  }

  /** Whether a ready pod is waiting for minReadySeconds (a requeue is due). */
  boolean waitingForAvailability() {
    return minReady() > 0 && byNode.values().stream().flatMap(List::stream)
        .anyMatch(p -> Pods.ready(p) && !available(p));
  }
}
