package io.dekube.kubelet.runtime.sh;

import io.dekube.kubelet.runtime.PosixRegex;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Word expansion as POSIX sh does it, in its order: tilde, parameters ({@link Parameters}), command substitution
 * ({@code $( )} and back-quotes, run by the {@link Interpreter}), arithmetic ({@link Arithmetic}); then field
 * splitting on {@code IFS} of what was expanded outside quotes, pathname expansion ({@link Fields}), and quote
 * removal. Asynchronous, since a substitution runs commands. Confined to the shell's context.
 */
final class Expander {

  /** What a piece of a word is: written outside quotes, quoted, the unquoted result of an expansion, a field break. */
  enum Kind { LITERAL, QUOTED, EXPANDED, BREAK }

  /** A piece of an expanded word. */
  record Piece(String text, Kind kind) {
  }

  private static final java.util.regex.Pattern READ_FILE = java.util.regex.Pattern.compile("\\s*<\\s*(\\S+)\\s*");

  private final Interpreter interpreter;
  private final ShellState st;
  private final Io io;

  Expander(Interpreter interpreter, ShellState st, Io io) {
    this.interpreter = interpreter;
    this.st = st;
    this.io = io;
  }

  /** The fields of {@code words}: expanded, split, matched against file names. */
  Future<List<String>> fields(List<String> words) {
    Future<List<String>> all = Future.succeededFuture(new ArrayList<>());
    for (String w : words) {
      all = all.compose(acc -> pieces(w, false)
          .compose(p -> new Fields(interpreter.host(), io.cwd(), ifs()).of(p))
          .map(f -> {
            acc.addAll(f);
            return acc;
          }));
    }
    return all;
  }

  /** One word expanded without splitting or file names (an assignment, a redirection's file, a case word). */
  Future<String> word(String raw) {
    return pieces(raw, false).map(Expander::text);
  }

  /** A case pattern or a {@code ${x%pattern}}: its text and which characters stay pattern characters. */
  Future<java.util.regex.Pattern> pattern(String raw, boolean inDouble) {
    return pieces(raw, inDouble).map(Expander::patternOf);
  }

  /**
   * bash's regex after {@code =~}: the unquoted parts an extended regular expression (POSIX), the quoted ones
   * matched as they are.
   */
  Future<java.util.regex.Pattern> regex(String raw) {
    return pieces(raw, false).map(pieces -> {
      StringBuilder b = new StringBuilder();
      for (Piece p : pieces) {
        b.append(p.kind() == Kind.QUOTED ? java.util.regex.Pattern.quote(p.text())
            : PosixRegex.toJava(p.text(), true));
      }
      return java.util.regex.Pattern.compile(b.toString());
    });
  }

  /** A here-document's body: parameters, substitutions and arithmetic expanded, as inside double quotes. */
  Future<String> hereDoc(String body) {
    return run(scan(body, true, true)).map(Expander::text);
  }

  static String text(List<Piece> pieces) {
    StringBuilder b = new StringBuilder();
    pieces.forEach(p -> b.append(p.text()));
    return b.toString();
  }

  static java.util.regex.Pattern patternOf(List<Piece> pieces) {
    StringBuilder b = new StringBuilder();
    java.util.BitSet active = new java.util.BitSet();
    for (Piece p : pieces) {
      if (p.kind() != Kind.QUOTED) {
        active.set(b.length(), b.length() + p.text().length());
      }
      b.append(p.text());
    }
    return Glob.regex(b.toString(), active);
  }

  private String ifs() {
    String v = st.vars.get("IFS");
    return v == null ? " \t\n" : v;
  }

  /** The pieces of {@code raw}; {@code inDouble}: it is inside double quotes (everything is quoted). */
  Future<List<Piece>> pieces(String raw, boolean inDouble) {
    return run(scan(raw, inDouble, false));
  }

  private static Future<List<Piece>> run(List<Supplier<Future<List<Piece>>>> steps) {
    Future<List<Piece>> all = Future.succeededFuture(new ArrayList<>());
    for (Supplier<Future<List<Piece>>> step : steps) {
      all = all.compose(acc -> step.get().map(p -> {
        acc.addAll(p);
        return acc;
      }));
    }
    return all;
  }

  private static Supplier<Future<List<Piece>>> now(String text, Kind kind) {
    List<Piece> one = List.of(new Piece(text, kind));
    return () -> Future.succeededFuture(one);
  }

  /**
   * The steps that expand {@code s}, in order. {@code hereDoc}: quotes are plain characters and a backslash
   * escapes only {@code $ ` \}.
   */
  private List<Supplier<Future<List<Piece>>>> scan(String s, boolean inDouble, boolean hereDoc) {
    List<Supplier<Future<List<Piece>>>> steps = new ArrayList<>();
    Kind plain = inDouble ? Kind.QUOTED : Kind.LITERAL;
    StringBuilder lit = new StringBuilder();
    int i = 0;
    if (!inDouble && (s.equals("~") || s.startsWith("~/"))) {
      String home = st.vars.get("HOME");
      steps.add(now(home == null ? "/root" : home, Kind.QUOTED));
      i = 1;
    }
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(i + 1);
        boolean escapes = !inDouble || "$`\\\n".indexOf(n) >= 0 || (n == '"' && !hereDoc);
        flush(steps, lit, plain);
        if (escapes) {
          if (n != '\n') {
            steps.add(now(String.valueOf(n), Kind.QUOTED));
          }
        } else {
          steps.add(now("\\" + n, Kind.QUOTED));
        }
        i += 2;
      } else if (c == '\'' && !inDouble) {
        int end = Scan.singleQuote(s, i);
        flush(steps, lit, plain);
        steps.add(now(s.substring(i + 1, end), Kind.QUOTED));
        i = end + 1;
      } else if (c == '"' && !inDouble) {
        int end = Scan.doubleQuote(s, i);
        String inner = s.substring(i + 1, end);
        flush(steps, lit, plain);
        if (!(inner.equals("$@") || inner.equals("${@}")) || !st.positional.isEmpty()) {
          steps.add(now("", Kind.QUOTED));
        }
        steps.addAll(scan(inner, true, false));
        i = end + 1;
      } else if (c == '`') {
        int end = Scan.backQuote(s, i);
        String script = s.substring(i + 1, end).replaceAll("\\\\([$`\\\\])", "$1");
        flush(steps, lit, plain);
        steps.add(() -> substitution(script, inDouble));
        i = end + 1;
      } else if (c == '$' && i + 1 < s.length()) {
        int end = dollar(s, i, inDouble, steps, lit, plain);
        if (end < 0) {
          lit.append(c);
          i++;
        } else {
          i = end;
        }
      } else {
        lit.append(c);
        i++;
      }
    }
    flush(steps, lit, plain);
    return steps;
  }

  private static void flush(List<Supplier<Future<List<Piece>>>> steps, StringBuilder lit, Kind kind) {
    if (lit.length() > 0) {
      steps.add(now(lit.toString(), kind));
      lit.setLength(0);
    }
  }

  /** A {@code $} expansion at {@code i}: adds its step, returns the index after it (-1: a plain {@code $}). */
  private int dollar(String s, int i, boolean inDouble, List<Supplier<Future<List<Piece>>>> steps,
                     StringBuilder lit, Kind plain) {
    char n = s.charAt(i + 1);
    Kind result = inDouble ? Kind.QUOTED : Kind.EXPANDED;
    if (n == '(') {
      int end = Scan.paren(s, i + 1);
      flush(steps, lit, plain);
      if (i + 2 < s.length() && s.charAt(i + 2) == '(' && Scan.paren(s, i + 2) == end - 1) {
        String expr = s.substring(i + 3, end - 1);
        steps.add(() -> run(scan(expr, true, true)).map(p -> List.of(
            new Piece(Long.toString(Arithmetic.eval(text(p), st.vars)), result))));
      } else {
        String script = s.substring(i + 2, end);
        steps.add(() -> substitution(script, inDouble));
      }
      return end + 1;
    }
    Parameters params = new Parameters(this, st);
    if (n == '{') {
      int end = Scan.brace(s, i + 1);
      String inner = s.substring(i + 2, end);
      flush(steps, lit, plain);
      steps.add(() -> params.braced(inner, inDouble));
      return end + 1;
    }
    int end = i + 2;
    if (Character.isLetter(n) || n == '_') {
      while (end < s.length() && (Character.isLetterOrDigit(s.charAt(end)) || s.charAt(end) == '_')) {
        end++;
      }
    } else if (!Character.isDigit(n) && "@*#?$!-".indexOf(n) < 0) {
      return -1;
    }
    String name = s.substring(i + 1, end);
    flush(steps, lit, plain);
    steps.add(() -> Future.succeededFuture(params.value(name, inDouble)));
    return end;
  }

  /** {@code $(script)}: its output without the trailing newlines. */
  private Future<List<Piece>> substitution(String script, boolean inDouble) {
    java.util.regex.Matcher file = READ_FILE.matcher(script);
    if (file.matches()) { // bash's $(<file): the file's text, no command run
      return word(file.group(1)).compose(path -> interpreter.host().read(st.cwd, path).recover(e -> {
        io.out().stderr(Buffer.buffer(st.program + ": " + path + ": No such file or directory\n"));
        return Future.succeededFuture("");
      })).map(text -> List.of(new Piece(text.replaceAll("\n+$", ""), inDouble ? Kind.QUOTED : Kind.EXPANDED)));
    }
    return interpreter.capture(script, st, io).map(out -> List.of(new Piece(out.replaceAll("\n+$", ""),
        inDouble ? Kind.QUOTED : Kind.EXPANDED)));
  }
}
