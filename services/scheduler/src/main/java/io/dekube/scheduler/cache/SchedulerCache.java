package io.dekube.scheduler.cache;

import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.PodInfo;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The scheduler's view of the cluster: a {@link NodeInfo} per node with the pods bound to it and
 * the pods the scheduler has assumed there (counted until the informer shows the bind, or
 * {@link #forget} when the bind failed). Changes are incremental; {@link #snapshot()} refreshes the
 * per-cycle copies of only the nodes that changed. Confined to the scheduler's context.
 */
public final class SchedulerCache {

  private final Map<String, NodeInfo> nodes = new LinkedHashMap<>();
  private final Map<String, Map<String, Pod>> podsByNode = new HashMap<>();
  private final Map<String, String> nodeOfPod = new HashMap<>();
  private final Map<String, Pod> assumed = new HashMap<>();
  private final Set<String> dirty = new HashSet<>();
  private final Map<String, NodeInfo> snapshot = new LinkedHashMap<>();
  private List<NodeInfo> snapshotList = List.of();
  private boolean nodeSetChanged = true;

  /** Adds or replaces a node, keeping its pods. */
  public void upsertNode(Node node) {
    String name = node.getMetadata().getName();
    NodeInfo n = new NodeInfo(node);
    podsByNode.getOrDefault(name, Map.of()).values().forEach(n::addPod);
    if (!nodes.containsKey(name)) {
      nodeSetChanged = true;
    }
    nodes.put(name, n);
    dirty.add(name);
  }

  /** The node of this name as last upserted, or null. */
  public Node node(String name) {
    NodeInfo n = nodes.get(name);
    return n == null ? null : n.node();
  }

  /** The bound (or assumed) pod of this key ({@link PodInfo#key}) as the cache counts it, or null. */
  public Pod pod(String key) {
    String node = nodeOfPod.get(key);
    return node == null ? null : podsByNode.getOrDefault(node, Map.of()).get(key);
  }

  /** Removes a node (its pods stay known, in case it comes back). */
  public void removeNode(String name) {
    if (nodes.remove(name) != null) {
      nodeSetChanged = true;
      snapshot.remove(name);
    }
  }

  /** A pod bound to a node was added or changed (confirms an assumed pod). Terminal pods are removed. */
  public void upsertBoundPod(Pod pod) {
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Succeeded".equals(phase) || "Failed".equals(phase)) {
      removePod(pod);
      return;
    }
    String key = PodInfo.key(pod);
    assumed.remove(key);
    String previous = nodeOfPod.get(key);
    String node = pod.getSpec().getNodeName();
    if (previous != null && !previous.equals(node)) {
      removePod(pod);
    }
    place(key, node, pod);
  }

  private void place(String key, String node, Pod pod) {
    nodeOfPod.put(key, node);
    podsByNode.computeIfAbsent(node, k -> new LinkedHashMap<>()).put(key, pod);
    NodeInfo n = nodes.get(node);
    if (n != null) {
      n.addPod(pod);
      dirty.add(node);
    }
  }

  /** A pod was deleted (or is no longer on a node). */
  public void removePod(Pod pod) {
    String key = PodInfo.key(pod);
    assumed.remove(key);
    String node = nodeOfPod.remove(key);
    if (node == null) {
      return;
    }
    Map<String, Pod> on = podsByNode.get(node);
    if (on != null) {
      on.remove(key);
    }
    NodeInfo n = nodes.get(node);
    if (n != null) {
      n.removePod(pod);
      dirty.add(node);
    }
  }

  /** Counts a pod on a node before its bind is stored. */
  public void assume(Pod pod, String node) {
    Pod copy = new io.fabric8.kubernetes.api.model.PodBuilder(pod).editSpec().withNodeName(node).endSpec().build();
    String key = PodInfo.key(pod);
    assumed.put(key, copy);
    place(key, node, copy);
  }

  /**
   * The informer shows the bind of a pod this cache assumed on {@code node}: the assumed copy stays
   * counted as the bound pod. False (nothing changed) when the pod is not assumed there.
   */
  public boolean confirmAssumed(String key, String node) {
    Pod p = assumed.get(key);
    if (p == null || !node.equals(nodeOfPod.get(key))) {
      return false;
    }
    assumed.remove(key);
    return true;
  }

  /** Whether the cache holds the pod of this key ({@link io.dekube.scheduler.api.PodInfo#key}) on a node. */
  public boolean knows(String key) {
    return nodeOfPod.containsKey(key);
  }

  /** Drops an assumed pod whose bind failed; a pod already confirmed bound stays. */
  public void forget(Pod pod) {
    if (assumed.containsKey(PodInfo.key(pod))) {
      removePod(pod);
    }
  }

  /** Whether the pod is assumed and not yet seen bound. */
  public boolean isAssumed(Pod pod) {
    return assumed.containsKey(PodInfo.key(pod));
  }

  /** Whether the cache holds the pod on some node (bound or assumed). */
  public boolean knows(Pod pod) {
    return knows(PodInfo.key(pod));
  }

  /** The node count. */
  public int nodeCount() {
    return nodes.size();
  }

  /**
   * The nodes as of now, as copies the cycle may read from other threads while the cache moves on.
   * Only nodes changed since the last call are copied again.
   */
  public List<NodeInfo> snapshot() {
    for (String name : dirty) {
      NodeInfo live = nodes.get(name);
      if (live != null) {
        snapshot.put(name, live.copy());
      }
    }
    dirty.clear();
    if (nodeSetChanged) {
      snapshot.keySet().retainAll(nodes.keySet());
      nodeSetChanged = false;
      snapshotList = null;
    }
    if (snapshotList == null || snapshotList.size() != snapshot.size()) {
      snapshotList = new ArrayList<>(snapshot.values());
    } else {
      for (int i = 0; i < snapshotList.size(); i++) {
        NodeInfo cur = snapshot.get(snapshotList.get(i).name());
        if (cur != snapshotList.get(i)) {
          snapshotList.set(i, cur);
        }
      }
    }
    return List.copyOf(snapshotList);
  }
}
