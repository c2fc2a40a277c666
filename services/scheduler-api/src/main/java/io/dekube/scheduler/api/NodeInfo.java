package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One node as the scheduler sees it: the node object, the pods on it (bound, and assumed by the
 * scheduler but not yet bound), what they request in total (exact, and with kube's non-zero
 * defaults for scoring), the node's allocatable resources, the host ports in use and the images
 * the node reports. The scheduler's cache keeps it up to date incrementally; plugins get a
 * snapshot per cycle and must only read it (Filter and Score read it from several threads).
 * Preemption works on a {@link #copy()}. Not thread-safe for writes.
 */
public final class NodeInfo {

  private final Node node;
  private final Map<String, PodInfo> pods = new LinkedHashMap<>();
  private final Resource requested = new Resource();
  private final Resource nonZeroRequested = new Resource();
  private final Resource allocatable;
  private final List<HostPort> usedPorts = new ArrayList<>();
  private int podsWithAffinity;
  private int podsWithRequiredAntiAffinity;
  private long generation;

  /** A node without pods. */
  public NodeInfo(Node node) {
    this.node = node;
    this.allocatable = Resource.allocatable(node);
  }

  /** A node with pods (tests and snapshots). */
  public static NodeInfo of(Node node, Pod... pods) {
    NodeInfo n = new NodeInfo(node);
    for (Pod p : pods) {
      n.addPod(p);
    }
    return n;
  }

  /** A copy with the same node and pods, on a new node object when {@code node} is not null. */
  public NodeInfo copy(Node replacement) {
    NodeInfo c = new NodeInfo(replacement == null ? node : replacement);
    pods.values().forEach(c::addPodInfo);
    c.generation = generation;
    return c;
  }

  /** A copy with the same node and pods. */
  public NodeInfo copy() {
    return copy(null);
  }

  /** Adds a pod (replacing one with the same uid). */
  public void addPod(Pod pod) {
    addPodInfo(PodInfo.of(pod));
  }

  /** Adds a pod whose info is computed already. */
  public void addPodInfo(PodInfo info) {
    if (pods.containsKey(info.key())) {
      removePod(info.pod());
    }
    pods.put(info.key(), info);
    requested.add(info.requests());
    nonZeroRequested.add(info.nonZeroRequests());
    usedPorts.addAll(HostPort.of(info.pod()));
    if (info.hasAffinity()) {
      podsWithAffinity++;
    }
    if (info.hasRequiredAntiAffinity()) {
      podsWithRequiredAntiAffinity++;
    }
    generation++;
  }

  /** Removes a pod by its uid; answers whether it was there. */
  public boolean removePod(Pod pod) {
    PodInfo info = pods.remove(PodInfo.key(pod));
    if (info == null) {
      return false;
    }
    requested.subtract(info.requests());
    nonZeroRequested.subtract(info.nonZeroRequests());
    for (HostPort hp : HostPort.of(info.pod())) {
      usedPorts.remove(hp);
    }
    if (info.hasAffinity()) {
      podsWithAffinity--;
    }
    if (info.hasRequiredAntiAffinity()) {
      podsWithRequiredAntiAffinity--;
    }
    generation++;
    return true;
  }

  /** The node object. */
  public Node node() {
    return node;
  }

  /** The node's name. */
  public String name() {
    return node.getMetadata().getName();
  }

  /** The node's labels (never null). */
  public Map<String, String> labels() {
    Map<String, String> l = node.getMetadata().getLabels();
    return l == null ? Map.of() : l;
  }

  /** The pods on the node, bound and assumed. */
  public Collection<PodInfo> pods() {
    return Collections.unmodifiableCollection(pods.values());
  }

  /** Whether a pod (by uid) is on the node. */
  public boolean hasPod(Pod pod) {
    return pods.containsKey(PodInfo.key(pod));
  }

  /** The sum of the pods' requests. */
  public Resource requested() {
    return requested;
  }

  /** The sum of the pods' requests with kube's non-zero defaults (for scoring). */
  public Resource nonZeroRequested() {
    return nonZeroRequested;
  }

  /** The node's allocatable resources. */
  public Resource allocatable() {
    return allocatable;
  }

  /** The host ports in use. */
  public List<HostPort> usedPorts() {
    return Collections.unmodifiableList(usedPorts);
  }

  /** The image names the node reports in {@code status.images}. */
  public Set<String> images() {
    Set<String> out = new HashSet<>();
    if (node.getStatus() != null && node.getStatus().getImages() != null) {
      for (ContainerImage i : node.getStatus().getImages()) {
        if (i.getNames() != null) {
          out.addAll(i.getNames());
        }
      }
    }
    return out;
  }

  /** How many pods on the node have pod affinity or anti-affinity. */
  public int podsWithAffinity() {
    return podsWithAffinity;
  }

  /** How many pods on the node have required anti-affinity. */
  public int podsWithRequiredAntiAffinity() {
    return podsWithRequiredAntiAffinity;
  }

  /** A counter that changes with every change of the node's pods. */
  public long generation() {
    return generation;
  }

  @Override
  public String toString() {
    return "NodeInfo{" + name() + ", pods=" + pods.size() + ", requested=" + requested + "}";
  }
}
