package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod with what the scheduler computes about it once: its requests (exact and with kube's
 * non-zero defaults for scoring) and whether it has pod (anti-)affinity. Immutable.
 *
 * @param pod             the pod (read-only)
 * @param requests        what it requests ({@link Resource#podRequests})
 * @param nonZeroRequests the same with defaults for cpu and memory ({@link Resource#podRequestsNonZero})
 */
public record PodInfo(Pod pod, Resource requests, Resource nonZeroRequests) {

  /** Computes a pod's info. */
  public static PodInfo of(Pod pod) {
    return new PodInfo(pod, Resource.podRequests(pod), Resource.podRequestsNonZero(pod));
  }

  /** The pod's uid, or namespace/name when it has none (tests). */
  public String key() {
    return key(pod);
  }

  /** A pod's uid, or namespace/name when it has none (tests). */
  public static String key(Pod pod) {
    String uid = pod.getMetadata().getUid();
    return uid != null && !uid.isEmpty() ? uid : pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  /** Whether the pod has pod affinity or anti-affinity terms. */
  public boolean hasAffinity() {
    Affinity a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    return a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null);
  }

  /** Whether the pod has required anti-affinity terms. */
  public boolean hasRequiredAntiAffinity() {
    Affinity a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    return a != null && a.getPodAntiAffinity() != null
        && a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null
        && !a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty();
  }
}
