package io.dekube.kubelet.eviction;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The eviction manager's memory between housekeepings and kube's {@code synchronize} steps over it, without I/O:
 * which thresholds are met now (and which, met before, have not reclaimed their minimum yet), since when each was
 * met (a soft one acts once that is longer than its grace period), and the node conditions, which stay True for the
 * pressure transition period after their last threshold was seen met. Its clock is the caller's. Not thread-safe:
 * confined to the kubelet's context.
 */
final class EvictionState {

  private static final Logger LOG = LoggerFactory.getLogger(EvictionState.class);
  /** The conditions in the order the kubelet reports them. */
  static final List<String> CONDITIONS = List.of("MemoryPressure", "DiskPressure", "PIDPressure");

  /**
   * One housekeeping's outcome.
   *
   * @param conditions the node's pressure conditions now (True), in {@link #CONDITIONS}' order
   * @param toReclaim  the thresholds to act on (met past their grace period, with new stats), memory first
   */
  record Decision(List<String> conditions, List<Threshold> toReclaim) {
  }

  private List<String> conditions = List.of();
  private Map<Threshold, Instant> firstObservedAt = Map.of();
  private Map<String, Instant> conditionsLastObservedAt = Map.of();
  private List<Threshold> thresholdsMet = List.of();
  private Map<Signal, Observation> lastObservations = Map.of();

  /** The node conditions of the last housekeeping. */
  List<String> conditions() {
    return conditions;
  }

  /** kube's {@code synchronize} up to the choice of a threshold, at {@code now}. */
  Decision synchronize(List<Threshold> configured, Map<Signal, Observation> observations, Instant now,
                       Duration transition) {
    List<Threshold> met = met(configured, observations, false);
    if (!thresholdsMet.isEmpty()) {
      // thresholds met before stay until their minimum reclaim is reached too
      for (Threshold t : met(thresholdsMet, observations, true)) {
        if (met.stream().noneMatch(m -> same(m, t))) {
          met.add(t);
        }
      }
    }
    Map<Threshold, Instant> first = new HashMap<>();
    met.forEach(t -> first.put(t, firstObservedAt.getOrDefault(t, now)));
    Map<String, Instant> lastSeen = new HashMap<>(conditionsLastObservedAt);
    met.forEach(t -> lastSeen.put(t.signal().condition(), now));
    List<String> nodeConditions = new ArrayList<>();
    for (String c : CONDITIONS) {
      Instant at = lastSeen.get(c);
      if (at != null && Duration.between(at, now).compareTo(transition) < 0) {
        nodeConditions.add(c);
      }
    }
    List<Threshold> acting = new ArrayList<>();
    first.forEach((t, at) -> {
      if (Duration.between(at, now).compareTo(t.gracePeriod()) >= 0) {
        acting.add(t);
      } else {
        LOG.debug("Eviction manager: eviction criteria not yet met threshold={} duration={}", t, Duration.between(at, now));
      }
    });
    conditions = List.copyOf(nodeConditions);
    firstObservedAt = first;
    conditionsLastObservedAt = lastSeen;
    thresholdsMet = List.copyOf(acting);
    List<Threshold> updated = new ArrayList<>();
    for (Threshold t : acting) {
      Observation now2 = observations.get(t.signal());
      Observation before = lastObservations.get(t.signal());
      if (now2 != null && (before == null || now2.time().isAfter(before.time()))) {
        updated.add(t);
      }
    }
    lastObservations = Map.copyOf(observations);
    // kube's byEvictionPriority: memory before every other resource
    updated.sort(Comparator.comparing(t -> !t.signal().resource().equals("memory")));
    return new Decision(conditions, updated);
  }

  /** kube's {@code thresholdsMet}: those whose quantity (plus the minimum reclaim, when enforced) is above what is available. */
  static List<Threshold> met(List<Threshold> thresholds, Map<Signal, Observation> observations, boolean minReclaim) {
    List<Threshold> out = new ArrayList<>();
    for (Threshold t : thresholds) {
      Observation o = observations.get(t.signal());
      if (o == null) {
        LOG.debug("Eviction manager: no observation found for eviction signal signal={}", t.signal());
        continue;
      }
      java.math.BigDecimal quantity = t.value().of(o.capacity()).value();
      if (minReclaim && t.minReclaim() != null) {
        quantity = quantity.add(t.minReclaim().of(o.capacity()).value());
      }
      if (quantity.compareTo(o.available()) > 0) {
        out.add(t);
      }
    }
    return out;
  }

  /** kube's {@code hasThreshold}: the same signal, value and grace period (the minimum reclaim aside). */
  private static boolean same(Threshold a, Threshold b) {
    return a.signal() == b.signal() && a.gracePeriod().equals(b.gracePeriod()) && a.value().equals(b.value());
  }

  /** The node conditions as a set, for callers that test membership. */
  Set<String> conditionSet() {
    return new LinkedHashSet<>(conditions);
  }
}
