package io.dekube.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 500m}, {@code 128Mi}, {@code 2}) as exact decimals, and
 * their canonical text as Go's {@code resource.Quantity.String()} prints it in kube's messages:
 * decimal amounts with the largest SI suffix that keeps an integer mantissa ({@code 0.5} →
 * {@code 500m}, {@code 2000} → {@code 2k}, {@code 1500} → {@code 1500}), binary ones
 * ({@code Ki}, {@code Mi}…) by powers of 1024 when integral and at least 1024, else as decimal.
 * Pure and thread-safe.
 */
public final class Quantities {

  private static final Pattern SYNTAX = Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([eE][+-]?[0-9]+|[a-zA-Z]*)");
  private static final String[] BINARY = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};
  private static final BigDecimal KI = BigDecimal.valueOf(1024);

  private Quantities() {
  }

  /**
   * An amount and whether it was written with a binary suffix (Go's {@code BinarySI} format, kept
   * by sums so that memory prints as {@code 256Mi}).
   */
  public record Amount(BigDecimal value, boolean binary) implements Comparable<Amount> {

    /** Zero, decimal. */
    public static final Amount ZERO = new Amount(BigDecimal.ZERO, false);

    /** A whole decimal number. */
    public static Amount of(long n) {
      return new Amount(BigDecimal.valueOf(n), false);
    }

    /** This plus {@code o}, in the format of the first non-zero operand (as Go's {@code Quantity.Add}). */
    public Amount plus(Amount o) {
      return new Amount(value.add(o.value), value.signum() == 0 ? o.binary : binary);
    }

    /** This minus {@code o}. */
    public Amount minus(Amount o) {
      return new Amount(value.subtract(o.value), value.signum() == 0 ? o.binary : binary);
    }

    /** The value in thousandths, rounded up (Go's {@code MilliValue}). */
    public long milli() {
      return value.movePointRight(3).setScale(0, RoundingMode.CEILING).longValue();
    }

    @Override
    public int compareTo(Amount o) {
      return value.compareTo(o.value);
    }

    /** The canonical text, as Go prints the quantity. */
    @Override
    public String toString() {
      return format(value, binary);
    }
  }

  /** Parses a quantity; {@link IllegalArgumentException} when it is not one. */
  public static Amount parse(String text) {
    Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
    if (!m.matches()) {
      throw new IllegalArgumentException("quantities must match the regular expression "
          + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    }
    BigDecimal number = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
    String suffix = m.group(2);
    BigDecimal value;
    boolean binary = false;
    if (!suffix.isEmpty() && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E') && suffix.length() > 1) {
      value = number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1)));
    } else if (suffix.length() == 2 && suffix.charAt(1) == 'i') {
      int power = "KMGTPE".indexOf(suffix.charAt(0)) + 1;
      if (power == 0) {
        throw new IllegalArgumentException("unable to parse quantity's suffix");
      }
      value = number.multiply(KI.pow(power));
      binary = true;
    } else {
      value = number.scaleByPowerOfTen(decimalExponent(suffix));
    }
    // Go keeps at most nano precision, rounding up
    if (value.scale() > 9) {
      value = value.setScale(9, RoundingMode.CEILING);
    }
    return new Amount(value, binary);
  }

  /** The amount of a JSON quantity (a string or a number); null when absent or not a quantity. */
  public static Amount parse(JsonNode node) {
    if (node == null || node.isNull() || node.isMissingNode()) {
      return null;
    }
    try {
      return parse(node.asText());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static int decimalExponent(String suffix) {
    return switch (suffix) {
      case "" -> 0;
      case "n" -> -9;
      case "u" -> -6;
      case "m" -> -3;
      case "k" -> 3;
      case "M" -> 6;
      case "G" -> 9;
      case "T" -> 12;
      case "P" -> 15;
      case "E" -> 18;
      default -> throw new IllegalArgumentException("unable to parse quantity's suffix");
    };
  }

  /** The canonical text of {@code value} (see the class comment). */
  public static String format(BigDecimal value, boolean binary) {
    if (value.signum() == 0) {
      return "0";
    }
    if (binary && value.abs().compareTo(KI) >= 0 && value.stripTrailingZeros().scale() <= 0) {
      BigInteger n = value.toBigIntegerExact();
      int power = 0;
      BigInteger ki = BigInteger.valueOf(1024);
      while (power < BINARY.length - 1 && n.mod(ki).signum() == 0) {
        n = n.divide(ki);
        power++;
      }
      return n + BINARY[power];
    }
    BigDecimal stripped = value.stripTrailingZeros();
    int exponent = -stripped.scale();
    BigInteger mantissa = stripped.unscaledValue();
    int r = Math.floorMod(exponent, 3);
    mantissa = mantissa.multiply(BigInteger.TEN.pow(r));
    exponent -= r;
    String suffix = switch (exponent) {
      case -9 -> "n";
      case -6 -> "u";
      case -3 -> "m";
      case 0 -> "";
      case 3 -> "k";
      case 6 -> "M";
      case 9 -> "G";
      case 12 -> "T";
      case 15 -> "P";
      case 18 -> "E";
      default -> null;
    };
    return suffix == null ? mantissa + "e" + exponent : mantissa + suffix;
  }
}
