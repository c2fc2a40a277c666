package io.dekube.kubelet.logs;

import io.dekube.core.quota.Quantities;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * How the kubelet rotates its containers' logs, as kube 1.32's KubeletConfiguration has it: {@code
 * containerLogMaxSize} (a log at least this large is rotated; negative: never), {@code containerLogMaxFiles} (the
 * current file and the rotated ones together), {@code containerLogMaxWorkers} and {@code containerLogMonitorInterval}
 * (how often the sizes are looked at).
 *
 * @param maxSize      the size as written ({@code 10Mi}), shown by {@code /configz}
 * @param maxBytes     that size in bytes; negative: rotation off
 * @param maxFiles     at most this many files per container's run
 * @param maxWorkers   the kubelet's {@code containerLogMaxWorkers}
 * @param interval     the kubelet's {@code containerLogMonitorInterval}
 */
public record ContainerLogPolicy(String maxSize, long maxBytes, int maxFiles, int maxWorkers, Duration interval) {

  /** kube 1.32's defaults: 10Mi, 5 files, 1 worker, every 10 s. */
  public static final ContainerLogPolicy DEFAULTS = new ContainerLogPolicy("10Mi", 10L * 1024 * 1024, 5, 1,
      Duration.ofSeconds(10));

  /**
   * The policy of these settings, refused as kube's kubelet refuses them at its start: its configuration's validation
   * ({@code invalid configuration: containerLogMaxFiles must be greater than 1}) first, then the log manager's parse
   * of the size ({@code failed to parse container log max size "x": quantities must match ...}).
   */
  public static ContainerLogPolicy of(String maxSize, int maxFiles, int maxWorkers, Duration interval) {
    if (maxWorkers < 1) {
      throw new IllegalArgumentException("invalid configuration: containerLogMaxWorkers must be greater than or equal to 1");
    }
    if (interval.compareTo(Duration.ofSeconds(3)) < 0) {
      throw new IllegalArgumentException("invalid configuration: containerLogMonitorInterval must be a positive time "
          + "duration greater than or equal to 3s");
    }
    if (maxFiles <= 1) {
      throw new IllegalArgumentException("invalid configuration: containerLogMaxFiles must be greater than 1");
    }
    long bytes;
    try {
      BigDecimal value = Quantities.parse(maxSize).value();
      if (value.stripTrailingZeros().scale() > 0 || value.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
        throw new IllegalArgumentException("invalid max log size");
      }
      bytes = value.longValueExact();
    } catch (IllegalArgumentException | ArithmeticException e) {
      throw new IllegalArgumentException("failed to parse container log max size \"" + maxSize + "\": "
          + (e instanceof ArithmeticException ? "invalid max log size" : e.getMessage()));
    }
    return new ContainerLogPolicy(maxSize, bytes, maxFiles, maxWorkers, interval);
  }

  /** Whether logs are rotated at all (kube: a negative size turns the log manager into a stub). */
  public boolean rotates() {
    return maxBytes >= 0;
  }
}
