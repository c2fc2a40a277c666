package io.dekube.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Toleration;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A node's eviction manager, as kube 1.32's ({@code pkg/kubelet/eviction}): every housekeeping interval (10 s) it
 * measures the signals ({@link Sampler}, off the event loop), works out the met thresholds and the node's pressure
 * conditions ({@link EvictionState}), and when a threshold acts, records {@code EvictionThresholdMet} on the node,
 * ranks the active pods ({@link EvictionRanking}) and evicts the first one that is not critical — one pod per
 * housekeeping, then it waits (up to 30 s) for that pod's containers to stop and looks again at once. Its {@link
 * #admit} refuses new pods under pressure as kube's eviction admit handler. Confined to the kubelet's context; the
 * clock is given so tests can drive it.
 */
public final class EvictionManager {

  private static final Logger LOG = LoggerFactory.getLogger(EvictionManager.class);
  /** kube's {@code housekeeping-interval}: how often the signals are looked at. */
  public static final Duration HOUSEKEEPING = Duration.ofSeconds(10);
  /** kube's {@code podCleanupTimeout}: how long an eviction is waited for before the next look. */
  static final Duration CLEANUP_TIMEOUT = Duration.ofSeconds(30);
  /**
   * kube's {@code immediateEvictionGracePeriodSeconds}: the grace period of a hard eviction. Kube's docs say 0s; since
   * kube 1.31 the kubelet passes 1, as a 0 override would give the pod its own grace period.
   */
  static final long IMMEDIATE_GRACE_SECONDS = 1;

  /** A pod the manager may evict: the kubelet's pod worker. */
  public interface Candidate {
    String uid();

    Pod pod();

    /** kube's {@code IsCriticalPod}: static, mirror, or of a priority of at least 2000000000. */
    boolean critical();

    /** Its running containers, captured now (on the kubelet's context), to be measured on a worker. */
    NodeSignals.Containers containers();

    /**
     * Evicts the pod: an {@code Evicted} Event with {@code message}, its containers killed within {@code graceSeconds},
     * then its status Failed, reason Evicted, the message and a DisruptionTarget condition. Completes once its
     * containers stopped.
     */
    Future<Void> evict(String message, long graceSeconds);
  }

  /** Measures the signals and the pods' usage; completes on the caller's context. */
  public interface Sampler {
    Future<NodeSignals.Sample> sample(List<NodeSignals.Containers> pods, boolean disk, Instant now);
  }

  private final Vertx vertx;
  private final EvictionConfig config;
  private final Supplier<List<Candidate>> pods;
  private final Sampler sampler;
  private final Clock clock;
  private final BiConsumer<String, String> nodeWarning;
  private final Runnable conditionsChanged;
  private final EvictionState state = new EvictionState();
  private long timer = -1;
  private boolean stopped;

  /**
   * @param pods              the node's active pods (kube's {@code GetActivePods})
   * @param nodeWarning       records a Warning Event on the Node (reason, message)
   * @param conditionsChanged called when the pressure conditions change (the node's status is posted)
   */
  public EvictionManager(Vertx vertx, EvictionConfig config, Supplier<List<Candidate>> pods, Sampler sampler,
                         Clock clock, BiConsumer<String, String> nodeWarning, Runnable conditionsChanged) {
    this.vertx = vertx;
    this.config = config;
    this.pods = pods;
    this.sampler = sampler;
    this.clock = clock;
    this.nodeWarning = nodeWarning;
    this.conditionsChanged = conditionsChanged;
  }

  /** Starts the housekeeping timer. */
  public void start() {
    schedule(HOUSEKEEPING);
  }

  public void stop() {
    stopped = true;
    vertx.cancelTimer(timer);
  }

  /** The node's pressure conditions that are True now ({@code MemoryPressure}, {@code DiskPressure}, {@code PIDPressure}). */
  public List<String> conditions() {
    return state.conditions();
  }

  private void schedule(Duration delay) {
    if (!stopped) {
      timer = vertx.setTimer(Math.max(1, delay.toMillis()), t -> housekeeping());
    }
  }

  private void housekeeping() {
    if (stopped) {
      return;
    }
    synchronize().onComplete(ar -> {
      if (ar.failed()) {
        LOG.warn("Eviction manager: failed to synchronize: {}", ar.cause().toString());
        schedule(HOUSEKEEPING);
      } else if (ar.result() == null) {
        schedule(HOUSEKEEPING);
      } else {
        // kube's waitForPodsCleanup, then the next synchronize at once
        Promise<Void> cleaned = Promise.promise();
        long timeout = vertx.setTimer(CLEANUP_TIMEOUT.toMillis(), t -> {
          LOG.info("Eviction manager: timed out waiting for pods to be cleaned up pods=[{}]", name(ar.result().pod()));
          cleaned.tryComplete();
        });
        evicting.onComplete(x -> cleaned.tryComplete());
        cleaned.future().onComplete(x -> {
          vertx.cancelTimer(timeout);
          schedule(Duration.ZERO);
        });
      }
    });
  }

  private Future<Void> evicting = Future.succeededFuture();

  /** One housekeeping (kube's {@code synchronize}): the evicted pod, or null when none was. */
  public Future<Candidate> synchronize() {
    if (config.thresholds().isEmpty()) {
      return Future.succeededFuture();
    }
    List<Candidate> active = pods.get();
    List<NodeSignals.Containers> measured = active.stream().map(Candidate::containers).toList();
    Instant now = clock.instant();
    return sampler.sample(measured, false, now).compose(sample -> {
      List<String> before = state.conditions();
      EvictionState.Decision d = state.synchronize(config.thresholds(), sample.observations(), now,
          config.transitionPeriod());
      if (!d.conditions().equals(before)) {
        LOG.info("Eviction manager: node conditions now {} (were {})", d.conditions(), before);
        conditionsChanged.run();
      }
      if (d.toReclaim().isEmpty()) {
        return Future.succeededFuture();
      }
      Threshold threshold = d.toReclaim().get(0);
      String resource = threshold.signal().resource();
      LOG.info("Eviction manager: attempting to reclaim resourceName=\"{}\"", resource);
      nodeWarning.accept("EvictionThresholdMet", "Attempting to reclaim " + resource);
      if (active.isEmpty()) {
        LOG.error("Eviction manager: eviction thresholds have been met, but no pods are active to evict");
        return Future.succeededFuture();
      }
      LOG.info("Eviction manager: must evict pod(s) to reclaim resourceName=\"{}\"", resource);
      Future<NodeSignals.Sample> stats = resource.equals("ephemeral-storage")
          ? sampler.sample(measured, true, now) : Future.succeededFuture(sample);
      return stats.map(s -> evictOne(threshold, d.toReclaim(), active, s.pods(), sample.observations()));
    });
  }

  private Candidate evictOne(Threshold threshold, List<Threshold> thresholds, List<Candidate> active,
                             Map<String, PodUsage> usage, Map<Signal, Observation> observations) {
    List<Candidate> ranked = EvictionRanking.rank(threshold.signal(), active, Candidate::pod, c -> usage.get(c.uid()));
    LOG.info("Eviction manager: pods ranked for eviction pods={}", ranked.stream().map(c -> name(c.pod())).toList());
    String resource = threshold.signal().resource();
    for (Candidate c : ranked) {
      if (c.critical()) {
        LOG.error("Eviction manager: cannot evict a critical pod pod=\"{}\"", name(c.pod()));
        continue;
      }
      long grace = threshold.hard() ? IMMEDIATE_GRACE_SECONDS : softGrace(c.pod(), config.maxPodGraceSeconds());
      String message = EvictionRanking.message(resource, c.pod(), usage.get(c.uid()), thresholds, observations);
      evicting = c.evict(message, grace);
      LOG.info("Eviction manager: pod is evicted successfully pod=\"{}\"", name(c.pod()));
      return c;
    }
    LOG.info("Eviction manager: unable to evict any pods from the node");
    return null;
  }

  /**
   * The grace period of a soft eviction as kube 1.32's pod worker computes it from the manager's override ({@code
   * --eviction-max-pod-grace-period}): a positive one is used as it is (even above the pod's own, kube's issue
   * #64530), 0 leaves the pod its {@code terminationGracePeriodSeconds} (30 by default), a negative one becomes 1 s;
   * never under 1 s. (Kube's docs speak of the lesser of the two; its code does this.)
   */
  static long softGrace(Pod pod, int maxPodGraceSeconds) {
    long grace = maxPodGraceSeconds;
    if (grace == 0) {
      Long spec = pod.getSpec() == null ? null : pod.getSpec().getTerminationGracePeriodSeconds();
      grace = spec == null ? 30 : spec;
    }
    return Math.max(1, grace);
  }

  /**
   * kube's eviction admit handler: under no pressure, or for a critical pod, admitted; under memory pressure alone
   * a pod that is not BestEffort, or that tolerates the {@code node.kubernetes.io/memory-pressure} NoSchedule taint,
   * is admitted; otherwise refused with kube's message ({@code The node had condition: [MemoryPressure]. }, reason
   * {@code Evicted}). Null when admitted.
   */
  public String admit(Pod pod, boolean critical) {
    List<String> conditions = state.conditions();
    if (conditions.isEmpty() || critical) {
      return null;
    }
    if (conditions.equals(List.of("MemoryPressure")) && (!bestEffort(pod) || toleratesMemoryPressure(pod))) {
      return null;
    }
    LOG.info("Failed to admit pod to node pod=\"{}\" nodeCondition={}", name(pod), conditions);
    return "The node had condition: [" + String.join(" ", conditions) + "]. ";
  }

  /** kube's QoS BestEffort: no container (init containers too) asks for or limits CPU or memory above zero. */
  static boolean bestEffort(Pod pod) {
    List<Container> all = new java.util.ArrayList<>(list(pod.getSpec().getContainers()));
    all.addAll(list(pod.getSpec().getInitContainers()));
    for (Container c : all) {
      if (c.getResources() == null) {
        continue;
      }
      for (Map<String, Quantity> m : java.util.Arrays.asList(c.getResources().getRequests(), c.getResources().getLimits())) {
        if (m == null) {
          continue;
        }
        for (String res : List.of("cpu", "memory")) {
          Quantity q = m.get(res);
          if (q != null && Quantity.getAmountInBytes(q).signum() > 0) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /** kube's {@code TolerationsTolerateTaint} for the memory-pressure NoSchedule taint (no value). */
  private static boolean toleratesMemoryPressure(Pod pod) {
    for (Toleration t : list(pod.getSpec().getTolerations())) {
      boolean effect = t.getEffect() == null || t.getEffect().isEmpty() || t.getEffect().equals("NoSchedule");
      boolean exists = "Exists".equals(t.getOperator());
      boolean key = t.getKey() == null || t.getKey().isEmpty() ? exists
          : t.getKey().equals("node.kubernetes.io/memory-pressure");
      boolean value = exists || t.getValue() == null || t.getValue().isEmpty();
      if (effect && key && value) {
        return true;
      }
    }
    return false;
  }

  private static String name(Pod pod) {
    return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
  }

  private static <T> List<T> list(List<T> l) {
    return l == null ? List.of() : l;
  }
}
