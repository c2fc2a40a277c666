package io.dekube.scheduler.framework;

import java.math.BigDecimal;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code metav1.Duration} as Go reads and prints it: {@code time.ParseDuration} of {@code "1m30s"},
 * {@code "1.5h"}, {@code "500ms"}, then {@code Duration.String()} ({@code "1m30s"}, {@code "1h0m0s"},
 * {@code "500ms"}, {@code "0s"}). Pure.
 */
final class GoDuration {

  private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");

  private GoDuration() {
  }

  /** The value printed as Go does, or {@code dflt} when absent; a value Go would refuse is shown as given. */
  static String normalize(Object value, String dflt) {
    if (value == null) {
      return dflt;
    }
    Long nanos = parse(value.toString());
    return nanos == null ? value.toString() : format(nanos);
  }

  /** Nanoseconds, or null when Go's {@code ParseDuration} would refuse it. */
  static Long parse(String s) {
    String t = s.trim();
    boolean negative = t.startsWith("-");
    if (negative || t.startsWith("+")) {
      t = t.substring(1);
    }
    if (t.equals("0")) {
      return 0L;
    }
    Matcher m = PART.matcher(t);
    int at = 0;
    BigDecimal total = BigDecimal.ZERO;
    while (at < t.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      long unit = switch (m.group(2)) {
        case "ns" -> 1L;
        case "us", "µs", "μs" -> 1_000L;
        case "ms" -> 1_000_000L;
        case "s" -> 1_000_000_000L;
        case "m" -> 60_000_000_000L;
        default -> 3_600_000_000_000L;
      };
      total = total.add(new BigDecimal(m.group(1).startsWith(".") ? "0" + m.group(1) : m.group(1))
          .multiply(BigDecimal.valueOf(unit)));
      at = m.end();
    }
    if (at == 0) {
      return null;
    }
    long n = total.longValue();
    return negative ? -n : n;
  }

  /** Go's {@code time.Duration.String()}. */
  static String format(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    String sign = nanos < 0 ? "-" : "";
    long u = Math.abs(nanos);
    if (u < 1_000_000_000L) {
      if (u < 1_000L) {
        return sign + u + "ns";
      }
      if (u < 1_000_000L) {
        return sign + fraction(u, 1_000L) + "µs";
      }
      return sign + fraction(u, 1_000_000L) + "ms";
    }
    long hours = u / 3_600_000_000_000L;
    long minutes = u / 60_000_000_000L % 60;
    String seconds = fraction(u % 60_000_000_000L, 1_000_000_000L) + "s";
    if (hours > 0) {
      return sign + hours + "h" + minutes + "m" + seconds;
    }
    if (minutes > 0) {
      return sign + minutes + "m" + seconds;
    }
    return sign + seconds;
  }

  private static String fraction(long value, long unit) {
    BigDecimal d = BigDecimal.valueOf(value).divide(BigDecimal.valueOf(unit)).stripTrailingZeros();
    return d.scale() < 0 ? d.setScale(0).toPlainString() : d.toPlainString();
  }
}
