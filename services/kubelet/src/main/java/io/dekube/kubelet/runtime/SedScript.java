package io.dekube.kubelet.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.regex.Pattern;

/**
 * A sed script parsed into its commands ({@link Sed} runs them). Each command keeps the state of its address
 * range. Errors are {@link IllegalArgumentException}s with busybox's wording where it has one.
 */
final class SedScript {

  /** An address: a line number, the last line, or a regular expression. */
  record Address(int line, boolean last, Pattern regex) {
    boolean matches(String ps, int lineNo, boolean isLast) {
      return last ? isLast : regex != null ? regex.matcher(ps).find() : lineNo == line;
    }
  }

  /** One command with its addresses and arguments. */
  static final class Command {
    private final Address from;
    private final Address to;
    private final boolean negated;
    private final char name;
    private Pattern regex;
    private String replacement = "";
    private boolean global;
    private boolean printOnReplace;
    private int occurrence = 1;
    private String text = "";
    private String yFrom = "";
    private String yTo = "";
    private int exitCode;
    private int blockEnd;
    private boolean active;

    Command(Address from, Address to, boolean negated, char name) {
      this.from = from;
      this.to = to;
      this.negated = negated;
      this.name = name;
    }

    char name() {
      return name;
    }

    Pattern regex() {
      return regex;
    }

    String replacement() {
      return replacement;
    }

    boolean global() {
      return global;
    }

    boolean printOnReplace() {
      return printOnReplace;
    }

    int occurrence() {
      return occurrence;
    }

    String text() {
      return text;
    }

    int exitCode() {
      return exitCode;
    }

    int blockEnd() {
      return blockEnd;
    }

    boolean ranged() {
      return to != null;
    }

    /** Within a range that goes on after this line. */
    boolean inRange() {
      return active;
    }

    String transliterate(String ps) {
      StringBuilder b = new StringBuilder(ps.length());
      for (char c : ps.toCharArray()) {
        int at = yFrom.indexOf(c);
        b.append(at >= 0 ? yTo.charAt(at) : c);
      }
      return b.toString();
    }

    /** Whether this line is selected; moves the range's state on. */
    boolean selects(String ps, int lineNo, boolean last) {
      boolean hit;
      if (from == null) {
        hit = true;
      } else if (to == null) {
        hit = from.matches(ps, lineNo, last);
      } else if (!active) {
        hit = from.matches(ps, lineNo, last);
        // a second address that is a line number at or before this one selects this line only
        active = hit && !(to.regex() == null && !to.last() && to.line() <= lineNo) && !(to.last() && last);
      } else {
        hit = true;
        active = !to.matches(ps, lineNo, last) && !(to.regex() == null && !to.last() && lineNo >= to.line());
      }
      return hit != negated;
    }
  }

  private final String s;
  private final boolean extended;
  private int pos;

  private SedScript(String s, boolean extended) {
    this.s = s;
    this.extended = extended;
  }

  static List<Command> parse(String script, boolean extended) {
    return new SedScript(script, extended).commands();
  }

  private List<Command> commands() {
    List<Command> out = new ArrayList<>();
    Deque<Integer> blocks = new ArrayDeque<>();
    while (true) {
      while (pos < s.length() && (Character.isWhitespace(s.charAt(pos)) || s.charAt(pos) == ';')) {
        pos++;
      }
      if (pos >= s.length()) {
        break;
      }
      if (s.charAt(pos) == '#') {
        skipLine();
        continue;
      }
      if (s.charAt(pos) == '}') {
        if (blocks.isEmpty()) {
          throw new IllegalArgumentException("unexpected '}'");
        }
        out.get(blocks.pop()).blockEnd = out.size();
        out.add(new Command(null, null, false, '}'));
        pos++;
        continue;
      }
      Address from = address();
      Address to = null;
      if (from != null && peek() == ',') {
        pos++;
        to = address();
        if (to == null) {
          throw new IllegalArgumentException("unexpected ','");
        }
      }
      skipBlanks();
      boolean negated = peek() == '!';
      if (negated) {
        pos++;
        skipBlanks();
      }
      if (pos >= s.length()) {
        throw new IllegalArgumentException("missing command");
      }
      Command c = new Command(from, to, negated, s.charAt(pos++));
      arguments(c);
      if (c.name == '{') {
        blocks.push(out.size());
      }
      out.add(c);
    }
    if (!blocks.isEmpty()) {
      throw new IllegalArgumentException("unmatched '{'");
    }
    return out;
  }

  private void arguments(Command c) {
    switch (c.name) {
      case 's' -> {
        char delim = next("unterminated `s' command");
        c.regex = PosixRegex.compile(part(delim), extended, false);
        c.replacement = part(delim);
        boolean ignoreCase = false;
        while (pos < s.length() && "gpiI0123456789".indexOf(s.charAt(pos)) >= 0) {
          char f = s.charAt(pos++);
          if (f == 'g') {
            c.global = true;
          } else if (f == 'p') {
            c.printOnReplace = true;
          } else if (f == 'i' || f == 'I') {
            ignoreCase = true;
          } else {
            int start = pos - 1;
            while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
              pos++;
            }
            c.occurrence = Integer.parseInt(s.substring(start, pos));
          }
        }
        if (ignoreCase) {
          c.regex = Pattern.compile(c.regex.pattern(), Pattern.CASE_INSENSITIVE);
        }
        end(c);
      }
      case 'y' -> {
        char delim = next("unterminated `y' command");
        c.yFrom = unescape(part(delim));
        c.yTo = unescape(part(delim));
        if (c.yFrom.length() != c.yTo.length()) {
          throw new IllegalArgumentException("strings for y command are different lengths");
        }
        end(c);
      }
      case 'a', 'i', 'c' -> c.text = text();
      case 'q', 'Q' -> {
        skipBlanks();
        int start = pos;
        while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
          pos++;
        }
        c.exitCode = start == pos ? 0 : Integer.parseInt(s.substring(start, pos));
        end(c);
      }
      case 'd', 'D', 'p', 'P', '=', 'n', 'N', 'h', 'H', 'g', 'G', 'x', '{' -> {
        if (c.name != '{') {
          end(c);
        }
      }
      default -> throw new IllegalArgumentException("unsupported command " + c.name);
    }
  }

  /** After a command: blanks, then the end of the script, a newline, ';', '}' or a comment. */
  private void end(Command c) {
    skipBlanks();
    if (pos < s.length() && "\n;}#".indexOf(s.charAt(pos)) < 0) {
      throw new IllegalArgumentException("extra characters after command " + c.name);
    }
  }

  private Address address() {
    char c = peek();
    if (Character.isDigit(c)) {
      int start = pos;
      while (pos < s.length() && Character.isDigit(s.charAt(pos))) {
        pos++;
      }
      return new Address(Integer.parseInt(s.substring(start, pos)), false, null);
    }
    if (c == '$') {
      pos++;
      return new Address(0, true, null);
    }
    if (c == '/' || c == '\\') {
      pos++;
      char delim = c == '/' ? '/' : next("unterminated address regex");
      String re = part(delim);
      boolean ignoreCase = peek() == 'I';
      if (ignoreCase) {
        pos++;
      }
      return new Address(0, false, PosixRegex.compile(re, extended, ignoreCase));
    }
    return null;
  }

  /** Up to the unescaped {@code delim} (consumed); {@code \delim} becomes the delimiter itself. */
  private String part(char delim) {
    StringBuilder b = new StringBuilder();
    while (pos < s.length() && s.charAt(pos) != delim) {
      char c = s.charAt(pos++);
      if (c == '\\' && pos < s.length()) {
        char e = s.charAt(pos++);
        if (e == delim) {
          b.append(e);
        } else if (e == '\n') {
          b.append('\n');
        } else {
          b.append('\\').append(e);
        }
      } else {
        b.append(c);
      }
    }
    if (pos >= s.length()) {
      throw new IllegalArgumentException("unmatched '" + delim + "'");
    }
    pos++;
    return b.toString();
  }

  /** The text of {@code a}, {@code i} or {@code c}: {@code a\}, a newline, then lines ending in {@code \}; or GNU's one-liner. */
  private String text() {
    skipBlanks();
    if (peek() == '\\') {
      pos++;
      if (peek() == '\n') {
        pos++;
      }
    }
    StringBuilder b = new StringBuilder();
    while (pos < s.length() && s.charAt(pos) != '\n') {
      char c = s.charAt(pos++);
      if (c == '\\' && pos < s.length()) {
        char e = s.charAt(pos++);
        b.append(e == 't' ? '\t' : e);
      } else {
        b.append(c);
      }
    }
    return b.toString();
  }

  private static String unescape(String t) {
    return t.replace("\\n", "\n").replace("\\t", "\t").replace("\\\\", "\\");
  }

  private char next(String error) {
    if (pos >= s.length()) {
      throw new IllegalArgumentException(error);
    }
    return s.charAt(pos++);
  }

  private char peek() {
    return pos < s.length() ? s.charAt(pos) : '\0';
  }

  private void skipBlanks() {
    while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
      pos++;
    }
  }

  private void skipLine() {
    while (pos < s.length() && s.charAt(pos) != '\n') {
      pos++;
    }
  }
}
