package io.dekube.core.metrics;

import java.math.BigDecimal;

/**
 * Rewrites the numbers of a Prometheus text exposition as Kubernetes' components print them. Their Go client
 * writes a sample's value and its {@code le} and {@code quantile} labels with {@code strconv.FormatFloat(f, 'g',
 * -1, 64)}: the shortest digits, no {@code .0} ({@code 1}, {@code 49}, {@code 0.005}), an exponent from a
 * million up or below 0.0001 ({@code 1.234567e+06}, {@code 1e-05}); Micrometer's writer prints Java's
 * {@code 1.0}, {@code 49.0}, {@code le="60.0"}, {@code 1.234567E6}. Comments and other labels pass unchanged.
 * Stateless.
 */
final class GoFloatText {

  private GoFloatText() {
  }

  /** The exposition with its values and {@code le}/{@code quantile} labels in Go's format. */
  static String rewrite(String exposition) {
    StringBuilder out = new StringBuilder(exposition.length());
    int start = 0;
    while (start < exposition.length()) {
      int end = exposition.indexOf('\n', start);
      int stop = end < 0 ? exposition.length() : end;
      String line = exposition.substring(start, stop);
      out.append(line.isEmpty() || line.charAt(0) == '#' ? line : sample(line));
      if (end >= 0) {
        out.append('\n');
      }
      start = stop + 1;
    }
    return out.toString();
  }

  /** {@code name{labels} value [timestamp]}: the labels' {@code le} and {@code quantile}, then the value. */
  private static String sample(String line) {
    int brace = line.indexOf('{');
    int space = line.indexOf(' ');
    StringBuilder out = new StringBuilder(line.length());
    int rest;
    if (brace >= 0 && (space < 0 || brace < space)) {
      int close = labels(line, brace, out);
      if (close < 0) {
        return line; // not a sample line this writer knows: left as it is
      }
      rest = close + 1;
    } else {
      if (space < 0) {
        return line;
      }
      out.append(line, 0, space);
      rest = space;
    }
    // the value follows one space; a timestamp (integer milliseconds) may follow it
    int from = rest;
    while (from < line.length() && line.charAt(from) == ' ') {
      from++;
    }
    int to = line.indexOf(' ', from);
    to = to < 0 ? line.length() : to;
    out.append(line, rest, from).append(format(line.substring(from, to))).append(line, to, line.length());
    return out.toString();
  }

  /** Appends the name and the label set, {@code le}/{@code quantile} values rewritten; the index of the closing brace. */
  private static int labels(String line, int brace, StringBuilder out) {
    out.append(line, 0, brace + 1);
    int i = brace + 1;
    while (i < line.length()) {
      char c = line.charAt(i);
      if (c == '}') {
        out.append(c);
        return i;
      }
      int eq = line.indexOf("=\"", i);
      if (eq < 0) {
        return -1;
      }
      String name = line.substring(i, eq).replaceFirst("^,", "");
      int valueStart = eq + 2;
      int j = valueStart;
      while (j < line.length() && line.charAt(j) != '"') {
        j += line.charAt(j) == '\\' ? 2 : 1;
      }
      if (j >= line.length()) {
        return -1;
      }
      String value = line.substring(valueStart, j);
      out.append(line, i, valueStart)
          .append(name.equals("le") || name.equals("quantile") ? format(value) : value).append('"');
      i = j + 1;
    }
    return -1;
  }

  /** One number as Go's {@code 'g'} with the shortest precision; anything else unchanged. */
  static String format(String number) {
    switch (number) {
      case "+Inf", "-Inf", "NaN" -> {
        return number;
      }
      default -> { }
    }
    double d;
    try {
      d = Double.parseDouble(number);
    } catch (NumberFormatException e) {
      return number;
    }
    if (Double.isInfinite(d)) {
      return d > 0 ? "+Inf" : "-Inf";
    }
    if (Double.isNaN(d)) {
      return "NaN";
    }
    if (d == 0) {
      return (1 / d < 0) ? "-0" : "0";
    }
    // Java's shortest repr of the double (its digits are Go's shortest digits), then Go's layout of them
    BigDecimal exact = new BigDecimal(Double.toString(Math.abs(d))).stripTrailingZeros();
    String digits = exact.unscaledValue().toString();
    int exp = digits.length() - exact.scale() - 1; // the decimal exponent of the first digit
    String sign = d < 0 ? "-" : "";
    if (exp < -4 || exp >= 6) { // Go's %e rule for 'g' at the shortest precision (its eprec 6)
      String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
      String e = String.valueOf(Math.abs(exp));
      return sign + mantissa + "e" + (exp < 0 ? "-" : "+") + (e.length() < 2 ? "0" + e : e);
    }
    return sign + plain(digits, exp);
  }

  /** The digits with the decimal point after the first {@code exp + 1}. */
  private static String plain(String digits, int exp) {
    if (exp < 0) {
      return "0." + "0".repeat(-exp - 1) + digits;
    }
    if (digits.length() <= exp + 1) {
      return digits + "0".repeat(exp + 1 - digits.length());
    }
    return digits.substring(0, exp + 1) + "." + digits.substring(exp + 1);
  }
}
