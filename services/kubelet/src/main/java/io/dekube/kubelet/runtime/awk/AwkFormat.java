package io.dekube.kubelet.runtime.awk;

import java.util.List;
import java.util.Locale;

/** awk's {@code printf}/{@code sprintf} formats: {@code %[-+ #0][width|*][.prec|.*]} with {@code d i o x X u c s e E f g G %}. */
final class AwkFormat {

  private AwkFormat() {
  }

  static String format(String fmt, List<AwkValue> args) {
    StringBuilder b = new StringBuilder();
    int next = 0;
    int i = 0;
    while (i < fmt.length()) {
      char c = fmt.charAt(i++);
      if (c != '%') {
        b.append(c);
        continue;
      }
      if (i < fmt.length() && fmt.charAt(i) == '%') {
        b.append('%');
        i++;
        continue;
      }
      StringBuilder spec = new StringBuilder("%");
      while (i < fmt.length() && "-+ #0".indexOf(fmt.charAt(i)) >= 0) {
        spec.append(fmt.charAt(i++));
      }
      while (i < fmt.length() && (Character.isDigit(fmt.charAt(i)) || fmt.charAt(i) == '*' || fmt.charAt(i) == '.')) {
        char d = fmt.charAt(i++);
        if (d == '*') {
          spec.append((int) (next < args.size() ? args.get(next++).toNumber() : 0));
        } else {
          spec.append(d);
        }
      }
      if (i >= fmt.length()) {
        b.append(spec);
        break;
      }
      char conv = fmt.charAt(i++);
      AwkValue v = next < args.size() ? args.get(next++) : AwkValue.EMPTY;
      try {
        b.append(one(spec.toString(), conv, v));
      } catch (java.util.IllegalFormatException e) {
        b.append(spec).append(conv); // flags Java refuses together (e.g. "-0"): the spec as written
      }
    }
    return b.toString();
  }

  private static String one(String spec, char conv, AwkValue v) {
    String noPrecision = spec.replaceAll("\\.\\d*", "");
    return switch (conv) {
      case 'd', 'i', 'u' -> String.format(Locale.ROOT, noPrecision.replace("#", "") + "d", (long) v.toNumber());
      case 'o' -> String.format(Locale.ROOT, noPrecision.replace("+", "").replace(" ", "") + "o", (long) v.toNumber());
      case 'x', 'X' -> String.format(Locale.ROOT, noPrecision.replace("+", "").replace(" ", "") + conv,
          (long) v.toNumber());
      case 'c' -> String.format(Locale.ROOT, noPrecision.replace("0", "") + "s", v.kind() == AwkValue.Kind.NUMBER
          ? String.valueOf((char) (int) v.toNumber()) : v.toText().isEmpty() ? "" : v.toText().substring(0, 1));
      case 's' -> String.format(Locale.ROOT, spec.replace("0", "").replace("+", "").replace(" ", "").replace("#", "")
          + "s", v.kind() == AwkValue.Kind.NUMBER ? AwkValue.format(v.number()) : v.toText());
      case 'e', 'E', 'f', 'F' -> String.format(Locale.ROOT, spec + Character.toLowerCase(conv) , v.toNumber());
      case 'g', 'G' -> general(spec, conv, v.toNumber());
      default -> spec + conv;
    };
  }

  /** C's {@code %g}: the shorter of {@code %e} and {@code %f} at the precision, trailing zeros dropped. */
  private static String general(String spec, char conv, double d) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("%([-+ #0]*)(\\d*)(?:\\.(\\d*))?").matcher(spec);
    m.matches();
    int precision = m.group(3) == null ? 6 : m.group(3).isEmpty() ? 0 : Integer.parseInt(m.group(3));
    precision = Math.max(precision, 1);
    String body;
    if (d == 0) {
      body = "0";
    } else {
      String e = String.format(Locale.ROOT, "%." + (precision - 1) + "e", d);
      int exp = Integer.parseInt(e.substring(e.indexOf('e') + 1));
      if (exp < -4 || exp >= precision) {
        String mant = e.substring(0, e.indexOf('e'));
        if (!m.group(1).contains("#") && mant.contains(".")) {
          mant = mant.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        body = mant + "e" + (exp < 0 ? "-" : "+") + (Math.abs(exp) < 10 ? "0" : "") + Math.abs(exp);
      } else {
        body = String.format(Locale.ROOT, "%." + Math.max(0, precision - 1 - exp) + "f", d);
        if (!m.group(1).contains("#") && body.contains(".")) {
          body = body.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
      }
    }
    if (conv == 'G') {
      body = body.toUpperCase(Locale.ROOT);
    }
    if (m.group(1).contains("+") && d >= 0) {
      body = "+" + body;
    }
    String width = m.group(2);
    return width.isEmpty() ? body : String.format(Locale.ROOT, "%" + (m.group(1).contains("-") ? "-" : "") + width
        + "s", body);
  }
}
