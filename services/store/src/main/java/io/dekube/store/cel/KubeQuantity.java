package io.dekube.store.cel;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code resource.Quantity} as kube's CEL quantity library sees it: parsed from the canonical
 * forms ({@code 100m}, {@code 1.5Gi}, {@code 2e3}), compared and added by numeric value. Immutable.
 */
public final class KubeQuantity implements Comparable<KubeQuantity> {

  private static final Pattern FORM = Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))"
      + "(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?[0-9]+)?");
  private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
      Map.entry("Ki", BigDecimal.valueOf(1024L)), Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
      Map.entry("Gi", BigDecimal.valueOf(1L << 30)), Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
      Map.entry("Pi", BigDecimal.valueOf(1L << 50)), Map.entry("Ei", BigDecimal.valueOf(1L << 60)),
      Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
      Map.entry("m", new BigDecimal("1e-3")), Map.entry("k", new BigDecimal("1e3")),
      Map.entry("M", new BigDecimal("1e6")), Map.entry("G", new BigDecimal("1e9")),
      Map.entry("T", new BigDecimal("1e12")), Map.entry("P", new BigDecimal("1e15")),
      Map.entry("E", new BigDecimal("1e18")));

  private final BigDecimal value;

  private KubeQuantity(BigDecimal value) {
    this.value = value;
  }

  /** Parses {@code s}, or throws {@link IllegalArgumentException} as kube's {@code quantity()} errors. */
  public static KubeQuantity parse(String s) {
    Matcher m = FORM.matcher(s == null ? "" : s);
    if (!m.matches()) {
      throw new IllegalArgumentException("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    BigDecimal n = new BigDecimal(m.group(1).startsWith(".") || m.group(1).startsWith("-.")
        || m.group(1).startsWith("+.") ? m.group(1).replace(".", "0.") : m.group(1));
    String suffix = m.group(2);
    if (suffix != null) {
      n = suffix.startsWith("e") || suffix.startsWith("E") ? n.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)))
          : n.multiply(SUFFIXES.get(suffix));
    }
    return new KubeQuantity(n);
  }

  /** Whether {@code s} parses. */
  public static boolean valid(String s) {
    try {
      parse(s);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  static KubeQuantity of(long v) {
    return new KubeQuantity(BigDecimal.valueOf(v));
  }

  public boolean isInteger() {
    return value.stripTrailingZeros().scale() <= 0 && value.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0;
  }

  /** The value as an int, or throws as kube does for fractions and overflow. */
  public long asInteger() {
    if (!isInteger()) {
      throw new ArithmeticException("cannot convert value to integer");
    }
    BigInteger i = value.toBigIntegerExact();
    return i.longValueExact();
  }

  public double asApproximateFloat() {
    return value.doubleValue();
  }

  public long sign() {
    return value.signum();
  }

  public KubeQuantity add(KubeQuantity o) {
    return new KubeQuantity(value.add(o.value));
  }

  public KubeQuantity sub(KubeQuantity o) {
    return new KubeQuantity(value.subtract(o.value));
  }

  @Override
  public int compareTo(KubeQuantity o) {
    return value.compareTo(o.value);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KubeQuantity q && value.compareTo(q.value) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(value.stripTrailingZeros());
  }

  @Override
  public String toString() {
    return value.stripTrailingZeros().toPlainString();
  }
}
