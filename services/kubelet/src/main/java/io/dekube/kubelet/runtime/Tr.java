package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;

/**
 * busybox's {@code tr [-cds] SET1 [SET2]}: translates, deletes ({@code -d}) or squeezes ({@code -s}) the characters
 * of its input; sets take ranges ({@code a-z}), classes ({@code [:upper:]}, {@code [:digit:]}, {@code [:space:]}…),
 * and the escapes {@code \n \t \r \\ \NNN}; {@code -c} complements SET1; a shorter SET2 repeats its last character.
 * Pure: one instance per command, fed its input in pieces ({@link #apply}).
 */
final class Tr {

  private final boolean delete;
  private final boolean squeeze;
  private final BitSet from;
  private final char[] map = new char[Character.MAX_VALUE + 1];
  private final BitSet squeezed;
  private int last = -1;

  private Tr(boolean complement, boolean delete, boolean squeeze, List<Character> set1, List<Character> set2) {
    this.delete = delete;
    this.squeeze = squeeze;
    BitSet in = new BitSet();
    set1.forEach(c -> in.set(c));
    if (complement) {
      in.flip(0, Character.MAX_VALUE + 1);
    }
    this.from = in;
    for (int c = 0; c <= Character.MAX_VALUE; c++) {
      map[c] = (char) c;
    }
    boolean translate = !delete && !set2.isEmpty();
    if (translate) {
      if (complement) {
        char to = set2.get(set2.size() - 1);
        in.stream().forEach(c -> map[c] = to);
      } else {
        for (int i = 0; i < set1.size(); i++) {
          map[set1.get(i)] = set2.get(Math.min(i, set2.size() - 1));
        }
      }
    }
    // -s squeezes the last set given: SET2 when translating or deleting with two sets, else SET1
    BitSet s = new BitSet();
    if (set2.isEmpty()) {
      s.or(in);
    } else {
      set2.forEach(c -> s.set(c));
    }
    this.squeezed = s;
  }

  /** The command for {@code args}, or empty after its usage went to {@code out}'s stderr. */
  static java.util.Optional<Tr> of(List<String> args, ExecSession.Output out) {
    boolean complement = false;
    boolean delete = false;
    boolean squeeze = false;
    List<String> sets = new ArrayList<>();
    for (String a : args) {
      if (sets.isEmpty() && a.matches("-[cdsC]+")) {
        complement |= a.contains("c") || a.contains("C");
        delete |= a.contains("d");
        squeeze |= a.contains("s");
      } else {
        sets.add(a);
      }
    }
    int wanted = delete == squeeze ? 2 : 1; // -d -s and plain translation take two sets, -d or -s one
    if (sets.size() < wanted || sets.size() > 2) {
      out.stderr(Buffer.buffer("BusyBox v1.36.1 multi-call binary.\n\nUsage: tr [-cds] STRING1 [STRING2]\n"));
      return java.util.Optional.empty();
    }
    List<Character> set1 = expand(sets.get(0));
    List<Character> set2 = sets.size() > 1 ? expand(sets.get(1)) : List.of();
    return java.util.Optional.of(new Tr(complement, delete, squeeze, set1, set2));
  }

  /** The output for the next piece of input (squeezing carries over between pieces). */
  String apply(String text) {
    StringBuilder b = new StringBuilder(text.length());
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (delete && from.get(c)) {
        continue;
      }
      char t = delete ? c : map[c];
      if (squeeze && squeezed.get(t) && last == t) {
        continue;
      }
      b.append(t);
      last = t;
    }
    return b.toString();
  }

  /** A set's characters in order: escapes, ranges and classes expanded. */
  static List<Character> expand(String set) {
    List<Character> chars = new ArrayList<>();
    int i = 0;
    while (i < set.length()) {
      if (set.startsWith("[:", i) && set.indexOf(":]", i + 2) > 0) {
        int end = set.indexOf(":]", i + 2);
        String cls = set.substring(i + 2, end);
        for (int c = 0; c < 128; c++) {
          if (inClass(cls, (char) c)) {
            chars.add((char) c);
          }
        }
        i = end + 2;
        continue;
      }
      int[] next = new int[1];
      char c = charAt(set, i, next);
      if (next[0] < set.length() - 1 && set.charAt(next[0]) == '-') {
        int[] after = new int[1];
        char to = charAt(set, next[0] + 1, after);
        for (char x = c; x <= to; x++) {
          chars.add(x);
        }
        i = after[0];
      } else {
        chars.add(c);
        i = next[0];
      }
    }
    return chars;
  }

  private static char charAt(String s, int i, int[] next) {
    char c = s.charAt(i);
    if (c != '\\' || i + 1 >= s.length()) {
      next[0] = i + 1;
      return c;
    }
    char e = s.charAt(i + 1);
    next[0] = i + 2;
    switch (e) {
      case 'n':
        return '\n';
      case 't':
        return '\t';
      case 'r':
        return '\r';
      case 'a':
        return 7;
      case 'b':
        return '\b';
      case 'f':
        return '\f';
      case 'v':
        return 11;
      default:
        break;
    }
    if (e >= '0' && e <= '7') {
      int end = i + 1;
      int v = 0;
      while (end < s.length() && end < i + 4 && s.charAt(end) >= '0' && s.charAt(end) <= '7') {
        v = v * 8 + (s.charAt(end) - '0');
        end++;
      }
      next[0] = end;
      return (char) v;
    }
    return e;
  }

  private static boolean inClass(String cls, char c) {
    return switch (cls) {
      case "alpha" -> Character.isLetter(c);
      case "digit" -> c >= '0' && c <= '9';
      case "alnum" -> Character.isLetterOrDigit(c);
      case "upper" -> c >= 'A' && c <= 'Z';
      case "lower" -> c >= 'a' && c <= 'z';
      case "space" -> c == ' ' || c >= 9 && c <= 13;
      case "blank" -> c == ' ' || c == '\t';
      case "punct" -> c > 32 && c < 127 && !Character.isLetterOrDigit(c);
      case "xdigit" -> Character.digit(c, 16) >= 0;
      case "cntrl" -> c < 32 || c == 127;
      case "print" -> c >= 32 && c < 127;
      case "graph" -> c > 32 && c < 127;
      default -> false;
    };
  }
}
