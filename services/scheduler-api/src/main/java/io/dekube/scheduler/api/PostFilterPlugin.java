package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * PostFilter: runs when no node passed the filters (preemption is one); may make room through the
 * {@link Handle} and nominate a node. Called on the scheduler's thread; may do I/O through the
 * handle and completes its stage when done.
 */
public interface PostFilterPlugin extends Plugin {

  /**
   * @param state        the cycle's state
   * @param pod          the pod that fits nowhere
   * @param nodeStatuses why each node was turned down, by node name
   * @return the nominated node (in a successful result) or an unschedulable status with the reason,
   *     shown after {@code 0/N nodes are available: ...}
   */
  CompletionStage<PostFilterResult> postFilter(CycleState state, Pod pod, Map<String, Status> nodeStatuses);
}
