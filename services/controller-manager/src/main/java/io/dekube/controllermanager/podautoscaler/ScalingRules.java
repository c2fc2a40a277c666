package io.dekube.controllermanager.podautoscaler;

import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingPolicy;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HPAScalingRules;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerBehavior;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * kube's normalisation of a proposed replica count. Without a behaviour: the largest recommendation
 * of the last 5 minutes (scale-down stabilisation), then the min/max bounds and at most
 * {@code max(2 × current, 4)} up. With one: the stabilisation windows of both directions (up: the
 * smallest recommendation of its window, down: the largest), then each direction's policies over
 * the scale events of their periods ({@code Pods}: that many, {@code Percent}: that share of the
 * replicas at the period's start; {@code selectPolicy} Max, Min or Disabled), then the bounds.
 * Pure apart from the {@link History} it is given.
 */
final class ScalingRules {

  /**
   * The normalised count, the AbleToScale reason of the stabilisation (kept when nothing is scaled)
   * and the ScalingLimited condition kube sets for it.
   */
  record Decision(int replicas, String stabilizedReason, String stabilizedMessage, boolean limited,
                  String limitReason, String limitMessage) {
  }

  private record Recommendation(Instant at, int replicas) {
  }

  private record ScaleEvent(Instant at, int change) {
  }

  /** One HPA's recent recommendations and scale events (the controller's memory, as kube's). */
  static final class History {
    private final List<Recommendation> recommendations = new ArrayList<>();
    private final List<ScaleEvent> ups = new ArrayList<>();
    private final List<ScaleEvent> downs = new ArrayList<>();

    /**
     * A new HPA's memory: its target's current count as the first recommendation (kube's
     * {@code recordInitialRecommendation}), so a new HPA does not scale down before a full window.
     */
    static History starting(int current, Instant now) {
      History h = new History();
      h.recommendations.add(new Recommendation(now, current));
      return h;
    }

    /** Records a rescale from {@code from} to {@code to} at {@code at}. */
    void scaled(int from, int to, Instant at) {
      (to > from ? ups : downs).add(new ScaleEvent(at, Math.abs(to - from)));
    }
  }

  private ScalingRules() {
  }

  /**
   * @param downscaleStabilization the window without a behaviour
   *                               ({@code --horizontal-pod-autoscaler-downscale-stabilization})
   */
  static Decision normalize(HorizontalPodAutoscalerBehavior behavior, History h, int current, int proposed, int min,
                            int max, Instant now, Duration downscaleStabilization) {
    if (behavior == null) {
      int stabilized = highestRecent(h, proposed, now, downscaleStabilization);
      boolean held = stabilized != proposed;
      int upLimit = Math.max(2 * current, 4);
      boolean rateLimits = max > upLimit;
      return bound(stabilized, held ? "ScaleDownStabilized" : "ReadyForNewScale",
          held ? DOWN_STABILIZED : "recommended size matches current size",
          min, Math.min(max, upLimit), rateLimits ? "ScaleUpLimit" : "TooManyReplicas",
          rateLimits ? UP_RATE : "the desired replica count is more than the maximum replica count",
          "TooFewReplicas", "the desired replica count is less than the minimum replica count");
    }
    HPAScalingRules up = behavior.getScaleUp();
    HPAScalingRules down = behavior.getScaleDown();
    int stabilized = withinWindows(h, current, proposed, now, window(up, 0), window(down, 300));
    boolean upward = proposed >= current;
    int upLimit = Math.max(current, upLimit(current, h, up, now));
    int downLimit = Math.min(current, downLimit(current, h, down, now));
    return bound(stabilized, upward ? "ScaleUpStabilized" : "ScaleDownStabilized",
        upward ? "recent recommendations were lower than current one, applying the lowest recent recommendation"
            : DOWN_STABILIZED,
        Math.max(min, downLimit), Math.min(max, upLimit),
        upLimit < max ? "ScaleUpLimit" : "TooManyReplicas",
        upLimit < max ? UP_RATE : "the desired replica count is more than the maximum replica count",
        downLimit > min ? "ScaleDownLimit" : "TooFewReplicas",
        downLimit > min ? "the desired replica count is decreasing faster than the maximum scale rate"
            : "the desired replica count is less than the minimum replica count");
  }

  private static final String DOWN_STABILIZED =
      "recent recommendations were higher than current one, applying the highest recent recommendation";
  private static final String UP_RATE = "the desired replica count is increasing faster than the maximum scale rate";

  private static Decision bound(int desired, String stabilizedReason, String stabilizedMessage, int minAllowed,
                                int maxAllowed, String maxReason, String maxMessage, String minReason,
                                String minMessage) {
    if (desired > maxAllowed) {
      return new Decision(maxAllowed, stabilizedReason, stabilizedMessage, true, maxReason, maxMessage);
    }
    if (desired < minAllowed) {
      return new Decision(minAllowed, stabilizedReason, stabilizedMessage, true, minReason, minMessage);
    }
    return new Decision(desired, stabilizedReason, stabilizedMessage, false, "DesiredWithinRange",
        "the desired count is within the acceptable range");
  }

  private static Duration window(HPAScalingRules rules, int defaultSeconds) {
    Integer s = rules == null ? null : rules.getStabilizationWindowSeconds();
    return Duration.ofSeconds(s == null ? defaultSeconds : s);
  }

  /** Without a behaviour: the highest of {@code proposed} and the recommendations of the window; records it. */
  private static int highestRecent(History h, int proposed, Instant now, Duration window) {
    Instant cutoff = now.minus(window);
    h.recommendations.removeIf(r -> r.at().isBefore(cutoff));
    int highest = proposed;
    for (Recommendation r : h.recommendations) {
      highest = Math.max(highest, r.replicas());
    }
    h.recommendations.add(new Recommendation(now, proposed));
    return highest;
  }

  /**
   * With a behaviour: the current count raised to the lowest recommendation of the up window and
   * lowered to the highest of the down window (both including {@code proposed}); records it.
   */
  private static int withinWindows(History h, int current, int proposed, Instant now, Duration upWindow,
                                   Duration downWindow) {
    Instant upCutoff = now.minus(upWindow);
    Instant downCutoff = now.minus(downWindow);
    h.recommendations.removeIf(r -> r.at().isBefore(upCutoff) && r.at().isBefore(downCutoff));
    int upRecommendation = proposed;
    int downRecommendation = proposed;
    for (Recommendation r : h.recommendations) {
      if (r.at().isAfter(upCutoff)) {
        upRecommendation = Math.min(upRecommendation, r.replicas());
      }
      if (r.at().isAfter(downCutoff)) {
        downRecommendation = Math.max(downRecommendation, r.replicas());
      }
    }
    h.recommendations.add(new Recommendation(now, proposed));
    int recommendation = Math.max(current, upRecommendation);
    return Math.min(recommendation, downRecommendation);
  }

  private static int upLimit(int current, History h, HPAScalingRules rules, Instant now) {
    if (rules == null || "Disabled".equals(rules.getSelectPolicy())) {
      return current;
    }
    boolean min = "Min".equals(rules.getSelectPolicy());
    int result = min ? Integer.MAX_VALUE : Integer.MIN_VALUE;
    for (HPAScalingPolicy p : rules.getPolicies()) {
      int start = current - changes(h.ups, p, now) + changes(h.downs, p, now);
      int proposed = "Pods".equals(p.getType()) ? start + p.getValue()
          : (int) Math.ceil(start * (1 + p.getValue() / 100.0));
      result = min ? Math.min(result, proposed) : Math.max(result, proposed);
    }
    return result;
  }

  private static int downLimit(int current, History h, HPAScalingRules rules, Instant now) {
    if (rules == null || "Disabled".equals(rules.getSelectPolicy())) {
      return current;
    }
    boolean min = "Min".equals(rules.getSelectPolicy());
    int result = min ? Integer.MIN_VALUE : Integer.MAX_VALUE;
    for (HPAScalingPolicy p : rules.getPolicies()) {
      int start = current - changes(h.ups, p, now) + changes(h.downs, p, now);
      int proposed = "Pods".equals(p.getType()) ? start - p.getValue() : (int) (start * (1 - p.getValue() / 100.0));
      result = min ? Math.max(result, proposed) : Math.min(result, proposed);
    }
    return result;
  }

  private static int changes(List<ScaleEvent> events, HPAScalingPolicy p, Instant now) {
    Instant since = now.minusSeconds(p.getPeriodSeconds());
    return events.stream().filter(e -> e.at().isAfter(since)).mapToInt(ScaleEvent::change).sum();
  }
}
