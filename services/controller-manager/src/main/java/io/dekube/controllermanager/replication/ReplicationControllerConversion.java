package io.dekube.controllermanager.replication;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerCondition;
import io.fabric8.kubernetes.api.model.ReplicationControllerSpec;
import io.fabric8.kubernetes.api.model.ReplicationControllerStatus;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A ReplicationController as the ReplicaSet the ReplicaSet controller manages, and back, as kube's
 * replication manager converts them: the selector map becomes {@code matchLabels}, replicas,
 * minReadySeconds, template and status carry over field by field. The ReplicaSet keeps the
 * controller's kind, apiVersion and metadata (shared, not copied), so the owner references and events
 * made from it name the ReplicationController. Nothing is lost either way. Pure.
 */
final class ReplicationControllerConversion {

  private ReplicationControllerConversion() {
  }

  /** The ReplicaSet view of a ReplicationController; it shares the controller's metadata and template. */
  static ReplicaSet toReplicaSet(ReplicationController rc) {
    ReplicaSet rs = new ReplicaSet();
    rs.setApiVersion(rc.getApiVersion());
    rs.setKind(rc.getKind());
    rs.setMetadata(rc.getMetadata());
    ReplicationControllerSpec in = rc.getSpec() == null ? new ReplicationControllerSpec() : rc.getSpec();
    ReplicaSetSpec spec = new ReplicaSetSpec();
    spec.setReplicas(in.getReplicas());
    spec.setMinReadySeconds(in.getMinReadySeconds());
    spec.setTemplate(in.getTemplate());
    LabelSelector selector = new LabelSelector();
    selector.setMatchLabels(in.getSelector() == null ? new HashMap<>() : new HashMap<>(in.getSelector()));
    spec.setSelector(selector);
    rs.setSpec(spec);
    if (rc.getStatus() != null) {
      rs.setStatus(toReplicaSetStatus(rc.getStatus()));
    }
    return rs;
  }

  /** The ReplicationController a ReplicaSet view shows, with the view's spec and status. */
  static ReplicationController toReplicationController(ReplicaSet rs) {
    ReplicationController rc = new ReplicationController();
    rc.setApiVersion(rs.getApiVersion());
    rc.setKind(rs.getKind());
    rc.setMetadata(rs.getMetadata());
    ReplicationControllerSpec spec = new ReplicationControllerSpec();
    if (rs.getSpec() != null) {
      spec.setReplicas(rs.getSpec().getReplicas());
      spec.setMinReadySeconds(rs.getSpec().getMinReadySeconds());
      spec.setTemplate(rs.getSpec().getTemplate());
      Map<String, String> labels = rs.getSpec().getSelector() == null ? null
          : rs.getSpec().getSelector().getMatchLabels();
      spec.setSelector(labels == null ? new HashMap<>() : new HashMap<>(labels));
    }
    rc.setSpec(spec);
    if (rs.getStatus() != null) {
      rc.setStatus(toReplicationControllerStatus(rs.getStatus()));
    }
    return rc;
  }

  static ReplicaSetStatus toReplicaSetStatus(ReplicationControllerStatus in) {
    ReplicaSetStatus s = new ReplicaSetStatus();
    s.setReplicas(in.getReplicas());
    s.setFullyLabeledReplicas(in.getFullyLabeledReplicas());
    s.setReadyReplicas(in.getReadyReplicas());
    s.setAvailableReplicas(in.getAvailableReplicas());
    s.setObservedGeneration(in.getObservedGeneration());
    List<ReplicaSetCondition> conditions = new ArrayList<>();
    for (ReplicationControllerCondition c : in.getConditions() == null ? List.<ReplicationControllerCondition>of()
        : in.getConditions()) {
      conditions.add(new ReplicaSetCondition(c.getLastTransitionTime(), c.getMessage(), c.getReason(), c.getStatus(),
          c.getType()));
    }
    s.setConditions(conditions);
    return s;
  }

  static ReplicationControllerStatus toReplicationControllerStatus(ReplicaSetStatus in) {
    ReplicationControllerStatus s = new ReplicationControllerStatus();
    s.setReplicas(in.getReplicas());
    s.setFullyLabeledReplicas(in.getFullyLabeledReplicas());
    s.setReadyReplicas(in.getReadyReplicas());
    s.setAvailableReplicas(in.getAvailableReplicas());
    s.setObservedGeneration(in.getObservedGeneration());
    List<ReplicationControllerCondition> conditions = new ArrayList<>();
    for (ReplicaSetCondition c : in.getConditions() == null ? List.<ReplicaSetCondition>of() : in.getConditions()) {
      conditions.add(new ReplicationControllerCondition(c.getLastTransitionTime(), c.getMessage(), c.getReason(),
          c.getStatus(), c.getType()));
    }
    s.setConditions(conditions);
    return s;
  }
}
