package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.TreeMap;

/**
 * An amount of node resources: cpu in millicores, memory and ephemeral storage in bytes, a pod
 * count and any other ("scalar") resource such as {@code nvidia.com/gpu} in its own units.
 * Mutable and not thread-safe: the scheduler's cache changes it as pods come and go and hands
 * plugins copies.
 */
public final class Resource {

  /** The cpu a container without a cpu request counts as, for scoring only (kube's 100m). */
  public static final long DEFAULT_MILLI_CPU_REQUEST = 100;
  /** The memory a container without a memory request counts as, for scoring only (kube's 200Mi). */
  public static final long DEFAULT_MEMORY_REQUEST = 200L * 1024 * 1024;

  public static final String CPU = "cpu";
  public static final String MEMORY = "memory";
  public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  public static final String PODS = "pods";

  private long milliCpu;
  private long memory;
  private long ephemeralStorage;
  private long pods;
  private final Map<String, Long> scalar = new TreeMap<>();

  /** An empty amount. */
  public Resource() {
  }

  /** An amount from a resource list ({@code requests}, {@code allocatable}); null means empty. */
  public static Resource of(Map<String, Quantity> list) {
    Resource r = new Resource();
    if (list != null) {
      list.forEach((k, v) -> r.set(k, v));
    }
    return r;
  }

  /** The node's allocatable resources (its capacity when allocatable is not reported). */
  public static Resource allocatable(Node node) {
    if (node.getStatus() == null) {
      return new Resource();
    }
    Map<String, Quantity> a = node.getStatus().getAllocatable();
    return of(a == null || a.isEmpty() ? node.getStatus().getCapacity() : a);
  }

  private void set(String name, Quantity q) {
    if (q == null) {
      return;
    }
    BigDecimal amount = q.getNumericalAmount();
    switch (name) {
      case CPU -> milliCpu = amount.multiply(BigDecimal.valueOf(1000)).setScale(0, RoundingMode.CEILING).longValue();
      case MEMORY -> memory = amount.setScale(0, RoundingMode.CEILING).longValue();
      case EPHEMERAL_STORAGE -> ephemeralStorage = amount.setScale(0, RoundingMode.CEILING).longValue();
      case PODS -> pods = amount.longValue();
      default -> scalar.put(name, amount.setScale(0, RoundingMode.CEILING).longValue());
    }
  }

  /**
   * What a pod requests, as Kubernetes counts it: the sum of its containers' requests (a container
   * with limits and no requests requests its limits), at least the largest init container (plus the
   * sidecars started before it), sidecar init containers ({@code restartPolicy: Always}) added to the
   * sum, plus the pod's overhead.
   */
  public static Resource podRequests(Pod pod) {
    return podRequests(pod, false);
  }

  /**
   * As {@link #podRequests(Pod)}, but a container without a cpu or memory request counts as
   * {@link #DEFAULT_MILLI_CPU_REQUEST} / {@link #DEFAULT_MEMORY_REQUEST} (what kube's scorers use).
   */
  public static Resource podRequestsNonZero(Pod pod) {
    return podRequests(pod, true);
  }

  private static Resource podRequests(Pod pod, boolean nonZero) {
    Resource sum = new Resource();
    PodSpec spec = pod.getSpec();
    if (spec == null) {
      return sum;
    }
    if (spec.getContainers() != null) {
      for (Container c : spec.getContainers()) {
        sum.add(container(c, nonZero));
      }
    }
    Resource sidecars = new Resource();
    Resource initMax = new Resource();
    if (spec.getInitContainers() != null) {
      for (Container c : spec.getInitContainers()) {
        Resource r = container(c, nonZero);
        if ("Always".equals(c.getRestartPolicy())) {
          sidecars.add(r);
          initMax.setMax(sidecars);
        } else {
          Resource t = r.copy();
          t.add(sidecars);
          initMax.setMax(t);
        }
      }
    }
    sum.add(sidecars);
    sum.setMax(initMax);
    if (spec.getOverhead() != null) {
      sum.add(of(spec.getOverhead()));
    }
    return sum;
  }

  private static Resource container(Container c, boolean nonZero) {
    ResourceRequirements rr = c.getResources();
    Map<String, Quantity> req = rr == null ? null : rr.getRequests();
    Map<String, Quantity> lim = rr == null ? null : rr.getLimits();
    Resource r = new Resource();
    if (lim != null) {
      lim.forEach((k, v) -> {
        if (req == null || !req.containsKey(k)) {
          r.set(k, v);
        }
      });
    }
    if (req != null) {
      req.forEach(r::set);
    }
    if (nonZero) {
      if (!has(req, lim, CPU)) {
        r.milliCpu = DEFAULT_MILLI_CPU_REQUEST;
      }
      if (!has(req, lim, MEMORY)) {
        r.memory = DEFAULT_MEMORY_REQUEST;
      }
    }
    return r;
  }

  private static boolean has(Map<String, Quantity> req, Map<String, Quantity> lim, String name) {
    return (req != null && req.containsKey(name)) || (lim != null && lim.containsKey(name));
  }

  /** Adds another amount to this one. */
  public void add(Resource o) {
    milliCpu += o.milliCpu;
    memory += o.memory;
    ephemeralStorage += o.ephemeralStorage;
    pods += o.pods;
    o.scalar.forEach((k, v) -> scalar.merge(k, v, Long::sum));
  }

  /** Subtracts another amount from this one. */
  public void subtract(Resource o) {
    milliCpu -= o.milliCpu;
    memory -= o.memory;
    ephemeralStorage -= o.ephemeralStorage;
    pods -= o.pods;
    o.scalar.forEach((k, v) -> scalar.merge(k, -v, Long::sum));
  }

  /** Raises each resource of this amount to the other's where the other is larger. */
  public void setMax(Resource o) {
    milliCpu = Math.max(milliCpu, o.milliCpu);
    memory = Math.max(memory, o.memory);
    ephemeralStorage = Math.max(ephemeralStorage, o.ephemeralStorage);
    pods = Math.max(pods, o.pods);
    o.scalar.forEach((k, v) -> scalar.merge(k, v, Math::max));
  }

  /** A copy. */
  public Resource copy() {
    Resource r = new Resource();
    r.add(this);
    return r;
  }

  /** The amount of one resource by its Kubernetes name (cpu in millicores). */
  public long get(String name) {
    return switch (name) {
      case CPU -> milliCpu;
      case MEMORY -> memory;
      case EPHEMERAL_STORAGE -> ephemeralStorage;
      case PODS -> pods;
      default -> scalar.getOrDefault(name, 0L);
    };
  }

  public long milliCpu() {
    return milliCpu;
  }

  public long memory() {
    return memory;
  }

  public long ephemeralStorage() {
    return ephemeralStorage;
  }

  /** The pod count (for allocatable: how many pods the node takes). */
  public long pods() {
    return pods;
  }

  /** The other resources by name (read-only view). */
  public Map<String, Long> scalar() {
    return java.util.Collections.unmodifiableMap(scalar);
  }

  /** Whether every resource is zero. */
  public boolean isZero() {
    return milliCpu == 0 && memory == 0 && ephemeralStorage == 0 && scalar.values().stream().allMatch(v -> v == 0);
  }

  @Override
  public String toString() {
    return "{cpu=" + milliCpu + "m, memory=" + memory + ", ephemeral-storage=" + ephemeralStorage + ", pods=" + pods
        + (scalar.isEmpty() ? "" : ", " + scalar) + "}";
  }
}
