package io.dekube.kubelet.runtime.sh;

import io.dekube.kubelet.runtime.Printf;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The commands the shell runs itself, since they change the shell: {@code cd}, {@code exit}, {@code export},
 * {@code unset}, {@code set}, {@code shift}, {@code read}, {@code break}, {@code continue}, {@code return},
 * {@code trap}, {@code wait}, {@code eval}, {@code .}, {@code local}, {@code exec} and {@code sh} ({@code -c SCRIPT},
 * a file, or a script piped in). Messages and statuses as ash's. Confined to the shell's context.
 */
final class Builtins {

  static final Set<String> NAMES = Set.of("cd", "exit", "export", "readonly", "unset", "set", "shift", "read", "break",
      "continue", "return", "trap", "wait", "eval", ".", "source", "local", "exec", "sh", "ash", "bash");

  private final Interpreter interpreter;

  Builtins(Interpreter interpreter) {
    this.interpreter = interpreter;
  }

  Future<Integer> run(List<String> argv, ShellState st, Io io) {
    List<String> args = argv.subList(1, argv.size());
    return switch (argv.get(0)) {
      case "cd" -> cd(args, st, io);
      case "exit" -> {
        st.last = args.isEmpty() ? st.last : number(args.get(0), io, "exit") & 0xff;
        st.control = ShellState.Control.EXIT;
        yield Future.succeededFuture(st.last);
      }
      case "return" -> {
        st.last = args.isEmpty() ? st.last : number(args.get(0), io, "return") & 0xff;
        st.control = ShellState.Control.RETURN;
        yield Future.succeededFuture(st.last);
      }
      case "break", "continue" -> loopControl(argv.get(0), args, st, io);
      case "export", "readonly", "local" -> done(export(argv.get(0), args, st, io));
      case "unset" -> {
        args.stream().filter(a -> !a.startsWith("-")).forEach(a -> {
          st.vars.unset(a);
          st.functions.remove(a);
        });
        yield done(0);
      }
      case "set" -> done(set(args, st, io));
      case "shift" -> {
        int n = args.isEmpty() ? 1 : number(args.get(0), io, "shift");
        if (n > st.positional.size()) {
          yield done(1);
        }
        st.positional = new ArrayList<>(st.positional.subList(n, st.positional.size()));
        yield done(0);
      }
      case "read" -> read(args, st, io);
      case "trap" -> done(trap(args, st, io));
      case "wait" -> waitJobs(st);
      case "eval" -> interpreter.script(String.join(" ", args), st, io);
      case ".", "source" -> args.isEmpty() ? done(0) : interpreter.host().read(st.cwd, args.get(0))
          .compose(text -> interpreter.script(text, st, io))
          .map(code -> {
            // a return at the sourced file's top ends the file, not the shell that sourced it
            if (st.control != ShellState.Control.RETURN) {
              return code;
            }
            st.control = ShellState.Control.NONE;
            return st.last;
          })
          .recover(e -> fail(io, ".: " + e.getMessage().replaceFirst("^can't open ", "can't open "), 2));
      case "exec" -> args.isEmpty() ? done(0) : new Commands(interpreter).command(new ArrayList<>(args),
          new java.util.LinkedHashMap<>(), st, io).map(code -> {
            st.last = code;
            st.control = ShellState.Control.EXIT;
            return code;
          });
      default -> shell(argv.get(0), args, st, io);
    };
  }

  /**
   * dash's builtin {@code echo} (the {@code sh} of Debian and Ubuntu, {@link Host#shIsDash}): only {@code -n} is an
   * option, and backslash escapes are always read ({@code \c} ends the output), as busybox's and bash's are not.
   */
  static Future<Integer> dashEcho(List<String> args, Io io) {
    boolean newline = args.isEmpty() || !args.get(0).equals("-n");
    StringBuilder b = new StringBuilder();
    boolean ended = !Printf.unescape(String.join(" ", newline ? args : args.subList(1, args.size())), b);
    io.out().stdout(Buffer.buffer(newline && !ended ? b.append('\n').toString() : b.toString()));
    return done(0);
  }

  private Future<Integer> cd(List<String> args, ShellState st, Io io) {
    String home = st.vars.get("HOME");
    String to = args.isEmpty() ? (home == null ? "/root" : home) : args.get(0).equals("-")
        ? st.vars.get("OLDPWD") == null ? st.cwd : st.vars.get("OLDPWD") : args.get(0);
    return interpreter.host().directory(st.cwd, to).compose(dir -> {
      st.vars.set("OLDPWD", st.cwd);
      st.vars.set("PWD", dir);
      st.cwd = dir;
      return done(0);
    }, e -> fail(io, "cd: can't cd to " + to + ": " + e.getMessage(), 2));
  }

  private Future<Integer> loopControl(String name, List<String> args, ShellState st, Io io) {
    int n = args.isEmpty() ? 1 : number(args.get(0), io, name);
    if (n < 1) {
      return fail(io, name + ": Illegal number: " + args.get(0), 2);
    }
    if (st.loopDepth == 0) {
      return done(0);
    }
    st.control = name.equals("break") ? ShellState.Control.BREAK : ShellState.Control.CONTINUE;
    st.levels = Math.min(n, st.loopDepth);
    return done(0);
  }

  private int export(String name, List<String> args, ShellState st, Io io) {
    if (args.isEmpty() || args.equals(List.of("-p"))) {
      StringBuilder b = new StringBuilder();
      st.environment().forEach((k, v) -> b.append(name.equals("local") ? "" : name + " ").append(k).append("='")
          .append(v.replace("'", "'\"'\"'")).append("'\n"));
      io.out().stdout(Buffer.buffer(b.toString()));
      return 0;
    }
    for (String a : args) {
      int eq = a.indexOf('=');
      String var = eq < 0 ? a : a.substring(0, eq);
      if (eq >= 0) {
        st.vars.set(var, a.substring(eq + 1));
      }
      if (name.equals("export")) {
        st.vars.export(var);
      }
    }
    return 0;
  }

  /** {@code set}: the variables; {@code set -eux}, {@code set -o pipefail}; {@code set [--] ARG…}: {@code $1…}. */
  private int set(List<String> args, ShellState st, Io io) {
    if (args.isEmpty()) {
      StringBuilder b = new StringBuilder();
      new java.util.TreeMap<>(st.vars.all()).forEach((k, v) -> b.append(k).append("='")
          .append(v.replace("'", "'\"'\"'")).append("'\n"));
      io.out().stdout(Buffer.buffer(b.toString()));
      return 0;
    }
    ShellArgs parsed;
    try {
      parsed = ShellArgs.parse(args, false);
    } catch (ShellArgs.Illegal e) {
      io.out().stderr(Buffer.buffer("sh: set: " + e.getMessage() + "\n"));
      return 2;
    }
    ShellOptions.apply(st, parsed.options());
    if (parsed.listed()) {
      io.out().stdout(Buffer.buffer(ShellOptions.listing(st)));
    }
    if (parsed.ended() || !parsed.operands().isEmpty()) {
      st.positional = new ArrayList<>(parsed.operands());
    }
    return 0;
  }

  /** {@code read [-r] [-p PROMPT] [NAME...]}: one line split on IFS into the names (the last takes the rest). */
  private Future<Integer> read(List<String> args, ShellState st, Io io) {
    boolean raw = false;
    List<String> names = new ArrayList<>();
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-r")) {
        raw = true;
      } else if (a.equals("-p") && i + 1 < args.size()) {
        io.out().stderr(Buffer.buffer(args.get(++i)));
      } else if (!a.startsWith("-")) {
        names.add(a);
      }
    }
    if (names.isEmpty()) {
      names.add("REPLY");
    }
    boolean keepBackslash = raw;
    return io.stdin().readLine().map(line -> {
      String text = line == null ? "" : keepBackslash ? line : line.replaceAll("\\\\(.)", "$1");
      String ifs = st.vars.get("IFS") == null ? " \t\n" : st.vars.get("IFS");
      String rest = strip(text, ifs);
      for (int k = 0; k < names.size(); k++) {
        if (k == names.size() - 1) {
          st.vars.set(names.get(k), rest);
          break;
        }
        int end = 0;
        while (end < rest.length() && ifs.indexOf(rest.charAt(end)) < 0) {
          end++;
        }
        st.vars.set(names.get(k), rest.substring(0, end));
        rest = strip(rest.substring(end), ifs);
      }
      return line == null ? 1 : 0;
    });
  }

  private static String strip(String s, String ifs) {
    int a = 0;
    int b = s.length();
    while (a < b && ifs.indexOf(s.charAt(a)) >= 0 && Character.isWhitespace(s.charAt(a))) {
      a++;
    }
    while (b > a && ifs.indexOf(s.charAt(b - 1)) >= 0 && Character.isWhitespace(s.charAt(b - 1))) {
      b--;
    }
    return s.substring(a, b);
  }

  /** {@code trap [ACTION SIGNAL...]}: ACTION {@code -} resets, an empty one ignores; no argument lists them. */
  private int trap(List<String> args, ShellState st, Io io) {
    if (args.isEmpty()) {
      StringBuilder b = new StringBuilder();
      st.traps.forEach((sig, action) -> b.append("trap -- '").append(action).append("' ").append(sig).append('\n'));
      io.out().stdout(Buffer.buffer(b.toString()));
      return 0;
    }
    String action = args.get(0);
    for (String s : args.subList(1, args.size())) {
      String sig = signal(s);
      if (sig == null) {
        io.out().stderr(Buffer.buffer("sh: trap: " + s + ": bad trap\n"));
        return 1;
      }
      if (action.equals("-")) {
        st.traps.remove(sig);
      } else {
        st.traps.put(sig, action);
      }
    }
    return 0;
  }

  /** The name of a signal given as {@code TERM}, {@code SIGTERM} or {@code 15}; null for none. */
  static String signal(String s) {
    String n = s.toUpperCase(java.util.Locale.ROOT).replaceFirst("^SIG", "");
    List<String> numbered = List.of("EXIT", "HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE", "KILL", "USR1",
        "SEGV", "USR2", "PIPE", "ALRM", "TERM");
    if (n.matches("\\d+")) {
      int k = Integer.parseInt(n);
      return k < numbered.size() ? numbered.get(k) : null;
    }
    return numbered.contains(n) || n.equals("CHLD") ? n : null;
  }

  /** {@code wait}: until the background jobs ended (a signal with a trap ends it, with 128 + its number). */
  private Future<Integer> waitJobs(ShellState st) {
    List<Future<Integer>> jobs = new ArrayList<>(st.jobs);
    st.jobs.clear();
    if (jobs.isEmpty()) {
      return done(0);
    }
    Promise<Integer> done = Promise.promise();
    Runnable cancel = () -> done.tryComplete(st.signals.interrupted() ? 130 : 143);
    st.signals.running(cancel);
    Future.join(jobs).onComplete(ar -> done.tryComplete(jobs.get(jobs.size() - 1).succeeded()
        ? jobs.get(jobs.size() - 1).result() : 1));
    return done.future().andThen(ar -> st.signals.done(cancel));
  }

  /** {@code sh [-eux…] -c SCRIPT [NAME [ARG...]]}, {@code sh FILE}: a shell in this one, on a copy of its state. */
  private Future<Integer> shell(String program, List<String> args, ShellState st, Io io) {
    ShellArgs parsed;
    try {
      parsed = ShellArgs.parse(args, true);
    } catch (ShellArgs.Illegal e) {
      return fail(io, e.getMessage(), 2);
    }
    List<String> rest = parsed.operands();
    if (rest.isEmpty() && !parsed.command()) {
      if (io.stdin() instanceof Pipe || io.stdin().remaining() != null) { // echo 'cmd' | sh: its script is stdin
        ShellState sub = st.subshell();
        sub.program = program;
        ShellOptions.apply(sub, parsed.options());
        return io.stdin().readAll().compose(text -> interpreter.script(text, sub, io.withStdin(Stdin.NONE))
            .map(code -> sub.last));
      }
      return done(0); // sh on a session's stdin: the shell that reads it reads on
    }
    if (parsed.command() && rest.isEmpty()) {
      return fail(io, "-c requires an argument", 2);
    }
    ShellState sub = st.subshell();
    sub.program = program;
    ShellOptions.apply(sub, parsed.options());
    sub.name = parsed.command() && rest.size() > 1 ? rest.get(1) : parsed.command() ? "sh" : rest.get(0);
    sub.positional = new ArrayList<>(rest.subList(Math.min(rest.size(), parsed.command() ? 2 : 1), rest.size()));
    Future<String> script = parsed.command() ? Future.succeededFuture(rest.get(0))
        : interpreter.host().read(st.cwd, rest.get(0));
    return script.compose(text -> interpreter.script(text, sub, io).map(code -> sub.last))
        .recover(e -> fail(io, "can't open '" + rest.get(0) + "': No such file or directory", 2));
  }

  private static int number(String s, Io io, String what) {
    try {
      return Integer.parseInt(s.trim());
    } catch (NumberFormatException e) {
      io.out().stderr(Buffer.buffer("sh: " + what + ": Illegal number: " + s + "\n"));
      return 2;
    }
  }

  private static Future<Integer> fail(Io io, String message, int code) {
    io.out().stderr(Buffer.buffer("sh: " + message + "\n"));
    return Future.succeededFuture(code);
  }

  private static Future<Integer> done(int code) {
    return Future.succeededFuture(code);
  }
}
