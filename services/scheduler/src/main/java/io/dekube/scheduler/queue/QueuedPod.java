package io.dekube.scheduler.queue;

import io.dekube.scheduler.api.PodInfo;
import io.fabric8.kubernetes.api.model.Pod;

/** A pod waiting to be scheduled, with its attempts and back-off. Confined to the scheduler's context. */
public final class QueuedPod {

  final String key;
  Pod pod;
  final long enqueued;
  /** The order of arrival: pods queued in the same millisecond keep it (kube's clock has nanoseconds). */
  final long arrival;
  int attempts;
  long backoffUntil;
  long unschedulableSince;
  /** The plugins that turned the pod down in its last attempt (empty: unknown, any event helps). */
  java.util.Set<String> unschedulablePlugins = java.util.Set.of();
  /** How many cluster events the queue had seen when the pod was popped. */
  long popEventSeq;
  /** The pod's spec or labels changed while it was being scheduled. */
  boolean updatedInFlight;

  QueuedPod(Pod pod, long now, long arrival) {
    this.key = PodInfo.key(pod);
    this.pod = pod;
    this.enqueued = now;
    this.arrival = arrival;
  }

  /** The latest pod object. */
  public Pod pod() {
    return pod;
  }

  /** How many times the pod was tried. */
  public int attempts() {
    return attempts;
  }

  /** When the pod was first queued (ms), for latency figures. */
  public long enqueued() {
    return enqueued;
  }

  int priority() {
    return pod.getSpec() == null || pod.getSpec().getPriority() == null ? 0 : pod.getSpec().getPriority();
  }
}
