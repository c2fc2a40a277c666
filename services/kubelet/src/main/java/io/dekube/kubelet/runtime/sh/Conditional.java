package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;

/**
 * bash's {@code [[ expression ]]}: {@code ( )}, {@code !}, {@code &&} and {@code ||} (the right side expanded
 * only when needed), {@code == = !=} against a pattern, {@code =~} against an extended regular expression (the
 * match and its groups left in {@code BASH_REMATCH}), {@code < >}, the arithmetic comparisons ({@code -eq}…, both
 * sides arithmetic expressions), {@code -z -n -v}, and the file tests of {@code test} ({@code -d -f -e}…). The
 * words are neither split nor matched against file names. Status 0 true, 1 false, 2 a bad expression or regex.
 * Confined to the shell's context.
 */
final class Conditional {

  private static final Set<String> UNARY = Set.of("-a", "-b", "-c", "-d", "-e", "-f", "-g", "-h", "-k", "-p", "-r",
      "-s", "-t", "-u", "-w", "-x", "-G", "-L", "-N", "-O", "-S", "-z", "-n", "-v");
  private static final Set<String> BINARY = Set.of("==", "=", "!=", "=~", "<", ">", "-eq", "-ne", "-lt", "-le",
      "-gt", "-ge");

  private sealed interface Expr {
  }

  private record Or(Expr left, Expr right) implements Expr {
  }

  private record And(Expr left, Expr right) implements Expr {
  }

  private record Not(Expr e) implements Expr {
  }

  private record Unary(String op, String word) implements Expr {
  }

  private record Binary(String left, String op, String right) implements Expr {
  }

  private final Interpreter interpreter;
  private final ShellState st;
  private final Io io;
  private final Expander x;
  private List<String> words;
  private int p;

  Conditional(Interpreter interpreter, ShellState st, Io io) {
    this.interpreter = interpreter;
    this.st = st;
    this.io = io;
    this.x = new Expander(interpreter, st, io);
  }

  /** Evaluates the words between {@code [[} and {@code ]]}. */
  Future<Integer> run(List<String> between) {
    this.words = between;
    this.p = 0;
    Expr e = or();
    if (p < words.size()) {
      throw new ShellError("syntax error in conditional expression: unexpected token `" + words.get(p) + "'");
    }
    return eval(e).map(b -> b ? 0 : 1).recover(err -> {
      if (err instanceof IllegalArgumentException || err instanceof java.util.regex.PatternSyntaxException) {
        return Future.succeededFuture(2); // bash: a regex that does not compile is status 2, no message
      }
      return Future.failedFuture(err);
    });
  }

  private String peek() {
    return p < words.size() ? words.get(p) : null;
  }

  private Expr or() {
    Expr e = and();
    while ("||".equals(peek())) {
      p++;
      e = new Or(e, and());
    }
    return e;
  }

  private Expr and() {
    Expr e = not();
    while ("&&".equals(peek())) {
      p++;
      e = new And(e, not());
    }
    return e;
  }

  private Expr not() {
    String w = peek();
    if (w == null) {
      throw new ShellError("syntax error in conditional expression");
    }
    if (w.equals("!")) {
      p++;
      return new Not(not());
    }
    if (w.equals("(")) {
      p++;
      Expr e = or();
      if (!")".equals(peek())) {
        throw new ShellError("syntax error in conditional expression");
      }
      p++;
      return e;
    }
    p++;
    if (UNARY.contains(w) && peek() != null && !BINARY.contains(peek()) && !"&&".equals(peek())
        && !"||".equals(peek()) && !")".equals(peek())) {
      return new Unary(w, words.get(p++));
    }
    if (peek() != null && BINARY.contains(peek())) {
      String op = words.get(p++);
      if (peek() == null) {
        throw new ShellError("unexpected argument to conditional binary operator");
      }
      return new Binary(w, op, words.get(p++));
    }
    return new Unary("-n", w);
  }

  private Future<Boolean> eval(Expr e) {
    if (e instanceof Or o) {
      return eval(o.left()).compose(b -> b ? Future.succeededFuture(true) : eval(o.right()));
    }
    if (e instanceof And a) {
      return eval(a.left()).compose(b -> b ? eval(a.right()) : Future.succeededFuture(false));
    }
    if (e instanceof Not n) {
      return eval(n.e()).map(b -> !b);
    }
    if (e instanceof Unary u) {
      return x.word(u.word()).compose(v -> {
        trace(List.of(u.op(), v));
        return switch (u.op()) {
          case "-z" -> Future.succeededFuture(v.isEmpty());
          case "-n" -> Future.succeededFuture(!v.isEmpty());
          case "-v" -> Future.succeededFuture(st.vars.get(v) != null);
          default -> interpreter.host().applet(List.of("test", u.op(), v),
              new Io(io.out(), Stdin.NONE, st.cwd, st.environment())).map(code -> code == 0);
        };
      });
    }
    Binary b = (Binary) e;
    return x.word(b.left()).compose(left -> switch (b.op()) {
      case "==", "=", "!=" -> x.pattern(b.right(), false).map(pattern -> {
        trace(List.of(left, b.op(), b.right()));
        return pattern.matcher(left).matches() != b.op().equals("!=");
      });
      case "=~" -> x.regex(b.right()).map(regex -> {
        trace(List.of(left, b.op(), b.right()));
        return matches(regex.matcher(left));
      });
      default -> x.word(b.right()).map(right -> {
        trace(List.of(left, b.op(), right));
        return compare(left, b.op(), right);
      });
    });
  }

  /** {@code =~}: a match anywhere; {@code BASH_REMATCH} holds the match and its groups (none when it fails). */
  private boolean matches(Matcher m) {
    if (!m.find()) {
      st.vars.setArray("BASH_REMATCH", List.of());
      return false;
    }
    List<String> groups = new ArrayList<>();
    for (int g = 0; g <= m.groupCount(); g++) {
      groups.add(m.group(g) == null ? "" : m.group(g));
    }
    st.vars.setArray("BASH_REMATCH", groups);
    return true;
  }

  private boolean compare(String left, String op, String right) {
    if (op.equals("<") || op.equals(">")) {
      int c = left.compareTo(right);
      return op.equals("<") ? c < 0 : c > 0;
    }
    long l = Arithmetic.eval(left.isBlank() ? "0" : left, st.vars);
    long r = Arithmetic.eval(right.isBlank() ? "0" : right, st.vars);
    return switch (op) {
      case "-eq" -> l == r;
      case "-ne" -> l != r;
      case "-lt" -> l < r;
      case "-le" -> l <= r;
      case "-gt" -> l > r;
      default -> l >= r;
    };
  }

  /** {@code set -x}: bash shows each test it evaluates as {@code [[ operands ]]}, expanded, not quoted. */
  private void trace(List<String> shown) {
    if (st.xtrace) {
      String ps4 = st.vars.get("PS4");
      io.out().stderr(Buffer.buffer((ps4 == null ? "+ " : ps4) + "[[ " + String.join(" ", shown) + " ]]\n"));
    }
  }
}
