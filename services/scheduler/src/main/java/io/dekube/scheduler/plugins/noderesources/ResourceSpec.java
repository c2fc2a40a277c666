package io.dekube.scheduler.plugins.noderesources;

import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PodInfo;
import io.dekube.scheduler.api.Resource;
import io.dekube.scheduler.plugins.helper.Args;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A resource a scorer weighs, and its weight ({@code resources: [{name: cpu, weight: 1}]}). */
record ResourceSpec(String name, long weight) {

  static final List<ResourceSpec> DEFAULT = List.of(new ResourceSpec(Resource.CPU, 1),
      new ResourceSpec(Resource.MEMORY, 1));

  static List<ResourceSpec> parse(Map<String, Object> args, String key) {
    List<Map<String, Object>> raw = Args.list(args, key);
    if (raw.isEmpty()) {
      return DEFAULT;
    }
    List<ResourceSpec> out = new ArrayList<>();
    for (Map<String, Object> r : raw) {
      String name = Args.string(r, "name", "");
      long weight = Args.number(r, "weight", 1);
      if (name.isEmpty() || weight < 1 || weight > 100) {
        throw new IllegalArgumentException(key + ": each resource needs a name and a weight in 1..100, not " + r);
      }
      out.add(new ResourceSpec(name, weight));
    }
    return out;
  }

  /**
   * What the node would have requested of this resource with the pod on it: cpu and memory with
   * kube's non-zero defaults when {@code nonZero}, other resources as requested.
   */
  long requestedWith(NodeInfo node, PodInfo pod, boolean nonZero) {
    boolean defaults = nonZero && (name.equals(Resource.CPU) || name.equals(Resource.MEMORY));
    Resource onNode = defaults ? node.nonZeroRequested() : node.requested();
    Resource ofPod = defaults ? pod.nonZeroRequests() : pod.requests();
    return onNode.get(name) + ofPod.get(name);
  }
}
