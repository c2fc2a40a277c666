package io.dekube.controllermanager.disruption;

import io.dekube.controllermanager.common.Lister;
import io.dekube.controllermanager.common.Owners;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * kube's {@code getExpectedScale}: the summed {@code spec.replicas} of the controllers that own the
 * selected pods — a ReplicaSet's Deployment when it has one, else the ReplicaSet; a StatefulSet; a
 * ReplicationController —
 * each controller counted once. Pods without a controller are "unmanaged"; a pod whose controller
 * cannot be found (or has no scale) makes the count fail. Reads the listers only.
 */
final class ExpectedScale {

  /** The summed scale, the names of unmanaged pods, and the error when a controller is missing. */
  record Result(int scale, List<String> unmanaged, String error) {
  }

  private final Lister<ReplicaSet> replicaSets;
  private final Lister<Deployment> deployments;
  private final Lister<StatefulSet> statefulSets;
  private final Lister<ReplicationController> replicationControllers;

  ExpectedScale(Lister<ReplicaSet> replicaSets, Lister<Deployment> deployments, Lister<StatefulSet> statefulSets,
                Lister<ReplicationController> replicationControllers) {
    this.replicaSets = replicaSets;
    this.deployments = deployments;
    this.statefulSets = statefulSets;
    this.replicationControllers = replicationControllers;
  }

  Result of(List<Pod> pods) {
    Map<String, Integer> byController = new HashMap<>();
    List<String> unmanaged = new java.util.ArrayList<>();
    for (Pod p : pods) {
      OwnerReference ref = Owners.controllerOf(p.getMetadata());
      if (ref == null) {
        unmanaged.add(p.getMetadata().getName());
        continue;
      }
      if (byController.containsKey(ref.getUid())) {
        continue;
      }
      HasMetadata top = controller(p.getMetadata().getNamespace(), ref);
      if (top == null) {
        return new Result(0, unmanaged, "found no controllers for pod \"" + p.getMetadata().getName() + "\"");
      }
      byController.put(ref.getUid(), replicas(top));
    }
    return new Result(byController.values().stream().mapToInt(Integer::intValue).sum(), unmanaged, null);
  }

  /** The object whose scale counts for a controller reference, or null. */
  private HasMetadata controller(String ns, OwnerReference ref) {
    switch (ref.getKind()) {
      case "ReplicaSet": {
        ReplicaSet rs = uid(replicaSets.get(ns, ref.getName()), ref);
        if (rs == null) {
          return null;
        }
        OwnerReference up = Owners.controllerOf(rs.getMetadata());
        if (up != null && "Deployment".equals(up.getKind())) {
          return uid(deployments.get(ns, up.getName()), up);
        }
        return rs;
      }
      case "Deployment":
        return uid(deployments.get(ns, ref.getName()), ref);
      case "StatefulSet":
        return uid(statefulSets.get(ns, ref.getName()), ref);
      case "ReplicationController":
        return uid(replicationControllers.get(ns, ref.getName()), ref);
      default:
        return null;
    }
  }

  private static <T extends HasMetadata> T uid(T obj, OwnerReference ref) {
    return obj != null && (ref.getUid() == null || ref.getUid().equals(obj.getMetadata().getUid())) ? obj : null;
  }

  private static int replicas(HasMetadata o) {
    Integer r = null;
    if (o instanceof Deployment d) {
      r = d.getSpec().getReplicas();
    } else if (o instanceof ReplicaSet rs) {
      r = rs.getSpec().getReplicas();
    } else if (o instanceof StatefulSet s) {
      r = s.getSpec().getReplicas();
    } else if (o instanceof ReplicationController rc) {
      r = rc.getSpec().getReplicas();
    }
    return r == null ? 1 : r;
  }
}
