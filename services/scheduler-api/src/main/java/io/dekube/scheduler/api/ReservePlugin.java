package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * Reserve: the pod has been assumed on a node; a plugin with state of its own (a volume, a device)
 * reserves it now, and releases it in {@link #unreserve} when a later step fails. Both run on the
 * scheduler's thread, no I/O; {@code unreserve} must be idempotent.
 */
public interface ReservePlugin extends Plugin {

  Status reserve(CycleState state, Pod pod, String nodeName);

  void unreserve(CycleState state, Pod pod, String nodeName);
}
