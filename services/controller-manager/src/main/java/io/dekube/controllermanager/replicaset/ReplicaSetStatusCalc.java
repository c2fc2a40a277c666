package io.dekube.controllermanager.replicaset;

import io.dekube.controllermanager.common.Pods;
import io.dekube.controllermanager.common.Times;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** A ReplicaSet's status from its active pods, as kube's {@code calculateStatus}. Pure. */
final class ReplicaSetStatusCalc {

  private ReplicaSetStatusCalc() {
  }

  /**
   * The status: replicas (active owned pods), fullyLabeledReplicas (those whose labels match the
   * template's), readyReplicas, availableReplicas (ready for minReadySeconds), observedGeneration,
   * and a ReplicaFailure condition while {@code failure} is set.
   */
  static ReplicaSetStatus status(ReplicaSet rs, List<Pod> owned, String failure, Instant now) {
    var templateLabels = rs.getSpec().getTemplate() == null || rs.getSpec().getTemplate().getMetadata() == null
        ? null : rs.getSpec().getTemplate().getMetadata().getLabels();
    int min = rs.getSpec().getMinReadySeconds() == null ? 0 : rs.getSpec().getMinReadySeconds();
    int labeled = 0;
    int ready = 0;
    int available = 0;
    for (Pod p : owned) {
      if (templateLabels == null || Pods.labels(p).entrySet().containsAll(templateLabels.entrySet())) {
        labeled++;
      }
      if (Pods.ready(p)) {
        ready++;
        if (Pods.available(p, min, now)) {
          available++;
        }
      }
    }
    ReplicaSetStatus s = new ReplicaSetStatus();
    s.setReplicas(owned.size());
    s.setFullyLabeledReplicas(labeled);
    s.setReadyReplicas(ready);
    s.setAvailableReplicas(available);
    s.setObservedGeneration(rs.getMetadata().getGeneration());
    List<ReplicaSetCondition> conditions = new ArrayList<>();
    boolean failing = false;
    if (rs.getStatus() != null && rs.getStatus().getConditions() != null) {
      for (ReplicaSetCondition c : rs.getStatus().getConditions()) {
        if (!"ReplicaFailure".equals(c.getType())) {
          conditions.add(c);
        } else if (failure != null) {
          conditions.add(c); // kube keeps the condition it has while the failure lasts
          failing = true;
        }
      }
    }
    if (failure != null && !failing) {
      int want = rs.getSpec().getReplicas() == null ? 1 : rs.getSpec().getReplicas();
      conditions.add(new ReplicaSetCondition(Times.format(now), failure,
          owned.size() > want ? "FailedDelete" : "FailedCreate", "True", "ReplicaFailure"));
    }
    s.setConditions(conditions);
    return s;
  }
}
