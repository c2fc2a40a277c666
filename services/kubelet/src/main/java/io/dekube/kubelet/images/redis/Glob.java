package io.dekube.kubelet.images.redis;

/**
 * Redis's glob patterns ({@code KEYS}, {@code CONFIG GET}): {@code *}, {@code ?}, {@code [abc]}, {@code [^a]},
 * {@code [a-z]} and {@code \} escaping the next character. Pure.
 */
final class Glob {

  private Glob() {
  }

  static boolean matches(String pattern, String s, boolean nocase) {
    return match(pattern, 0, s, 0, nocase);
  }

  private static boolean match(String p, int pi, String s, int si, boolean nocase) {
    while (pi < p.length()) {
      char c = p.charAt(pi);
      switch (c) {
        case '*' -> {
          while (pi + 1 < p.length() && p.charAt(pi + 1) == '*') {
            pi++;
          }
          if (pi + 1 == p.length()) {
            return true;
          }
          for (int k = si; k <= s.length(); k++) {
            if (match(p, pi + 1, s, k, nocase)) {
              return true;
            }
          }
          return false;
        }
        case '?' -> {
          if (si >= s.length()) {
            return false;
          }
          si++;
        }
        case '[' -> {
          if (si >= s.length()) {
            return false;
          }
          pi++;
          boolean not = pi < p.length() && p.charAt(pi) == '^';
          if (not) {
            pi++;
          }
          boolean found = false;
          while (pi < p.length() && p.charAt(pi) != ']') {
            char x = p.charAt(pi);
            if (x == '\\' && pi + 1 < p.length()) {
              pi++;
              found |= same(p.charAt(pi), s.charAt(si), nocase);
            } else if (pi + 2 < p.length() && p.charAt(pi + 1) == '-' && p.charAt(pi + 2) != ']') {
              char lo = p.charAt(pi);
              char hi = p.charAt(pi + 2);
              if (lo > hi) {
                char t = lo;
                lo = hi;
                hi = t;
              }
              char ch = nocase ? Character.toLowerCase(s.charAt(si)) : s.charAt(si);
              found |= nocase ? ch >= Character.toLowerCase(lo) && ch <= Character.toLowerCase(hi)
                  : ch >= lo && ch <= hi;
              pi += 2;
            } else {
              found |= same(x, s.charAt(si), nocase);
            }
            pi++;
          }
          if (found == not) {
            return false;
          }
          si++;
        }
        case '\\' -> {
          if (pi + 1 < p.length()) {
            pi++;
          }
          if (si >= s.length() || !same(p.charAt(pi), s.charAt(si), nocase)) {
            return false;
          }
          si++;
        }
        default -> {
          if (si >= s.length() || !same(c, s.charAt(si), nocase)) {
            return false;
          }
          si++;
        }
      }
      pi++;
    }
    return si == s.length();
  }

  private static boolean same(char a, char b, boolean nocase) {
    return nocase ? Character.toLowerCase(a) == Character.toLowerCase(b) : a == b;
  }
}
