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

  /**
   * What dash's {@code echo args} writes (the {@code sh} of Debian and Ubuntu): only {@code -n} is an option, and
   * backslash escapes are always read ({@code \c} ends the output), as busybox's and bash's {@code echo} do not.
   */
  static String dashEcho(List<String> args) {
    boolean newline = args.isEmpty() || !args.get(0).equals("-n");
    StringBuilder b = new StringBuilder();
    if (!Printf.unescape(String.join(" ", newline ? args : args.subList(1, args.size())), b)) {
      return b.toString();
    }
    return newline ? b.append('\n').toString() : b.toString();
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

    @Override
    public long integer() {
      String a = next();
      if (a == null || a.isEmpty()) {
        return 0;
      }
      if (a.startsWith("'") || a.startsWith("\"")) {
        return a.length() > 1 ? a.codePointAt(1) : 0;
      }
      Matcher m = INTEGER.matcher(a);
      long v = 0;
      if (m.lookingAt()) {
        try {
          v = Long.decode(m.group().trim().replaceFirst("^\\+", ""));
        } catch (NumberFormatException e) {
          v = m.group().trim().startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE; // out of range: clamped, as strtol
        }
      }
      if (!m.lookingAt() || m.end() < a.length()) {
        errors.add(a);
      }
      return v;
    }

    @Override
    public double number() {
      String a = next();
      if (a == null || a.isEmpty()) {
        return 0;
      }
      if (a.startsWith("'") || a.startsWith("\"")) {
        return a.length() > 1 ? a.codePointAt(1) : 0;
      }
      Matcher m = REAL.matcher(a);
      if (!m.lookingAt() || m.end() < a.length()) {
        errors.add(a);
      }
      if (!m.lookingAt()) {
        return 0;
      }
      String n = m.group().trim().toLowerCase(java.util.Locale.ROOT);
      boolean negative = n.startsWith("-");
      String unsigned = n.replaceFirst("^[+-]", "");
      double v = unsigned.startsWith("inf") ? Double.POSITIVE_INFINITY : unsigned.equals("nan") ? Double.NaN
          : unsigned.startsWith("0x") ? Long.parseLong(unsigned.substring(2), 16) : Double.parseDouble(unsigned);
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
