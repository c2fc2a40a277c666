package io.dekube.kubelet.eviction;

import java.util.List;

/**
 * What one pod's running containers use, as the eviction manager ranks and describes it (kube's {@code PodStats}):
 * each container's memory working set and its disk (writable layer and logs). Immutable.
 */
public record PodUsage(List<Container> containers) {

  /** One running container's use. */
  public record Container(String name, long workingSetBytes, long diskBytes) {
  }

  long memory() {
    return containers.stream().mapToLong(Container::workingSetBytes).sum();
  }

  long disk() {
    return containers.stream().mapToLong(Container::diskBytes).sum();
  }
}
