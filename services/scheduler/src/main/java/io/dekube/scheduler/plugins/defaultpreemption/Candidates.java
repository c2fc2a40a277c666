package io.dekube.scheduler.plugins.defaultpreemption;

import io.fabric8.kubernetes.api.model.Pod;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * kube's {@code pickOneNodeForPreemption}: each criterion in turn keeps the candidates with its best score, until one
 * is left — the fewest PodDisruptionBudget violations, the lowest highest victim priority, the lowest sum of
 * priorities, the fewest victims, the latest start among the highest-priority victims (kube's
 * {@code GetEarliestPodStartTime}; a victim not started yet counts as starting now) — then the first of the ties.
 * Stateless.
 */
final class Candidates {

  private Candidates() {
  }

  /** The candidate to preempt on, or null when there is none. */
  static Victims pick(List<Victims> candidates) {
    if (candidates.isEmpty()) {
      return null;
    }
    Instant now = Instant.now();
    List<ToLongFunction<Victims>> scores = List.of(
        v -> -v.budgetViolations(),
        v -> -(long) v.highestPriority(),
        v -> -v.prioritySum(),
        v -> -v.pods().size(),
        v -> earliestStartOfHighest(v, now));
    List<Victims> left = candidates;
    for (ToLongFunction<Victims> score : scores) {
      List<Victims> best = new ArrayList<>();
      long max = Long.MIN_VALUE;
      for (Victims v : left) {
        long s = score.applyAsLong(v);
        if (s > max) {
          max = s;
          best.clear();
        }
        if (s == max) {
          best.add(v);
        }
      }
      if (best.size() == 1) {
        return best.get(0);
      }
      left = best;
    }
    return left.get(0);
  }

  /** The earliest start among the victims of the highest priority, in nanoseconds since the epoch. */
  static long earliestStartOfHighest(Victims v, Instant now) {
    int highest = v.highestPriority();
    Instant earliest = null;
    for (Pod p : v.pods()) {
      if (Victims.priority(p) == highest) {
        Instant t = startTime(p, now);
        if (earliest == null || t.isBefore(earliest)) {
          earliest = t;
        }
      }
    }
    return earliest == null ? Long.MIN_VALUE : earliest.getEpochSecond() * 1_000_000_000L + earliest.getNano();
  }

  private static Instant startTime(Pod p, Instant now) {
    String t = p.getStatus() == null ? null : p.getStatus().getStartTime();
    if (t == null) {
      return now;
    }
    try {
      return Instant.parse(t);
    } catch (DateTimeParseException e) {
      return now;
    }
  }
}
