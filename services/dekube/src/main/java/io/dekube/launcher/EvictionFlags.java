package io.dekube.launcher;

import io.dekube.kubelet.eviction.EvictionConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The kubelet's node-pressure eviction flags, as kube 1.32's kubelet takes them (for {@code up}'s nodes and {@code
 * ./dekube kubelet}): pflag's refusals of a malformed value ({@code invalid argument "x" for "--eviction-hard" flag:
 * malformed pair, expect string<string}), then kube's {@code ParseThresholdConfig} errors ({@link EvictionConfig}).
 */
final class EvictionFlags {

  static final List<Flag> FLAGS = List.of(
      Flag.list("--eviction-hard", "LIST", "A set of eviction thresholds (e.g. memory.available<1Gi) that if met would "
          + "trigger a pod eviction (default " + EvictionConfig.DEFAULT_HARD + ")"),
      Flag.list("--eviction-soft", "LIST", "A set of eviction thresholds (e.g. memory.available<1.5Gi) that if met "
          + "over a corresponding grace period would trigger a pod eviction."),
      Flag.list("--eviction-soft-grace-period", "LIST", "A set of eviction grace periods (e.g. "
          + "memory.available=1m30s) that correspond to how long a soft eviction threshold must hold before "
          + "triggering a pod eviction."),
      Flag.of("--eviction-max-pod-grace-period", "N", "Maximum allowed grace period (in seconds) to use when "
          + "terminating pods in response to a soft eviction threshold being met. If negative, defer to pod "
          + "specified value."),
      Flag.of("--eviction-pressure-transition-period", "D", "Duration for which the kubelet has to wait before "
          + "transitioning out of an eviction pressure condition. (default 5m0s)"),
      Flag.list("--eviction-minimum-reclaim", "LIST", "A set of minimum reclaims (e.g. imagefs.available=2Gi) that "
          + "describes the minimum amount of resource the kubelet will reclaim when performing a pod eviction if "
          + "that resource is under pressure."));

  private EvictionFlags() {
  }

  /** The settings the flags give; IllegalArgumentException in pflag's or kube's words. */
  static EvictionConfig parse(Flags f) {
    Map<String, String> hard = map(f, "--eviction-hard", true, EvictionConfig.DEFAULT_HARD);
    Map<String, String> soft = map(f, "--eviction-soft", true, "");
    Map<String, String> grace = map(f, "--eviction-soft-grace-period", false, "");
    Map<String, String> reclaim = map(f, "--eviction-minimum-reclaim", false, "");
    int maxGrace = 0;
    String max = f.string("--eviction-max-pod-grace-period", "0");
    try {
      maxGrace = Integer.parseInt(max);
    } catch (NumberFormatException e) {
      throw invalid(max, "--eviction-max-pod-grace-period", "strconv.ParseInt: parsing \"" + max + "\": "
          + (max.matches("[+-]?\\d+") ? "value out of range" : "invalid syntax"));
    }
    String period = f.string("--eviction-pressure-transition-period", "5m0s");
    Duration transition;
    try {
      transition = io.dekube.core.model.GoDuration.parse(period);
    } catch (IllegalArgumentException e) {
      throw invalid(period, "--eviction-pressure-transition-period", e.getMessage());
    }
    return EvictionConfig.parse(hard, soft, grace, reclaim, maxGrace, transition);
  }

  private static Map<String, String> map(Flags f, String name, boolean langle, String fallback) {
    String value = f.string(name, fallback);
    try {
      return langle ? EvictionConfig.langleMap(value) : EvictionConfig.equalsMap(value);
    } catch (IllegalArgumentException e) {
      throw invalid(value, name, e.getMessage());
    }
  }

  private static IllegalArgumentException invalid(String value, String flag, String why) {
    return new IllegalArgumentException("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + why);
  }
}
