package io.dekube.kubelet.runtime;

/**
 * What a container (or node) used, as the kubelet's {@code /metrics/resource} reports it: cumulative
 * CPU time and the memory working set now. A figure the runtime cannot measure is 0 (see README,
 * "Resource metrics"). Immutable.
 *
 * @param cpuNanos        CPU time used since the start, in nanoseconds (never decreases)
 * @param workingSetBytes memory in use now (resident set for processes)
 */
public record ResourceUsage(long cpuNanos, long workingSetBytes) {

  /** Nothing measured. */
  public static final ResourceUsage NONE = new ResourceUsage(0, 0);

  /** The sum of two usages. */
  public ResourceUsage plus(ResourceUsage other) {
    return new ResourceUsage(cpuNanos + other.cpuNanos, workingSetBytes + other.workingSetBytes);
  }
}
