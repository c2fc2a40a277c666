package io.dekube.scheduler.plugins;

import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;

/** One row of a filter table: a pod, a node with its pods, the expected status. */
public record FilterCase(String name, Pod pod, NodeInfo node, Status want) {

  @Override
  public String toString() {
    return name;
  }
}
