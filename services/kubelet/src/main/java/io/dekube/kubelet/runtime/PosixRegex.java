package io.dekube.kubelet.runtime;

import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * A POSIX regular expression as sed, grep and awk read it, in Java's syntax: basic (BRE: {@code \( \) \{ \} \+ \?
 * \|} are the operators, their plain characters literal; a leading {@code *} literal) or extended (ERE); bracket expressions
 * with {@code [:class:]} and a literal backslash; {@code \n}, {@code \t}, {@code \<} and {@code \>}. Pure.
 */
public final class PosixRegex {

  private PosixRegex() {
  }

  /** The compiled expression; {@link IllegalArgumentException} naming it when it is not valid. */
  static Pattern compile(String re, boolean extended, boolean ignoreCase) {
    try {
      return Pattern.compile(toJava(re, extended), ignoreCase ? Pattern.CASE_INSENSITIVE : 0);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException("bad regex '" + re + "': " + e.getDescription());
    }
  }

  /** {@code re} in Java's syntax (awk uses the extended form too). */
  public static String toJava(String re, boolean extended) {
    StringBuilder b = new StringBuilder();
    int i = 0;
    boolean atStart = true; // where a BRE's '*' is literal
    while (i < re.length()) {
      char c = re.charAt(i);
      if (c == '[') {
        i = bracket(re, i, b);
        atStart = false;
        continue;
      }
      if (c == '\\' && i + 1 < re.length()) {
        char e = re.charAt(i + 1);
        i += 2;
        if ("(){}+?|".indexOf(e) >= 0) {
          b.append(extended ? "\\" + e : String.valueOf(e));
          atStart = !extended && (e == '(' || e == '|');
          continue;
        }
        switch (e) {
          case 'n' -> b.append("\\n");
          case 't' -> b.append("\\t");
          case '<' -> b.append("\\b(?=\\w)");
          case '>' -> b.append("\\b(?<=\\w)");
          case 'w', 'W', 's', 'S', 'b', 'B' -> b.append('\\').append(e);
          default -> b.append(Character.isLetterOrDigit(e) && !Character.isDigit(e) ? String.valueOf(e)
              : "\\" + e);
        }
        atStart = false;
        continue;
      }
      if (!extended && "(){}+?|".indexOf(c) >= 0) {
        b.append('\\').append(c);
      } else if (c == '*' && atStart && !extended) {
        b.append("\\*");
      } else {
        b.append(c);
      }
      atStart = extended ? c == '(' || c == '|' : c == '^' && b.length() == 1;
      i++;
    }
    return b.toString();
  }

  /** Copies the bracket expression at {@code start} in Java's syntax; the index after it. */
  private static int bracket(String re, int start, StringBuilder b) {
    int i = start + 1;
    StringBuilder cls = new StringBuilder("[");
    if (i < re.length() && re.charAt(i) == '^') {
      cls.append('^');
      i++;
    }
    if (i < re.length() && re.charAt(i) == ']') {
      cls.append("\\]");
      i++;
    }
    while (i < re.length() && re.charAt(i) != ']') {
      char c = re.charAt(i);
      if (c == '[' && i + 1 < re.length() && re.charAt(i + 1) == ':') {
        int end = re.indexOf(":]", i + 2);
        if (end > 0) {
          cls.append(posixClass(re.substring(i + 2, end)));
          i = end + 2;
          continue;
        }
      }
      if (c == '\\' || c == '[' || c == '&' || c == '~' || c == '^' && i > start + 1) {
        cls.append('\\');
      }
      cls.append(c);
      i++;
    }
    if (i >= re.length()) {
      b.append("\\["); // unterminated: a literal '[', the rest read as it comes
      return start + 1;
    }
    b.append(cls).append(']');
    return i + 1;
  }

  private static String posixClass(String name) {
    return switch (name) {
      case "alpha" -> "\\p{Alpha}";
      case "digit" -> "0-9";
      case "alnum" -> "\\p{Alnum}";
      case "upper" -> "A-Z";
      case "lower" -> "a-z";
      case "space" -> "\\s";
      case "blank" -> " \\t";
      case "punct" -> "\\p{Punct}";
      case "xdigit" -> "0-9A-Fa-f";
      case "cntrl" -> "\\p{Cntrl}";
      case "print" -> "\\p{Print}";
      case "graph" -> "\\p{Graph}";
      default -> throw new IllegalArgumentException("bad character class '" + name + "'");
    };
  }
}
