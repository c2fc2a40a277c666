package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * busybox's {@code echo [-neE] ARG…} (escapes with {@code -e}: {@code \n \t \\ \c}…) and
 * {@code printf FORMAT [ARG…]} (C's conversions by {@link Printf}, {@code %b}, the format's escapes, the format
 * reused while arguments are left; numbers read as C's {@code strtol}/{@code strtod} do, {@code 'c} as c's code).
 * Pure.
 */
final class Printing {

  private static final Pattern INTEGER = Pattern.compile("\\s*[+-]?(0[xX][0-9a-fA-F]+|0[0-7]*|[1-9][0-9]*)");
  private static final Pattern REAL = Pattern.compile("\\s*[+-]?(0[xX][0-9a-fA-F]+|(\\d+\\.?\\d*|\\.\\d+)"
      + "([eE][+-]?\\d+)?|inf(inity)?|nan)", Pattern.CASE_INSENSITIVE);

  private Printing() {
  }

  /** What {@code echo args} writes. */
  static String echo(List<String> args) {
    boolean newline = true;
    boolean escapes = false;
    int i = 0;
    while (i < args.size() && args.get(i).matches("-[neE]+")) {
      for (char c : args.get(i).substring(1).toCharArray()) {
        newline &= c != 'n';
        escapes = c == 'e' || (escapes && c != 'E');
      }
      i++;
    }
    String text = String.join(" ", args.subList(i, args.size()));
    if (escapes) {
      StringBuilder b = new StringBuilder();
      if (!Printf.unescape(text, b)) {
        return b.toString();
      }
      text = b.toString();
    }
    return newline ? text + "\n" : text;
  }

  /** {@code printf}: writes to {@code out}; 1 (with busybox's message) when a number is not one. */
  static int printf(List<String> args, ExecSession.Output out) {
    if (args.isEmpty()) {
      out.stderr(Buffer.buffer("Usage: printf FORMAT [ARG]...\n"));
      return 1;
    }
    String format = args.get(0);
    Words words = new Words(args.subList(1, args.size()));
    StringBuilder b = new StringBuilder();
    int used;
    do {
      used = words.at;
      if (!Printf.format(format, words, true, b)) {
        break; // \c
      }
    } while (words.at > used && words.at < words.args.size());
    out.stdout(Buffer.buffer(b.toString()));
    words.errors.forEach(e -> out.stderr(Buffer.buffer("printf: invalid number '" + e + "'\n")));
    return words.errors.isEmpty() ? 0 : 1;
  }

  /** printf's arguments, read as its conversions ask; those that are not wholly numbers noted. */
  private static final class Words implements Printf.Args {
    final List<String> args;
    final List<String> errors = new ArrayList<>();
    int at;

    Words(List<String> args) {
      this.args = args;
    }

    private String next() {
      return at < args.size() ? args.get(at++) : null;
    }

    /**
     * The next word's leading numeral in {@code syntax} (the word noted when it is not wholly one): "0" for an
     * empty or missing word, c's code for {@code 'c}.
     */
    private String numeral(Pattern syntax) {
      String a = next();
      if (a == null || a.isEmpty()) {
        return "0";
      }
      if (a.startsWith("'") || a.startsWith("\"")) {
        return a.length() > 1 ? Integer.toString(a.codePointAt(1)) : "0";
      }
      Matcher m = syntax.matcher(a);
      boolean found = m.lookingAt();
      if (!found || m.end() < a.length()) {
        errors.add(a);
      }
      return found ? m.group().trim() : "0";
    }

    @Override
    public long integer() {
      String n = numeral(INTEGER);
      try {
        return Long.decode(n.startsWith("+") ? n.substring(1) : n);
      } catch (NumberFormatException e) {
        return n.startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE; // out of range: clamped, as strtol does
      }
    }

    @Override
    public double number() {
      String n = numeral(REAL).toLowerCase(java.util.Locale.ROOT);
      boolean negative = n.startsWith("-");
      String unsigned = n.replaceFirst("^[+-]", "");
      double v = unsigned.startsWith("inf") ? Double.POSITIVE_INFINITY : unsigned.equals("nan") ? Double.NaN
          : unsigned.startsWith("0x") ? new java.math.BigInteger(unsigned.substring(2), 16).doubleValue()
          : Double.parseDouble(unsigned);
      return negative ? -v : v;
    }

    @Override
    public String string() {
      String a = next();
      return a == null ? "" : a;
    }

    @Override
    public String character() {
      String a = next();
      return a == null || a.isEmpty() ? "" : a.substring(0, Character.charCount(a.codePointAt(0)));
    }

    @Override
    public Boolean escaped(StringBuilder out) {
      String a = next();
      return a == null || Printf.unescape(a, out);
    }
  }
}
