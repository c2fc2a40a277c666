package io.dekube.core.model;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Go's {@code time.ParseDuration} and {@code Duration.String}, wherever kube reads or prints a Go duration: flags as
 * pflag parses them, a kms provider's {@code timeout}, CEL's {@code format: duration} strings. Stateless.
 */
public final class GoDuration {

  private static final Pattern PART = Pattern.compile("(\\d+\\.?\\d*|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
  private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
      "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDuration() {
  }

  /**
   * {@code 3s}, {@code 1m30s}, {@code 1.5h}, {@code 500ms}, {@code -1s}, {@code 0}; IllegalArgumentException in Go's
   * words otherwise ({@code time: invalid duration "x"}, {@code time: missing unit in duration "5"}).
   */
  public static Duration parse(String text) {
    String s = text;
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
    Matcher m = PART.matcher(s);
    BigDecimal nanos = BigDecimal.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        throw new IllegalArgumentException(s.matches(".*\\d$") ? "time: missing unit in duration \"" + text + "\""
            : "time: invalid duration \"" + text + "\"");
      }
      nanos = nanos.add(new BigDecimal(m.group(1)).multiply(BigDecimal.valueOf(NANOS.get(m.group(2)))));
      at = m.end();
    }
    if (nanos.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("time: invalid duration \"" + text + "\"");
    }
    long n = nanos.longValue();
    return Duration.ofNanos(negative ? -n : n);
  }

  /** Go's {@code Duration.String}: {@code 0s}, {@code -1s}, {@code 1m30s}, {@code 1h0m0s}, {@code 500ms}. */
  public static String format(Duration d) {
    long n = d.toNanos();
    if (n == 0) {
      return "0s";
    }
    String sign = n < 0 ? "-" : "";
    long a = Math.abs(n);
    if (a < 1_000_000_000L) {
      String[] units = {"ns", "µs", "ms"};
      long[] sizes = {1, 1_000, 1_000_000};
      int u = a < 1_000 ? 0 : a < 1_000_000 ? 1 : 2;
      return sign + BigDecimal.valueOf(a).divide(BigDecimal.valueOf(sizes[u])).stripTrailingZeros().toPlainString()
          + units[u];
    }
    long h = a / 3_600_000_000_000L;
    long m = a / 60_000_000_000L % 60;
    String sec = BigDecimal.valueOf(a % 60_000_000_000L).divide(BigDecimal.valueOf(1_000_000_000L))
        .stripTrailingZeros().toPlainString();
    return sign + (h > 0 ? h + "h" + m + "m" : m > 0 ? m + "m" : "") + sec + "s";
  }
}
