package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Filter: may the pod run on this node? Called for many nodes in parallel on worker threads, so it
 * must be thread-safe and do no I/O. Answers {@link Status#success()} or why not:
 * {@link Status#unschedulable} when preemption could help, {@link Status#unresolvable} when not.
 * The reasons are counted in the {@code FailedScheduling} event, so word them as Kubernetes does
 * ({@code "Insufficient cpu"}).
 */
public interface FilterPlugin extends Plugin {

  Status filter(CycleState state, Pod pod, NodeInfo node);
}
