package io.dekube.scheduler.testing;

import io.dekube.scheduler.api.CycleState;
import io.dekube.scheduler.api.Handle;
import io.dekube.scheduler.api.NodeInfo;
import io.dekube.scheduler.api.Status;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** A framework handle that has no nodes and whose writes do nothing; tests override what their plugin uses. */
public class NoHandle implements Handle {

  @Override
  public String schedulerName() {
    return "default-scheduler";
  }

  @Override
  public List<NodeInfo> nodes() {
    return List.of();
  }

  @Override
  public Map<String, String> namespaceLabels(String namespace) {
    return Map.of();
  }

  @Override
  public Status runPreFilters(CycleState state, Pod pod, List<NodeInfo> nodes) {
    return Status.success();
  }

  @Override
  public Status runFilters(CycleState state, Pod pod, NodeInfo node) {
    return Status.success();
  }

  @Override
  public CompletionStage<Void> deletePod(Pod victim, String reason) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> nominate(Pod pod, String nodeName) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public CompletionStage<Void> bind(Pod pod, String nodeName) {
    return CompletableFuture.completedFuture(null);
  }

  @Override
  public void event(Pod pod, String type, String reason, String message) {
  }

  @Override
  public void allow(Pod pod, String pluginName) {
  }

  @Override
  public void reject(Pod pod, String pluginName, String message) {
  }
}
