package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.Locale;

/**
 * busybox's {@code echo [-neE] ARG…} (escapes with {@code -e}: {@code \n \t \\ \c}…) and
 * {@code printf FORMAT [ARG…]} ({@code %s %d %i %x %o %c %b %%} with width and precision, the format
 * reused while arguments are left). Pure.
 */
final class Printing {

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
      if (!unescape(text, b)) {
        return b.toString();
      }
      text = b.toString();
    }
    return newline ? text + "\n" : text;
  }

  /** Appends {@code s} with its backslash escapes read; false when {@code \c} ended the output. */
  static boolean unescape(String s, StringBuilder b) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c != '\\' || i + 1 >= s.length()) {
        b.append(c);
        continue;
      }
      char n = s.charAt(++i);
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
          return false;
        }
        case '0' -> {
          int end = i + 1;
          while (end < s.length() && end < i + 4 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
            end++;
          }
          b.append((char) (end > i + 1 ? Integer.parseInt(s.substring(i + 1, end), 8) : 0));
          i = end - 1;
        }
        default -> b.append('\\').append(n);
      }
    }
    return true;
  }

  /** {@code printf}: writes to {@code out}; 1 (with busybox's message) when a number is not one. */
  static int printf(List<String> args, ExecSession.Output out) {
    if (args.isEmpty()) {
      out.stderr(Buffer.buffer("Usage: printf FORMAT [ARG]...\n"));
      return 1;
    }
    String format = args.get(0);
    List<String> rest = args.subList(1, args.size());
    StringBuilder b = new StringBuilder();
    int used = 0;
    int code = 0;
    do {
      int[] at = {used};
      code |= once(format, rest, at, b);
      if (at[0] == used) {
        break;
      }
      used = at[0];
    } while (used < rest.size());
    out.stdout(Buffer.buffer(b.toString()));
    return code;
  }

  private static int once(String f, List<String> args, int[] at, StringBuilder b) {
    int code = 0;
    for (int i = 0; i < f.length(); i++) {
      char c = f.charAt(i);
      if (c == '\\') {
        int end = Math.min(i + 2, f.length());
        unescape(f.substring(i, end), b);
        i = end - 1;
      } else if (c != '%' || i + 1 >= f.length()) {
        b.append(c);
      } else if (f.charAt(i + 1) == '%') {
        b.append('%');
        i++;
      } else {
        int start = i;
        i++;
        while (i < f.length() && "-+ #0123456789.".indexOf(f.charAt(i)) >= 0) {
          i++;
        }
        if (i >= f.length()) {
          b.append(f, start, i);
          break;
        }
        char conv = f.charAt(i);
        String spec = f.substring(start, i);
        String arg = at[0] < args.size() ? args.get(at[0]++) : "";
        switch (conv) {
          case 'd', 'i', 'x', 'X', 'o', 'u' -> {
            long v;
            try {
              v = arg.isEmpty() ? 0 : Long.decode(arg.trim());
            } catch (NumberFormatException e) {
              b.append(String.format(Locale.ROOT, spec + "d", 0L));
              code = 1;
              continue;
            }
            b.append(String.format(Locale.ROOT, spec + (conv == 'i' || conv == 'u' ? 'd' : conv), v));
          }
          case 'c' -> b.append(arg.isEmpty() ? "" : arg.substring(0, 1));
          case 'b' -> unescape(arg, b);
          case 'f', 'e', 'g' -> {
            double v;
            try {
              v = arg.isEmpty() ? 0 : Double.parseDouble(arg);
            } catch (NumberFormatException e) {
              v = 0;
              code = 1;
            }
            b.append(String.format(Locale.ROOT, spec + conv, v));
          }
          default -> b.append(String.format(Locale.ROOT, spec + "s", arg));
        }
      }
    }
    return code;
  }
}
