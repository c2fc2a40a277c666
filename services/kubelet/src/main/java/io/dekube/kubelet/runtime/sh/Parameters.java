package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parameter expansion: {@code $name} ({@code $RANDOM}: 0 to 32767, new each time), the special parameters
 * ({@code $? $# $@ $* $$ $! $0 $1…}) and the forms of
 * {@code ${…}}: {@code ${#x}}, {@code ${x:-w}} {@code ${x-w}}, {@code ${x:=w}}, {@code ${x:?w}}, {@code ${x:+w}},
 * {@code ${x%p}} {@code ${x%%p}} {@code ${x#p}} {@code ${x##p}}, {@code ${x/p/r}} {@code ${x//p/r}} and
 * {@code ${x:offset:length}}, and bash's array elements {@code ${a[i]}}, {@code ${a[@]}}, {@code ${#a[@]}}. Confined to
 * the shell's context.
 */
final class Parameters {

  private static final Pattern BRACED = Pattern.compile(
      "([A-Za-z_][A-Za-z0-9_]*|[0-9]+|[@*#?$!0-])(:?[-=?+]|%%|%|##|#|//|/|:)?(.*)", Pattern.DOTALL);
  /** bash's array element: {@code ${a[i]}}, {@code ${a[@]}}, {@code ${#a[@]}}. */
  private static final Pattern ELEMENT = Pattern.compile("(#)?([A-Za-z_][A-Za-z0-9_]*)\\[([^\\]]+)\\]");
  /** The process id the shell shows as {@code $$} (the container's shell is its first process). */
  static final String PID = "1";

  private final Expander expander;
  private final ShellState st;

  Parameters(Expander expander, ShellState st) {
    this.expander = expander;
    this.st = st;
  }

  /** The value of {@code $name} or null when unset. */
  String get(String name) {
    return switch (name) {
      case "?" -> Integer.toString(st.last);
      case "#" -> Integer.toString(st.positional.size());
      case "$" -> st.pid;
      case "!" -> st.lastJob == 0 ? null : Long.toString(st.lastJob);
      case "-" -> ShellOptions.flags(st);
      case "0" -> st.name;
      case "@", "*" -> String.join(" ", st.positional);
      case "PPID" -> st.vars.get("PPID") != null ? st.vars.get("PPID") : "0";
      default -> {
        if (Character.isDigit(name.charAt(0))) {
          int n = Integer.parseInt(name);
          yield n <= st.positional.size() ? st.positional.get(n - 1) : null;
        }
        yield st.vars.get(name);
      }
    };
  }

  /** The value of {@code $name}; under {@code set -u} one unset (but {@code $@}, {@code $*}) is an error. */
  private String checked(String name) {
    String v = get(name);
    if (v == null && st.nounset && !name.equals("@") && !name.equals("*")) {
      throw new ShellError(name + ": parameter not set");
    }
    return v;
  }

  /** {@code $name} as pieces: {@code "$@"} gives one field per parameter. */
  List<Expander.Piece> value(String name, boolean inDouble) {
    if (name.equals("@") && inDouble) {
      List<Expander.Piece> pieces = new ArrayList<>();
      for (int i = 0; i < st.positional.size(); i++) {
        if (i > 0) {
          pieces.add(new Expander.Piece("", Expander.Kind.BREAK));
        }
        pieces.add(new Expander.Piece(st.positional.get(i), Expander.Kind.QUOTED));
      }
      return pieces;
    }
    String v = checked(name);
    return List.of(new Expander.Piece(v == null ? "" : v, inDouble ? Expander.Kind.QUOTED : Expander.Kind.EXPANDED));
  }

  /** {@code ${inner}}. */
  Future<List<Expander.Piece>> braced(String inner, boolean inDouble) {
    Expander.Kind kind = inDouble ? Expander.Kind.QUOTED : Expander.Kind.EXPANDED;
    Matcher element = ELEMENT.matcher(inner);
    if (element.matches()) {
      return element(element.group(1) != null, element.group(2), element.group(3), inDouble, kind);
    }
    if (inner.startsWith("#") && inner.length() > 1) {
      String v = checked(inner.substring(1));
      return one(Integer.toString(v == null ? 0 : v.length()), kind);
    }
    Matcher m = BRACED.matcher(inner);
    if (!m.matches() || (m.group(2) == null && !m.group(3).isEmpty())) {
      throw new ShellError("syntax error: bad substitution");
    }
    String name = m.group(1);
    String op = m.group(2);
    String word = m.group(3);
    String v = get(name);
    if (op == null) {
      return Future.succeededFuture(value(name, inDouble));
    }
    boolean unsetOrEmpty = v == null || (op.startsWith(":") && v.isEmpty());
    return switch (op) {
      case ":-", "-" -> unsetOrEmpty ? argument(word, inDouble) : one(v, kind);
      case ":+", "+" -> unsetOrEmpty ? one("", kind) : argument(word, inDouble);
      case ":=", "=" -> unsetOrEmpty ? expander.pieces(word, inDouble).map(p -> {
        String set = Expander.text(p);
        st.vars.set(name, set);
        return List.of(new Expander.Piece(set, kind));
      }) : one(v, kind);
      case ":?", "?" -> {
        if (unsetOrEmpty) {
          yield expander.pieces(word, inDouble).map(p -> {
            String msg = Expander.text(p);
            throw new ShellError(name + ": " + (msg.isEmpty() ? "parameter not set" : msg));
          });
        }
        yield one(v, kind);
      }
      case ":" -> one(substring(checked(name) == null ? "" : v, word), kind);
      case "/", "//" -> replace(checked(name) == null ? "" : v, word, op.equals("//"), kind);
      default -> checked(name) == null ? one("", kind) : expander.pattern(word, inDouble)
          .map(p -> List.of(new Expander.Piece(strip(v, p, op), kind)));
    };
  }

  /**
   * bash's {@code ${a[i]}} (the index an arithmetic expression, negative from the end), {@code ${a[@]}} and
   * {@code ${a[*]}} (every element; {@code "${a[@]}"} one field each), and with {@code count} {@code ${#a[@]}}.
   */
  private Future<List<Expander.Piece>> element(boolean count, String name, String index, boolean inDouble,
                                               Expander.Kind kind) {
    List<String> all = st.vars.array(name);
    if (index.equals("@") || index.equals("*")) {
      if (count) {
        return one(Integer.toString(all.size()), kind);
      }
      if (index.equals("@") && inDouble) {
        List<Expander.Piece> pieces = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          if (i > 0) {
            pieces.add(new Expander.Piece("", Expander.Kind.BREAK));
          }
          pieces.add(new Expander.Piece(all.get(i), Expander.Kind.QUOTED));
        }
        return Future.succeededFuture(pieces);
      }
      return one(String.join(" ", all), kind);
    }
    return expander.word(index).map(text -> {
      long i = Arithmetic.eval(text, st.vars);
      long at = i < 0 ? all.size() + i : i;
      String v = at >= 0 && at < all.size() ? all.get((int) at) : null;
      if (v == null && st.nounset) {
        throw new ShellError(name + "[" + index + "]: parameter not set");
      }
      String text2 = v == null ? "" : v;
      return List.of(new Expander.Piece(count ? Integer.toString(text2.length()) : text2, kind));
    });
  }

  private Future<List<Expander.Piece>> argument(String word, boolean inDouble) {
    return expander.pieces(word, inDouble).map(p -> p.stream().map(x -> x.kind() == Expander.Kind.LITERAL
        ? new Expander.Piece(x.text(), Expander.Kind.EXPANDED) : x).toList());
  }

  private static Future<List<Expander.Piece>> one(String text, Expander.Kind kind) {
    return Future.succeededFuture(List.of(new Expander.Piece(text, kind)));
  }

  /** {@code %} {@code %%} {@code #} {@code ##}: the shortest or longest suffix or prefix matching, removed. */
  static String strip(String v, Pattern p, String op) {
    boolean suffix = op.startsWith("%");
    boolean longest = op.length() == 2;
    int n = v.length();
    for (int k = 0; k <= n; k++) {
      int len = longest ? n - k : k;
      String part = suffix ? v.substring(n - len) : v.substring(0, len);
      if (p.matcher(part).matches()) {
        return suffix ? v.substring(0, n - len) : v.substring(len);
      }
    }
    return v;
  }

  private static String substring(String v, String spec) {
    String[] parts = spec.split(":", 2);
    try {
      int off = Integer.parseInt(parts[0].trim());
      off = off < 0 ? Math.max(0, v.length() + off) : Math.min(off, v.length());
      int len = parts.length > 1 ? Integer.parseInt(parts[1].trim()) : v.length() - off;
      return v.substring(off, Math.min(v.length(), off + Math.max(0, len)));
    } catch (NumberFormatException e) {
      throw new ShellError("syntax error: bad substitution");
    }
  }

  private Future<List<Expander.Piece>> replace(String v, String word, boolean all, Expander.Kind kind) {
    int slash = word.indexOf('/');
    String pat = slash < 0 ? word : word.substring(0, slash);
    String rep = slash < 0 ? "" : word.substring(slash + 1);
    return expander.pattern(pat, false).compose(p -> expander.word(rep).map(r -> {
      StringBuilder b = new StringBuilder();
      int i = 0;
      boolean done = false;
      while (i <= v.length()) {
        int match = done ? -1 : longestMatch(v, i, p);
        if (match > 0) {
          b.append(r);
          i += match;
          done = !all;
        } else {
          if (i < v.length()) {
            b.append(v.charAt(i));
          }
          i++;
        }
      }
      return List.of(new Expander.Piece(b.toString(), kind));
    }));
  }

  private static int longestMatch(String v, int from, Pattern p) {
    for (int end = v.length(); end > from; end--) {
      if (p.matcher(v.substring(from, end)).matches()) {
        return end - from;
      }
    }
    return -1;
  }
}
