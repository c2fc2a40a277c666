package io.dekube.scheduler.api;

/** The outcome of a plugin call, as Kubernetes' framework codes it. */
public enum Code {
  /** The plugin ran and the pod may go on (the node fits, the pod is reserved, ...). */
  SUCCESS,
  /** An internal error: the cycle fails and the pod is retried with back-off. */
  ERROR,
  /** The pod does not fit now; preemption may help. */
  UNSCHEDULABLE,
  /** The pod does not fit and preemption cannot change that (a node selector, a taint...). */
  UNSCHEDULABLE_AND_UNRESOLVABLE,
  /** Permit: hold the pod until allowed, rejected or timed out. */
  WAIT,
  /** The plugin has nothing to say for this pod: its later points are skipped (PreFilter, PreScore, Bind). */
  SKIP
}
