package io.dekube.kubelet.eviction;

import io.dekube.core.model.GoDuration;
import io.dekube.core.quota.Quantities;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's eviction settings, as kube 1.32's flags and {@code eviction.ParseThresholdConfig} read them:
 * {@code --eviction-hard} and {@code --eviction-soft} ({@code signal<quantity|percent} pairs), {@code
 * --eviction-soft-grace-period} and {@code --eviction-minimum-reclaim} ({@code signal=value} pairs), {@code
 * --eviction-max-pod-grace-period} (seconds) and {@code --eviction-pressure-transition-period}. Bad input is refused
 * with kube's errors word for word ({@link IllegalArgumentException}). Immutable.
 *
 * @param thresholds         the hard thresholds, then the soft ones (kube's order)
 * @param maxPodGraceSeconds {@code --eviction-max-pod-grace-period}
 * @param transitionPeriod   {@code --eviction-pressure-transition-period}
 * @param settings           the four maps as given (KubeletConfiguration's {@code evictionHard}, {@code evictionSoft},
 *                           {@code evictionSoftGracePeriod}, {@code evictionMinimumReclaim}), for {@code /configz}
 */
public record EvictionConfig(List<Threshold> thresholds, int maxPodGraceSeconds, Duration transitionPeriod,
                             Map<String, Map<String, String>> settings) {

  /** kube 1.32's default {@code evictionHard} on Linux. */
  public static final String DEFAULT_HARD =
      "imagefs.available<15%,imagefs.inodesFree<5%,memory.available<100Mi,nodefs.available<10%,nodefs.inodesFree<5%";
  /** kube's default {@code evictionPressureTransitionPeriod}. */
  public static final Duration DEFAULT_TRANSITION = Duration.ofMinutes(5);

  /** kube's defaults: {@link #DEFAULT_HARD}, no soft thresholds, max pod grace 0, 5m0s transition. */
  public static EvictionConfig defaults() {
    return parse(langleMap(DEFAULT_HARD), Map.of(), Map.of(), Map.of(), 0, DEFAULT_TRANSITION);
  }

  /** kube's {@code ParseThresholdConfig} over the four maps (flag key to value, in the order given). */
  public static EvictionConfig parse(Map<String, String> hard, Map<String, String> soft, Map<String, String> softGrace,
                                     Map<String, String> minReclaim, int maxPodGraceSeconds, Duration transition) {
    List<Threshold> results = new ArrayList<>(statements(hard));
    List<Threshold> softs = statements(soft);
    Map<Signal, Duration> graces = gracePeriods(softGrace);
    Map<Signal, Threshold.Value> reclaims = minimumReclaims(minReclaim);
    for (Threshold t : softs) {
      Duration grace = graces.get(t.signal());
      if (grace == null) {
        throw new IllegalArgumentException("grace period must be specified for the soft eviction threshold " + t.signal());
      }
      results.add(t.withGracePeriod(grace));
    }
    results.replaceAll(t -> reclaims.containsKey(t.signal()) ? t.withMinReclaim(reclaims.get(t.signal())) : t);
    // Decision: kube copies the hard memory.available threshold to allocatableMemory.available (enforceNodeAllocatable
    // "pods"); a dekube node's allocatable is its capacity, so that copy would be met exactly when the first is
    Map<String, Map<String, String>> settings = new LinkedHashMap<>();
    settings.put("evictionHard", Map.copyOf(hard));
    settings.put("evictionSoft", Map.copyOf(soft));
    settings.put("evictionSoftGracePeriod", Map.copyOf(softGrace));
    settings.put("evictionMinimumReclaim", Map.copyOf(minReclaim));
    return new EvictionConfig(List.copyOf(results), maxPodGraceSeconds, transition,
        java.util.Collections.unmodifiableMap(settings));
  }

  private static List<Threshold> statements(Map<String, String> statements) {
    List<Threshold> out = new ArrayList<>();
    for (Map.Entry<String, String> e : statements.entrySet()) {
      Threshold t = statement(signal(e.getKey()), e.getValue());
      if (t != null) {
        out.add(t);
      }
    }
    return out;
  }

  /** kube's {@code parseThresholdStatement}; null for 0% and 100%, which kube ignores. */
  private static Threshold statement(Signal signal, String val) {
    if (val.endsWith("%")) {
      if (val.equals("0%") || val.equals("100%")) {
        return null;
      }
      float percentage = percentage(val);
      if (percentage < 0) {
        throw new IllegalArgumentException("eviction percentage threshold " + signal + " must be >= 0%: " + val);
      }
      if (percentage > 1) {
        throw new IllegalArgumentException("eviction percentage threshold " + signal + " must be <= 100%: " + val);
      }
      return new Threshold(signal, new Threshold.Value(null, percentage), Duration.ZERO, null);
    }
    Quantities.Amount quantity = Quantities.parse(val);
    if (quantity.value().signum() <= 0) {
      throw new IllegalArgumentException("eviction threshold " + signal + " must be positive: " + quantity);
    }
    return new Threshold(signal, new Threshold.Value(quantity, 0), Duration.ZERO, null);
  }

  /** kube's {@code parsePercentage}: a Go {@code float32} fraction ({@code 10%} is 0.1). */
  private static float percentage(String input) {
    String number = input.replaceAll("%+$", "");
    try {
      return (float) Double.parseDouble(number) / 100;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("strconv.ParseFloat: parsing \"" + number + "\": invalid syntax");
    }
  }

  private static Map<Signal, Duration> gracePeriods(Map<String, String> statements) {
    Map<Signal, Duration> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : statements.entrySet()) {
      Signal signal = signal(e.getKey());
      Duration grace = GoDuration.parse(e.getValue());
      if (grace.isNegative()) {
        throw new IllegalArgumentException("invalid eviction grace period specified: " + e.getValue()
            + ", must be a positive value");
      }
      out.put(signal, grace);
    }
    return out;
  }

  private static Map<Signal, Threshold.Value> minimumReclaims(Map<String, String> statements) {
    Map<Signal, Threshold.Value> out = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : statements.entrySet()) {
      Signal signal = signal(e.getKey());
      String val = e.getValue();
      if (val.endsWith("%")) {
        float percentage = percentage(val);
        if (percentage <= 0) {
          throw new IllegalArgumentException("eviction percentage minimum reclaim " + signal + " must be positive: "
              + val);
        }
        out.put(signal, new Threshold.Value(null, percentage));
        continue;
      }
      Quantities.Amount quantity = Quantities.parse(val);
      if (quantity.value().signum() < 0) {
        throw new IllegalArgumentException("negative eviction minimum reclaim specified for " + signal);
      }
      out.put(signal, new Threshold.Value(quantity, 0));
    }
    return out;
  }

  private static Signal signal(String key) {
    return Signal.of(key).orElseThrow(() -> new IllegalArgumentException("unsupported eviction signal " + key));
  }

  /**
   * A {@code --eviction-hard}/{@code --eviction-soft} value as kube's {@code LangleSeparatedMapStringString} reads
   * it: comma-separated {@code key<value} pairs (blanks around each trimmed, empty pieces skipped, a later key
   * replacing an earlier one); {@code malformed pair, expect string<string} otherwise.
   */
  public static Map<String, String> langleMap(String value) {
    return pairs(value, '<');
  }

  /** A {@code --eviction-soft-grace-period}/{@code --eviction-minimum-reclaim} value: {@code key=value} pairs. */
  public static Map<String, String> equalsMap(String value) {
    return pairs(value, '=');
  }

  private static Map<String, String> pairs(String value, char separator) {
    Map<String, String> out = new LinkedHashMap<>();
    for (String s : value.split(",")) {
      if (s.isEmpty()) {
        continue;
      }
      int at = s.indexOf(separator);
      if (at < 0) {
        throw new IllegalArgumentException("malformed pair, expect string" + separator + "string");
      }
      out.put(s.substring(0, at).strip(), s.substring(at + 1).strip());
    }
    return out;
  }
}
