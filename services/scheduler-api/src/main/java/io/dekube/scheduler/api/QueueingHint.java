package io.dekube.scheduler.api;

/** kube's {@code framework.QueueingHint}: whether a cluster event may make a rejected pod schedulable. */
public enum QueueingHint {
  /** The event may help: retry the pod (after its back-off). */
  QUEUE,
  /** The event cannot help: the pod stays unschedulable. */
  QUEUE_SKIP
}
