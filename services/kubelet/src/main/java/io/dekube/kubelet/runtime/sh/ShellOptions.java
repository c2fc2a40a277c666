package io.dekube.kubelet.runtime.sh;

import java.util.List;
import java.util.Map;

/**
 * The options {@code set} and {@code sh} turn on and off, by letter or by name: {@code -e} errexit, {@code -u}
 * nounset, {@code -x} xtrace and {@code -o pipefail} are run; busybox ash's others are accepted and change nothing.
 * Pure (over a {@link ShellState}).
 */
final class ShellOptions {

  /** The names of {@code set -o NAME}, with their letters (0: none). */
  private static final Map<String, Character> NAMES = Map.ofEntries(Map.entry("errexit", 'e'),
      Map.entry("noglob", 'f'), Map.entry("ignoreeof", 'I'), Map.entry("monitor", 'm'), Map.entry("noexec", 'n'),
      Map.entry("xtrace", 'x'), Map.entry("verbose", 'v'), Map.entry("noclobber", 'C'), Map.entry("allexport", 'a'),
      Map.entry("notify", 'b'), Map.entry("nounset", 'u'), Map.entry("vi", ' '), Map.entry("emacs", ' '),
      Map.entry("pipefail", ' '));
  /** The options {@code set -o} lists, in ash's order. */
  private static final List<String> LISTED = List.of("errexit", "noglob", "ignoreeof", "monitor", "noexec", "xtrace",
      "verbose", "noclobber", "allexport", "notify", "nounset", "vi", "emacs", "pipefail");

  private ShellOptions() {
  }

  /** The letter of option {@code name} (a blank when it has none), 0 when there is no such option. */
  static char letter(String name) {
    Character c = NAMES.get(name);
    return c == null ? 0 : c;
  }

  /** Applies options as {@link ShellArgs} gives them ({@code -e}, {@code +x}, {@code -o pipefail}). */
  static void apply(ShellState st, List<String> options) {
    for (String o : options) {
      boolean on = o.charAt(0) == '-';
      String name = o.startsWith("-o ") || o.startsWith("+o ") ? o.substring(3) : null;
      char c = name == null ? o.charAt(1) : letter(name);
      if (c == 'e') {
        st.errexit = on;
      } else if (c == 'u') {
        st.nounset = on;
      } else if (c == 'x') {
        st.xtrace = on;
      } else if ("pipefail".equals(name)) {
        st.pipefail = on;
      }
    }
  }

  /** {@code set -x}'s line for a command: {@code PS4} ({@code + }), then its assignments and words, quoted as ash. */
  static String trace(String ps4, Map<String, String> assignments, List<String> argv) {
    return trace(ps4, assignments, argv, false);
  }

  /** As above; {@code bash}: quoted as bash does, only words with one of its metacharacters. */
  static String trace(String ps4, Map<String, String> assignments, List<String> argv, boolean bash) {
    StringBuilder b = new StringBuilder(ps4 == null ? "+ " : ps4);
    String sep = "";
    for (Map.Entry<String, String> a : assignments.entrySet()) {
      b.append(sep).append(a.getKey()).append('=').append(bash ? bashQuoted(a.getValue()) : quoted(a.getValue()));
      sep = " ";
    }
    for (String word : argv) {
      b.append(sep).append(bash ? bashQuoted(word) : quoted(word));
      sep = " ";
    }
    return b.append('\n').toString();
  }

  /** A word as bash's xtrace shows it: quoted when it holds a metacharacter ({@code --max-conns=1} is not). */
  private static String bashQuoted(String word) {
    boolean metas = word.isEmpty() || word.startsWith("~") || word.startsWith("#");
    for (char c : word.toCharArray()) {
      metas |= " \t\n'\"\\|&;()<>!{}*[?]^$`".indexOf(c) >= 0;
    }
    return metas ? "'" + word.replace("'", "'\\''") + "'" : word;
  }

  /** A word as ash's xtrace shows it: in single quotes when it holds a blank or a character special to sh. */
  private static String quoted(String word) {
    for (char c : word.toCharArray()) {
      if (c < '+' || (c >= ';' && c <= '?') || c == '`' || c == '[' || c == '\\' || c > 'z') {
        return "'" + word.replace("'", "'\"'\"'") + "'";
      }
    }
    return word;
  }

  /** {@code $-}: the letters of the options that are on. */
  static String flags(ShellState st) {
    return (st.errexit ? "e" : "") + (st.xtrace ? "x" : "") + (st.nounset ? "u" : "");
  }

  /** {@code set -o}: each option and whether it is on, as ash prints them. */
  static String listing(ShellState st) {
    StringBuilder b = new StringBuilder("Current option settings\n");
    for (String name : LISTED) {
      boolean on = switch (name) {
        case "errexit" -> st.errexit;
        case "xtrace" -> st.xtrace;
        case "nounset" -> st.nounset;
        case "pipefail" -> st.pipefail;
        default -> false;
      };
      b.append(String.format(java.util.Locale.ROOT, "%-16s%s\n", name, on ? "on" : "off"));
    }
    return b.toString();
  }
}
