package io.dekube.controllermanager.podautoscaler;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * kube's replica calculator for resource metrics ({@code GetResourceReplicas},
 * {@code GetRawResourceReplicas}): the usage ratio of the pods with a sample to the target, then
 * {@code ceil(ratio × pods)} unless it is within the tolerance (10 % by default). Pods being deleted or failed
 * are ignored; pending ones, and for CPU pods not yet ready or still starting (5 min of
 * initialisation, whose sample predates their readiness), count as unready; pods without a sample
 * are missing. To scale down, missing pods are assumed at their request (or the target value); to
 * scale up, missing and unready pods are assumed idle — and when that assumption flips the
 * direction, the count stays. Pure apart from its settings.
 */
final class ReplicaCalculator {

  private final double tolerance;
  private final Duration cpuInitializationPeriod;
  private final Duration initialReadinessDelay;

  /** A computed count, with the current utilization (percent of requests; -1 for value targets) and average. */
  record Result(int replicas, int utilization, long averageMilli) {
  }

  /** Why no count could be computed, in kube's words. */
  static final class CalculationException extends Exception {
    CalculationException(String message) {
      super(message);
    }
  }

  /** A calculator with the controller's tolerance, CPU initialisation period and initial readiness delay. */
  ReplicaCalculator(HpaOptions options) {
    this.tolerance = options.tolerance();
    this.cpuInitializationPeriod = options.cpuInitializationPeriod();
    this.initialReadinessDelay = options.initialReadinessDelay();
  }

  /** For a target utilization (percent of the pods' requests of {@code resource}). */
  Result utilization(int current, int targetPercent, Map<String, PodSample> samples, List<Pod> pods,
                            String resource, String container, Instant now) throws CalculationException {
    Groups g = groups(samples, pods, resource, now);
    Map<String, Long> metrics = g.ready();
    Map<String, Long> requests = requests(pods, resource, container);
    long[] ratio = utilizationOf(metrics, requests);
    double usageRatio = (double) ratio[0] / targetPercent;
    // scaling down, a missing pod counts at its request, or at the target when that is above 100 %
    long fallbackPercent = Math.max(100, targetPercent);
    int replicas = replicas(current, usageRatio, metrics, g, pod -> requests.get(pod) * fallbackPercent / 100, m -> {
      long[] u = utilizationOf(m, requests);
      return (double) u[0] / targetPercent;
    });
    return new Result(replicas, (int) ratio[0], ratio[1]);
  }

  /** For a target average value (milli-units per pod) of {@code resource}. */
  Result averageValue(int current, long targetMilli, Map<String, PodSample> samples, List<Pod> pods,
                             String resource, Instant now) throws CalculationException {
    Groups g = groups(samples, pods, resource, now);
    Map<String, Long> metrics = g.ready();
    long average = average(metrics);
    double usageRatio = (double) average / targetMilli;
    int replicas = replicas(current, usageRatio, metrics, g, pod -> targetMilli,
        m -> (double) average(m) / targetMilli);
    return new Result(replicas, -1, average);
  }

  /**
   * kube's {@code getUsageRatioReplicaCount}, for an object's value or an external metric's sum against a
   * target value: within the tolerance nothing changes, else {@code ceil(ratio × ready pods)} (running
   * and Ready); from zero replicas, {@code ceil(ratio)} whatever the tolerance.
   */
  Result usageRatio(int current, long usageMilli, long targetMilli, List<Pod> pods) throws CalculationException {
    double ratio = (double) usageMilli / targetMilli;
    if (current == 0) {
      return new Result((int) Math.ceil(ratio), -1, usageMilli);
    }
    if (Math.abs(1.0 - ratio) <= tolerance) {
      return new Result(current, -1, usageMilli);
    }
    if (pods.isEmpty()) {
      throw new CalculationException("unable to calculate ready pods: no pods returned by selector while "
          + "calculating replica count");
    }
    long ready = pods.stream().filter(p -> p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
        && p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()))).count();
    return new Result((int) Math.ceil(ratio * ready), -1, usageMilli);
  }

  /**
   * kube's {@code GetObjectPerPodMetricReplicas} / {@code GetExternalPerPodMetricReplicas}: a total against
   * a target per pod of the target's {@code status.replicas}; the average reported is the total over them.
   */
  Result perPod(int statusReplicas, long usageMilli, long targetPerPodMilli) {
    int replicas = statusReplicas;
    double ratio = (double) usageMilli / ((double) targetPerPodMilli * statusReplicas);
    if (Math.abs(1.0 - ratio) > tolerance) {
      replicas = (int) Math.ceil((double) usageMilli / targetPerPodMilli);
    }
    // kube divides by zero replicas here (a Scale whose status says none yet); the total stands for the average
    long average = statusReplicas == 0 ? usageMilli : (long) Math.ceil((double) usageMilli / statusReplicas);
    return new Result(replicas, -1, average);
  }

  /** The usage ratio of a set of pod samples. */
  private interface Ratio {
    double of(Map<String, Long> metrics) throws CalculationException;
  }

  /** The selected pods by kube's groups: the samples of the ready ones, the unready and the missing. */
  private record Groups(Map<String, Long> ready, Set<String> unready, Set<String> missing) {
  }

  /**
   * The count from the first ratio, or — with missing or (scaling up) unready pods — from the ratio
   * with those assumed at {@code assumedFull} when scaling down and idle when scaling up.
   */
  private int replicas(int current, double usageRatio, Map<String, Long> metrics, Groups g,
                              java.util.function.Function<String, Long> assumedFull,
                              Ratio ratioOf) throws CalculationException {
    boolean scaleUpWithUnready = !g.unready().isEmpty() && usageRatio > 1.0;
    if (!scaleUpWithUnready && g.missing().isEmpty()) {
      if (Math.abs(1.0 - usageRatio) <= tolerance) {
        return current;
      }
      return (int) Math.ceil(usageRatio * metrics.size());
    }
    Map<String, Long> assumed = new HashMap<>(metrics);
    for (String pod : g.missing()) {
      assumed.put(pod, usageRatio < 1.0 ? assumedFull.apply(pod) : 0L);
    }
    if (scaleUpWithUnready) {
      g.unready().forEach(pod -> assumed.put(pod, 0L));
    }
    double newRatio = ratioOf.of(assumed);
    if (Math.abs(1.0 - newRatio) <= tolerance || (usageRatio < 1.0 && newRatio > 1.0)
        || (usageRatio > 1.0 && newRatio < 1.0)) {
      return current;
    }
    int next = (int) Math.ceil(newRatio * assumed.size());
    if ((newRatio < 1.0 && next > current) || (newRatio > 1.0 && next < current)) {
      return current;
    }
    return next;
  }

  /**
   * Sorts the selected pods as kube's {@code groupPods}; pods being deleted or failed are left out.
   * Fails when there are no pods or no ready pod with a sample.
   */
  private Groups groups(Map<String, PodSample> samples, List<Pod> pods, String resource, Instant now)
      throws CalculationException {
    if (pods.isEmpty()) {
      throw new CalculationException("no pods returned by selector while calculating replica count");
    }
    Map<String, Long> ready = new HashMap<>();
    Set<String> unready = new HashSet<>();
    Set<String> missing = new HashSet<>();
    for (Pod p : pods) {
      String phase = p.getStatus() == null ? null : p.getStatus().getPhase();
      if (p.getMetadata().getDeletionTimestamp() != null || "Failed".equals(phase)) {
        continue;
      }
      if ("Pending".equals(phase)) {
        unready.add(name(p));
        continue;
      }
      PodSample sample = samples.get(name(p));
      if (sample == null) {
        missing.add(name(p));
        continue;
      }
      if ("cpu".equals(resource) && cpuUnready(p, sample, now)) {
        unready.add(name(p));
      } else {
        ready.put(name(p), sample.milliValue());
      }
    }
    if (ready.isEmpty()) {
      throw new CalculationException("did not receive metrics for targeted pods (pods might be unready)");
    }
    return new Groups(ready, unready, missing);
  }

  private boolean cpuUnready(Pod p, PodSample sample, Instant now) {
    PodCondition ready = p.getStatus().getConditions() == null ? null : p.getStatus().getConditions().stream()
        .filter(c -> "Ready".equals(c.getType())).findFirst().orElse(null);
    String started = p.getStatus().getStartTime();
    if (ready == null || started == null || ready.getLastTransitionTime() == null) {
      return true;
    }
    Instant start = Instant.parse(started);
    Instant transition = Instant.parse(ready.getLastTransitionTime());
    if (start.plus(cpuInitializationPeriod).isAfter(now)) {
      return "False".equals(ready.getStatus()) || sample.timestamp().isBefore(transition.plus(sample.window()));
    }
    return "False".equals(ready.getStatus()) && start.plus(initialReadinessDelay).isAfter(transition);
  }

  /**
   * Each pod's request of {@code resource} (milli-units): summed over its containers and sidecars
   * (restartable init containers), or that of {@code container} alone (0 in a pod without it); fails
   * naming a container without one.
   */
  static Map<String, Long> requests(List<Pod> pods, String resource, String container) throws CalculationException {
    Map<String, Long> out = new HashMap<>();
    for (Pod p : pods) {
      long sum = 0;
      List<Container> all = new java.util.ArrayList<>(p.getSpec().getContainers());
      if (p.getSpec().getInitContainers() != null) {
        p.getSpec().getInitContainers().stream().filter(c -> "Always".equals(c.getRestartPolicy())).forEach(all::add);
      }
      for (Container c : all) {
        if (container != null && !container.equals(c.getName())) {
          continue;
        }
        Quantity q = c.getResources() == null || c.getResources().getRequests() == null ? null
            : c.getResources().getRequests().get(resource);
        if (q == null) {
          throw new CalculationException("missing request for " + resource + " in container " + c.getName()
              + " of Pod " + name(p));
        }
        sum += milli(q);
      }
      out.put(name(p), sum);
    }
    return out;
  }

  /** {utilization percent, average milli-usage} over the pods of {@code metrics}. */
  private static long[] utilizationOf(Map<String, Long> metrics, Map<String, Long> requests)
      throws CalculationException {
    long usage = 0;
    long requested = 0;
    for (Map.Entry<String, Long> e : metrics.entrySet()) {
      Long r = requests.get(e.getKey());
      if (r != null) {
        usage += e.getValue();
        requested += r;
      }
    }
    if (requested == 0) {
      throw new CalculationException("no metrics returned matched known pods");
    }
    long utilization = (usage * 100) / requested;
    return new long[] {utilization, metrics.isEmpty() ? 0 : usage / metrics.size()};
  }

  private static long average(Map<String, Long> metrics) {
    return metrics.isEmpty() ? 0 : metrics.values().stream().mapToLong(Long::longValue).sum() / metrics.size();
  }

  /** A quantity in milli-units, as kube's {@code MilliValue}. */
  static long milli(Quantity q) {
    return Quantity.getAmountInBytes(q).multiply(BigDecimal.valueOf(1000)).setScale(0, java.math.RoundingMode.CEILING)
        .longValueExact();
  }

  private static String name(Pod p) {
    return p.getMetadata().getName();
  }
}
