package io.dekube.kubelet.runtime.awk;

/**
 * An awk value: a number, a string, or a "strnum" (input that looks like a number: a field, a variable from
 * {@code -v}), which compares as a number against numbers. Immutable.
 */
record AwkValue(String text, double number, Kind kind) {

  enum Kind { NUMBER, STRING, STRNUM }

  static final AwkValue EMPTY = new AwkValue("", 0, Kind.STRNUM);
  /** A number as awk reads input: sign, digits, a point, an exponent. */
  private static final java.util.regex.Pattern NUMERIC =
      java.util.regex.Pattern.compile("[+-]?(\\d+\\.?\\d*([eE][+-]?\\d+)?|\\.\\d+([eE][+-]?\\d+)?)");
  private static final java.util.regex.Pattern LEADING_NUMBER =
      java.util.regex.Pattern.compile("\\s*(" + NUMERIC.pattern() + ")");

  static AwkValue of(double d) {
    return new AwkValue(null, d, Kind.NUMBER);
  }

  static AwkValue of(boolean b) {
    return of(b ? 1 : 0);
  }

  static AwkValue string(String s) {
    return new AwkValue(s, 0, Kind.STRING);
  }

  /** Input text: numeric when all of it reads as a number. */
  static AwkValue input(String s) {
    String t = s.strip();
    if (NUMERIC.matcher(t).matches()) {
      return new AwkValue(s, Double.parseDouble(t), Kind.STRNUM);
    }
    return new AwkValue(s, 0, Kind.STRING);
  }

  /** Compares as a number (a number, numeric input, or an unset variable). */
  boolean numeric() {
    return kind != Kind.STRING;
  }

  double toNumber() {
    if (kind != Kind.STRING) {
      return number;
    }
    return leadingNumber(text);
  }

  String toText() {
    return kind == Kind.NUMBER ? format(number) : text;
  }

  boolean truthy() {
    return switch (kind) {
      case NUMBER -> number != 0;
      case STRNUM -> !text.isEmpty() && number != 0;
      case STRING -> !text.isEmpty();
    };
  }

  /** How awk prints a number: integers as such, others with {@code %.6g}. */
  static String format(double d) {
    if (d == Math.rint(d) && Math.abs(d) < 1e16) {
      return Long.toString((long) d);
    }
    return AwkFormat.format("%.6g", java.util.List.of(of(d)));
  }

  /** The number a string starts with, as awk's string-to-number conversion reads it ("3abc" is 3). */
  static double leadingNumber(String s) {
    java.util.regex.Matcher m = LEADING_NUMBER.matcher(s);
    return m.lookingAt() ? Double.parseDouble(m.group(1)) : 0;
  }
}
