package io.dekube.scheduler.testing;

import io.dekube.scheduler.api.NodeInfo;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import java.util.ArrayList;
import java.util.HashMap;

/** A fluent node builder for plugin tests, as kube's {@code st.MakeNode()}. */
public final class MakeNode {

  private final Node node = new Node();

  private MakeNode(String name) {
    node.setMetadata(new ObjectMeta());
    node.getMetadata().setName(name);
    node.getMetadata().setLabels(new HashMap<>());
    node.getMetadata().getLabels().put("kubernetes.io/hostname", name);
    node.setSpec(new NodeSpec());
    node.setStatus(new NodeStatus());
    node.getStatus().setAllocatable(new HashMap<>());
    capacity("pods", "110");
  }

  public static MakeNode node(String name) {
    return new MakeNode(name);
  }

  /** Allocatable resources, e.g. {@code capacity("cpu", "4", "memory", "8Gi")}. */
  public MakeNode capacity(String... kv) {
    for (int i = 0; i < kv.length; i += 2) {
      node.getStatus().getAllocatable().put(kv[i], new Quantity(kv[i + 1]));
    }
    return this;
  }

  public MakeNode label(String k, String v) {
    node.getMetadata().getLabels().put(k, v);
    return this;
  }

  public MakeNode taint(String key, String value, String effect) {
    if (node.getSpec().getTaints() == null) {
      node.getSpec().setTaints(new ArrayList<>());
    }
    node.getSpec().getTaints().add(new Taint(effect, key, null, value));
    return this;
  }

  public MakeNode unschedulable() {
    node.getSpec().setUnschedulable(true);
    return this;
  }

  public Node obj() {
    return node;
  }

  /** The node with pods on it, as the scheduler's cache holds it. */
  public NodeInfo info(Pod... pods) {
    return NodeInfo.of(node, pods);
  }
}
