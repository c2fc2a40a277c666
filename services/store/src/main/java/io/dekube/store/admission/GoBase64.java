package io.dekube.store.admission;

/**
 * Where Go's {@code base64.StdEncoding} — what the apiserver's JSON decoding runs on a Secret's {@code data} and a
 * ConfigMap's {@code binaryData} — finds a value corrupt: it skips {@code \r} and {@code \n}, wants padding, and
 * refuses any other character outside the alphabet, padding in the first two places of a quantum, and anything after
 * the padding. Pure and thread-safe.
 */
final class GoBase64 {

  private GoBase64() {
  }

  /** The input byte Go's decoder reports ({@code illegal base64 data at input byte N}), or -1 when it decodes. */
  static int corruptAt(String s) {
    int si = 0;
    int n = s.length();
    while (true) {
      int j = 0;
      while (j < 4) {
        if (si == n) {
          return j == 0 ? -1 : si - j;
        }
        char in = s.charAt(si++);
        if (alphabet(in)) {
          j++;
        } else if (in == '\n' || in == '\r') {
          continue;
        } else if (in != '=' || j < 2) {
          return si - 1;
        } else {
          return afterPadding(s, si, j);
        }
      }
    }
  }

  /** The rest of a value once its first {@code =} (at {@code si - 1}, the {@code j}-th place of its quantum) was read. */
  private static int afterPadding(String s, int si, int j) {
    int n = s.length();
    if (j == 2) {
      si = skipNewlines(s, si);
      if (si == n) {
        return n;
      }
      if (s.charAt(si) != '=') {
        return si - 1;
      }
      si++;
    }
    si = skipNewlines(s, si);
    return si < n ? si : -1;
  }

  private static int skipNewlines(String s, int si) {
    while (si < s.length() && (s.charAt(si) == '\n' || s.charAt(si) == '\r')) {
      si++;
    }
    return si;
  }

  private static boolean alphabet(char c) {
    return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '+' || c == '/';
  }
}
