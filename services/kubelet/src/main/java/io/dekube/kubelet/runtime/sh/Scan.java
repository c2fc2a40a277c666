package io.dekube.kubelet.runtime.sh;

/**
 * Finds where the quoted and nested parts of a word end ({@code '…'}, {@code "…"}, {@code `…`}, {@code $(…)},
 * {@code $((…))}, {@code ${…}}), for the lexer and for word expansion alike. Each method takes the index of the
 * opening character and returns the index of the closing one, or -1 when the text ends first. Pure.
 */
final class Scan {

  private Scan() {
  }

  /** The closing {@code '} of a single-quoted part opened at {@code at}. */
  static int singleQuote(String s, int at) {
    return s.indexOf('\'', at + 1);
  }

  /** The closing {@code "} of a double-quoted part opened at {@code at}. */
  static int doubleQuote(String s, int at) {
    int i = at + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '"') {
        return i;
      }
      i = next(s, i, true);
      if (i < 0) {
        return -1;
      }
    }
    return -1;
  }

  /** The closing back-quote of a command substitution opened at {@code at}. */
  static int backQuote(String s, int at) {
    for (int i = at + 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\') {
        i++;
      } else if (c == '`') {
        return i;
      }
    }
    return -1;
  }

  /** The {@code )} that closes the {@code (} at {@code at} (nested parentheses and quotes skipped). */
  static int paren(String s, int at) {
    int depth = 0;
    int i = at;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '(') {
        depth++;
        i++;
      } else if (c == ')') {
        if (--depth == 0) {
          return i;
        }
        i++;
      } else {
        i = next(s, i, false);
        if (i < 0) {
          return -1;
        }
      }
    }
    return -1;
  }

  /** The {@code }} that closes the {@code ${} whose {@code {} is at {@code at}. */
  static int brace(String s, int at) {
    int i = at + 1;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '}') {
        return i;
      }
      i = next(s, i, false);
      if (i < 0) {
        return -1;
      }
    }
    return -1;
  }

  /**
   * The index after the element starting at {@code i}: one character, an escaped pair, or a whole quoted or
   * substituted part; -1 when that part is not closed. {@code inDouble}: single quotes are plain characters.
   */
  static int next(String s, int i, boolean inDouble) {
    char c = s.charAt(i);
    int end;
    if (c == '\\') {
      return Math.min(i + 2, s.length());
    } else if (c == '\'' && !inDouble) {
      end = singleQuote(s, i);
    } else if (c == '"' && !inDouble) {
      end = doubleQuote(s, i);
    } else if (c == '`') {
      end = backQuote(s, i);
    } else if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '(') {
      end = paren(s, i + 1);
    } else if (c == '$' && i + 1 < s.length() && s.charAt(i + 1) == '{') {
      end = brace(s, i + 1);
    } else {
      return i + 1;
    }
    return end < 0 ? -1 : end + 1;
  }
}
