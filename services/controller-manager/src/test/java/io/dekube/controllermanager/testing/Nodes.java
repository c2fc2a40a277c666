package io.dekube.controllermanager.testing;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.Taint;
import java.time.Instant;
import java.util.List;

/** Test Nodes and their Leases, as the kubelet writes them. */
public final class Nodes {

  private Nodes() {
  }

  /** A node created at {@code created}, Ready (or not) with the kubelet's heartbeat at {@code heartbeat}. */
  public static NodeBuilder node(String name, String ready, String created, String heartbeat, Taint... taints) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).withUid("uid-" + name)
        .withCreationTimestamp(created).endMetadata()
        .withNewSpec().endSpec()
        .withNewStatus().withConditions(
            condition("MemoryPressure", "False", heartbeat), condition("DiskPressure", "False", heartbeat),
            condition("PIDPressure", "False", heartbeat), condition("Ready", ready, heartbeat))
        .endStatus();
    if (taints.length > 0) {
      b.editSpec().withTaints(List.of(taints)).endSpec();
    }
    return b;
  }

  private static io.fabric8.kubernetes.api.model.NodeCondition condition(String type, String status, String heartbeat) {
    return new NodeConditionBuilder().withType(type).withStatus(status).withLastHeartbeatTime(heartbeat)
        .withLastTransitionTime(heartbeat).withReason("Kubelet").withMessage("kubelet says so").build();
  }

  /** The node's Lease in kube-node-lease, renewed at {@code renewTime} (a MicroTime, as the kubelet writes it). */
  public static ObjectNode lease(String node, Instant renewTime) {
    ObjectNode lease = Json.object().put("apiVersion", "coordination.k8s.io/v1").put("kind", "Lease");
    lease.putObject("metadata").put("name", node).put("namespace", "kube-node-lease");
    lease.putObject("spec").put("holderIdentity", node).put("leaseDurationSeconds", 40)
        .put("renewTime", java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
            .withZone(java.time.ZoneOffset.UTC).format(renewTime));
    return lease;
  }
}
