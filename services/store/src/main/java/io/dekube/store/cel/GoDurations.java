package io.dekube.store.cel;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;

/**
 * Go's {@code time.ParseDuration}, which kube uses for strings of {@code format: duration}: an
 * optional sign, then numbers with units {@code ns}, {@code us} ({@code µs}), {@code ms}, {@code s},
 * {@code m}, {@code h} ({@code 1h30m}, {@code 1.5s}, {@code -300ms}); a bare {@code 0} is zero. Pure.
 */
final class GoDurations {

  private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
      "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);

  private GoDurations() {
  }

  /** The duration {@code s} names; IllegalArgumentException ({@code time: invalid duration "x"}) if none. */
  static Duration parse(String s) {
    String rest = s;
    boolean negative = false;
    if (!rest.isEmpty() && (rest.charAt(0) == '-' || rest.charAt(0) == '+')) {
      negative = rest.charAt(0) == '-';
      rest = rest.substring(1);
    }
    if (rest.equals("0")) {
      return Duration.ZERO;
    }
    if (rest.isEmpty()) {
      throw invalid(s);
    }
    BigDecimal total = BigDecimal.ZERO;
    while (!rest.isEmpty()) {
      int i = 0;
      while (i < rest.length() && (Character.isDigit(rest.charAt(i)) || rest.charAt(i) == '.')) {
        i++;
      }
      int j = i;
      while (j < rest.length() && !Character.isDigit(rest.charAt(j)) && rest.charAt(j) != '.') {
        j++;
      }
      String number = rest.substring(0, i);
      Long unit = NANOS.get(rest.substring(i, j));
      if (number.isEmpty() || number.equals(".") || unit == null) {
        throw invalid(s);
      }
      try {
        total = total.add(new BigDecimal(number).multiply(BigDecimal.valueOf(unit)));
      } catch (NumberFormatException e) {
        throw invalid(s);
      }
      rest = rest.substring(j);
    }
    if (total.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw invalid(s);
    }
    long nanos = total.longValue();
    return Duration.ofNanos(negative ? -nanos : nanos);
  }

  private static IllegalArgumentException invalid(String s) {
    return new IllegalArgumentException("time: invalid duration \"" + s + "\"");
  }
}
