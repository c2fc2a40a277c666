package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Pod;

/**
 * kube's {@code QueueingHintFn}: given a pod one plugin rejected and a cluster event's objects, says
 * whether the pod is worth trying again. Called on the scheduler's context; must be quick and do no
 * I/O. An exception counts as {@link QueueingHint#QUEUE}, as kube counts an error.
 */
@FunctionalInterface
public interface QueueingHintFn {

  /**
   * @param pod    the pending pod the plugin rejected
   * @param oldObj the object before the event (null for an add), typed: {@code Node}, {@code Pod}...
   * @param newObj the object after it (null for a delete)
   */
  QueueingHint hint(Pod pod, Object oldObj, Object newObj);
}
