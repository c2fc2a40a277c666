package io.dekube.kubelet.runtime.sh;

import java.util.BitSet;
import java.util.regex.Pattern;

/**
 * Shell patterns ({@code *}, {@code ?}, {@code [a-z]}, {@code [!x]}) as regular expressions, for pathname
 * expansion and {@code case}; characters that were quoted match only themselves. Pure.
 */
final class Glob {

  private Glob() {
  }

  /** Whether {@code text} has a pattern character among its {@code active} (unquoted) ones. */
  static boolean hasPattern(String text, BitSet active) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (active.get(i) && (c == '*' || c == '?' || c == '[')) {
        return true;
      }
    }
    return false;
  }

  /** The regular expression of pattern {@code text}; {@code active}: which characters are not quoted. */
  static Pattern regex(String text, BitSet active) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!active.get(i)) {
        b.append(Pattern.quote(String.valueOf(c)));
      } else if (c == '*') {
        b.append(".*");
      } else if (c == '?') {
        b.append('.');
      } else if (c == '[' && text.indexOf(']', i + 2) > 0) {
        int end = text.indexOf(']', i + 2);
        String set = text.substring(i + 1, end);
        boolean negated = set.startsWith("!") || set.startsWith("^");
        b.append('[').append(negated ? "^" : "").append(set.substring(negated ? 1 : 0).replace("\\", "\\\\")
            .replace("[", "\\[")).append(']');
        i = end;
      } else if (c == '\\' && i + 1 < text.length()) {
        b.append(Pattern.quote(String.valueOf(text.charAt(++i))));
      } else {
        b.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return Pattern.compile(b.toString(), Pattern.DOTALL);
  }

  /** A pattern whose characters are all active. */
  static Pattern regex(String text) {
    BitSet all = new BitSet();
    all.set(0, text.length());
    return regex(text, all);
  }
}
