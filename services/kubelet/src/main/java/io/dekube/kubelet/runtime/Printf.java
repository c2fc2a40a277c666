package io.dekube.kubelet.runtime;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;

/**
 * C's {@code printf} formats, for the shell's {@code printf} ({@link Printing}) and awk's {@code printf} and
 * {@code sprintf}: {@code %[-+ #0][WIDTH|*][.PRECISION|.*]} then {@code d i o u x X e E f F g G c s %} (and the
 * shell's {@code b}), length modifiers ({@code l h L q j z t}) skipped; numbers rounded from their exact binary value
 * as glibc does. Each caller reads its own arguments ({@link Args}). Pure.
 */
public final class Printf {

  /** The arguments of one format, read in order by its conversions; each gives a default once they run out. */
  public interface Args {
    /** For {@code %d %i %o %u %x %X} and a {@code *}. */
    long integer();

    /** For {@code %e %f %g}… */
    double number();

    /** For {@code %s}. */
    String string();

    /** For {@code %c}: the character (empty for none). */
    String character();

    /** For the shell's {@code %b}: the argument with its escapes read (false: {@code \c} ended the output); null: no {@code %b}. */
    default Boolean escaped(StringBuilder out) {
      return null;
    }
  }

  private Printf() {
  }

  /**
   * Appends {@code format} with its conversions filled from {@code args}; {@code escapes}: its backslash escapes
   * read too (the shell's, {@link #unescape}). False when {@code \c} ended the output.
   */
  public static boolean format(String format, Args args, boolean escapes, StringBuilder out) {
    int i = 0;
    while (i < format.length()) {
      char c = format.charAt(i);
      if (c == '\\' && escapes) {
        i = escape(format, i, out);
        if (i < 0) {
          return false;
        }
      } else if (c != '%' || i + 1 >= format.length()) {
        out.append(c);
        i++;
      } else {
        i = conversion(format, i, args, out);
        if (i < 0) {
          return false;
        }
      }
    }
    return true;
  }

  /** {@code format} filled from {@code args} (awk's sprintf, a number's {@code %.6g}). */
  public static String format(String format, Args args) {
    StringBuilder b = new StringBuilder();
    format(format, args, false, b);
    return b.toString();
  }

  /** One {@code %…} at {@code start}: appended; the index after it, -1 when {@code %b}'s {@code \c} ended the output. */
  private static int conversion(String f, int start, Args args, StringBuilder out) {
    int i = start + 1;
    String flags = "";
    while (i < f.length() && "-+ #0".indexOf(f.charAt(i)) >= 0) {
      flags += f.charAt(i++);
    }
    int width = 0;
    if (i < f.length() && f.charAt(i) == '*') {
      long w = args.integer();
      flags += w < 0 ? "-" : "";
      width = (int) Math.min(Math.abs(w), 1 << 20);
      i++;
    } else {
      while (i < f.length() && Character.isDigit(f.charAt(i))) {
        width = Math.min(width * 10 + f.charAt(i++) - '0', 1 << 20);
      }
    }
    int precision = -1;
    if (i < f.length() && f.charAt(i) == '.') {
      i++;
      precision = 0;
      if (i < f.length() && f.charAt(i) == '*') {
        long p = args.integer();
        precision = p < 0 ? -1 : (int) Math.min(p, 1 << 20);
        i++;
      } else {
        while (i < f.length() && Character.isDigit(f.charAt(i))) {
          precision = Math.min(precision * 10 + f.charAt(i++) - '0', 1 << 20);
        }
      }
    }
    while (i < f.length() && "lhLqjzt".indexOf(f.charAt(i)) >= 0) {
      i++;
    }
    if (i >= f.length()) {
      out.append(f, start, i);
      return i;
    }
    char conv = f.charAt(i);
    Spec spec = new Spec(flags, width, precision, conv);
    switch (conv) {
      case '%' -> out.append('%');
      case 'd', 'i' -> out.append(spec.pad(integer(spec, args.integer()), true));
      case 'o', 'u', 'x', 'X' -> out.append(spec.pad(unsigned(spec, args.integer()), true));
      case 'e', 'E', 'f', 'F', 'g', 'G' -> out.append(spec.pad(real(spec, args.number()), true));
      case 'c' -> out.append(spec.pad(args.character(), false));
      case 's' -> {
        String s = args.string();
        out.append(spec.pad(precision >= 0 && precision < s.length() ? s.substring(0, precision) : s, false));
      }
      case 'b' -> {
        StringBuilder b = new StringBuilder();
        Boolean more = args.escaped(b);
        if (more == null) {
          out.append(f, start, i + 1);
        } else {
          out.append(spec.pad(b.toString(), false));
          if (!more) {
            return -1;
          }
        }
      }
      default -> out.append(f, start, i + 1);
    }
    return i + 1;
  }

  /** A conversion's flags, width, precision and letter. */
  private record Spec(String flags, int width, int precision, char conv) {
    boolean has(char flag) {
      return flags.indexOf(flag) >= 0;
    }

    /** {@code body} (sign or prefix first) padded to the width: zeros after the sign for {@code 0} on numbers. */
    String pad(String body, boolean numeric) {
      if (body.length() >= width) {
        return body;
      }
      String fill = " ".repeat(width - body.length());
      if (has('-')) {
        return body + fill;
      }
      boolean zeros = numeric && has('0') && !(precision >= 0 && "diouxX".indexOf(conv) >= 0)
          && !body.endsWith("inf") && !body.endsWith("nan") && !body.endsWith("INF") && !body.endsWith("NAN");
      if (!zeros) {
        return fill + body;
      }
      int sign = body.startsWith("0x") || body.startsWith("0X") ? 2
          : !body.isEmpty() && "+- ".indexOf(body.charAt(0)) >= 0 ? 1 : 0;
      return body.substring(0, sign) + "0".repeat(width - body.length()) + body.substring(sign);
    }

    String sign(boolean negative) {
      return negative ? "-" : has('+') ? "+" : has(' ') ? " " : "";
    }
  }

  private static String integer(Spec spec, long v) {
    String digits = v == Long.MIN_VALUE ? "9223372036854775808" : Long.toString(Math.abs(v));
    return spec.sign(v < 0) + digits(spec, digits, v == 0);
  }

  private static String unsigned(Spec spec, long v) {
    String digits = switch (spec.conv()) {
      case 'o' -> Long.toOctalString(v);
      case 'x' -> Long.toHexString(v);
      case 'X' -> Long.toHexString(v).toUpperCase(java.util.Locale.ROOT);
      default -> Long.toUnsignedString(v);
    };
    String body = digits(spec, digits, v == 0);
    if (spec.has('#') && spec.conv() == 'o' && !body.startsWith("0")) {
      body = "0" + body;
    } else if (spec.has('#') && v != 0 && (spec.conv() == 'x' || spec.conv() == 'X')) {
      body = (spec.conv() == 'x' ? "0x" : "0X") + body;
    }
    return body;
  }

  /** At least {@code precision} digits; none for a zero at precision 0. */
  private static String digits(Spec spec, String digits, boolean zero) {
    if (spec.precision() == 0 && zero) {
      return "";
    }
    return digits.length() < spec.precision() ? "0".repeat(spec.precision() - digits.length()) + digits : digits;
  }

  private static String real(Spec spec, double v) {
    boolean upper = Character.isUpperCase(spec.conv());
    boolean negative = v < 0 || v == 0 && 1 / v < 0;
    String body;
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      body = Double.isNaN(v) ? "nan" : "inf";
      negative = v < 0;
    } else {
      int precision = spec.precision() < 0 ? 6 : spec.precision();
      double a = Math.abs(v);
      body = switch (Character.toLowerCase(spec.conv())) {
        case 'f' -> fixed(a, precision, spec.has('#'));
        case 'e' -> exponent(a, precision, spec.has('#'));
        default -> general(a, precision, spec.has('#'));
      };
    }
    body = spec.sign(negative) + body;
    return upper ? body.toUpperCase(java.util.Locale.ROOT) : body;
  }

  /** {@code %.Nf} of a non-negative finite number. */
  private static String fixed(double a, int precision, boolean point) {
    String s = new BigDecimal(a).setScale(precision, RoundingMode.HALF_EVEN).toPlainString();
    return point && precision == 0 ? s + "." : s;
  }

  /** {@code %.Ne} of a non-negative finite number. */
  private static String exponent(double a, int precision, boolean point) {
    int exp = 0;
    String digits;
    if (a == 0) {
      digits = "0".repeat(precision + 1);
    } else {
      BigDecimal r = new BigDecimal(a).round(new MathContext(precision + 1, RoundingMode.HALF_EVEN));
      String unscaled = r.unscaledValue().toString();
      exp = unscaled.length() - 1 - r.scale();
      digits = (unscaled + "0".repeat(precision + 1)).substring(0, precision + 1);
    }
    String mantissa = digits.substring(0, 1) + (precision > 0 || point ? "." : "") + digits.substring(1);
    return mantissa + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
  }

  /** {@code %.Ng}: {@code %e} when the exponent is below -4 or at least the precision, else {@code %f}; zeros dropped. */
  private static String general(double a, int precision, boolean keepZeros) {
    int p = precision == 0 ? 1 : precision;
    String e = exponent(a, p - 1, false);
    int exp = Integer.parseInt(e.substring(e.indexOf('e') + 1));
    String body = exp < -4 || exp >= p ? e : fixed(a, p - 1 - exp, false);
    if (keepZeros) {
      return body.contains(".") || body.contains("e") ? body : body + ".";
    }
    int mark = body.indexOf('e');
    String mantissa = mark < 0 ? body : body.substring(0, mark);
    if (mantissa.contains(".")) {
      mantissa = mantissa.replaceAll("0+$", "");
      mantissa = mantissa.endsWith(".") ? mantissa.substring(0, mantissa.length() - 1) : mantissa;
    }
    return mark < 0 ? mantissa : mantissa + body.substring(mark);
  }

  /**
   * Appends {@code s} with its backslash escapes read, as the shell's {@code printf} (its format and {@code %b}),
   * {@code echo -e} and dash's {@code echo} do; false when {@code \c} ended the output.
   */
  public static boolean unescape(String s, StringBuilder b) {
    int i = 0;
    while (i < s.length()) {
      if (s.charAt(i) == '\\') {
        i = escape(s, i, b);
        if (i < 0) {
          return false;
        }
      } else {
        b.append(s.charAt(i++));
      }
    }
    return true;
  }

  /**
   * Appends the escape at {@code i} (a backslash): {@code \a \b \e \f \n \r \t \v \\}, {@code \0NNN} and
   * {@code \NNN} (octal), {@code \xHH}; another is kept as written. The index after it; -1 for {@code \c}.
   */
  private static int escape(String s, int i, StringBuilder b) {
    if (i + 1 >= s.length()) {
      b.append('\\');
      return i + 1;
    }
    char n = s.charAt(i + 1);
    int next = i + 2;
    switch (n) {
      case 'n' -> b.append('\n');
      case 't' -> b.append('\t');
      case 'r' -> b.append('\r');
      case 'a' -> b.append('\007');
      case 'b' -> b.append('\b');
      case 'f' -> b.append('\f');
      case 'v' -> b.append('\013');
      case 'e' -> b.append('\033');
      case '\\' -> b.append('\\');
      case 'c' -> {
        return -1;
      }
      case 'x' -> {
        int end = next;
        while (end < s.length() && end < next + 2 && Character.digit(s.charAt(end), 16) >= 0) {
          end++;
        }
        b.append(end > next ? String.valueOf((char) Integer.parseInt(s.substring(next, end), 16)) : "\\x");
        next = end;
      }
      default -> {
        if (n >= '0' && n <= '7') {
          int from = n == '0' ? next : i + 1;
          int end = from;
          while (end < s.length() && end < from + 3 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
            end++;
          }
          b.append((char) (end > from ? Integer.parseInt(s.substring(from, end), 8) & 0xff : 0));
          next = end;
        } else {
          b.append('\\').append(n);
        }
      }
    }
    return next;
  }
}
