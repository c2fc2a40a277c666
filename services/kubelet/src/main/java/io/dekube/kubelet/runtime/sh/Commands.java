package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a simple command as sh does: words expanded, then redirections, then assignments; then a function of that
 * name, else a built-in of the shell ({@link Builtins}), else a script by its path whose {@code #!} names a shell
 * ({@link Shebang}), else an applet of the container ({@link Host}), with the
 * exported variables and the command's own assignments as its environment. Only assignments: they set
 * variables, and the status is that of the last command substitution (else 0). Confined to the shell's context.
 */
final class Commands {

  private final Interpreter interpreter;
  private final Builtins builtins;

  Commands(Interpreter interpreter) {
    this.interpreter = interpreter;
    this.builtins = new Builtins(interpreter);
  }

  Future<Integer> simple(Node.Simple s, ShellState st, Io io) {
    Expander x = new Expander(interpreter, st, io);
    int substitutions = st.substitutions;
    return x.fields(s.words()).compose(argv -> values(s.assignments(), x, st).compose(values -> {
      if (st.xtrace) {
        io.out().stderr(Buffer.buffer(ShellOptions.trace(st.vars.get("PS4"), values, argv,
            st.program.equals("bash"))));
      }
      if (argv.isEmpty()) {
        int code = st.substitutions != substitutions ? st.last : 0;
        values.forEach(st.vars::set);
        return new Redirects(interpreter, st).apply(s.redirects(), io).compose(applied -> applied == null
            ? Future.succeededFuture(1) : applied.finish().get().map(code));
      }
      return new Redirects(interpreter, st).apply(s.redirects(), io).compose(applied -> applied == null
          ? Future.succeededFuture(1)
          : command(argv, values, st, applied.io()).compose(code -> applied.finish().get().map(code))
              .compose(code -> flowed(applied.io(), code)));
    }));
  }

  /** {@code code} once stdout can take more: a stage writing to a pipe waits for its reader (back-pressure). */
  private static Future<Integer> flowed(Io io, int code) {
    Future<Void> ready = io.out().ready();
    return ready.isComplete() ? Future.succeededFuture(code) : ready.transform(ar -> Future.succeededFuture(code));
  }

  private Future<Map<String, String>> values(List<Node.Assignment> assignments, Expander x, ShellState st) {
    Future<Map<String, String>> all = Future.succeededFuture(new LinkedHashMap<>());
    for (Node.Assignment a : assignments) {
      if (a.elements() != null) { // bash's array: its words expanded and split as a command's, set at once
        if (!st.program.equals("bash")) {
          throw new ShellError("syntax error: unexpected \"(\"");
        }
        all = all.compose(m -> x.fields(a.elements()).map(elements -> {
          st.vars.setArray(a.name(), elements);
          return m;
        }));
        continue;
      }
      all = all.compose(m -> x.word(a.value()).map(v -> {
        m.put(a.name(), v);
        return m;
      }));
    }
    return all;
  }

  /** Runs {@code argv} (expanded) with the assignments written before it. */
  Future<Integer> command(List<String> argv, Map<String, String> assignments, ShellState st, Io io) {
    String name = argv.get(0);
    Node function = st.functions.get(name);
    if (function != null) {
      assignments.forEach(st.vars::set);
      return function(function, argv, st, io);
    }
    if (Builtins.NAMES.contains(name)) {
      assignments.forEach(st.vars::set);
      return builtins.run(argv, st, io);
    }
    if (name.equals("echo") && st.program.equals("sh") && interpreter.host().shIsDash()) {
      return Builtins.dashEcho(argv.subList(1, argv.size()), io);
    }
    if (name.contains("/")) {
      return interpreter.host().read(st.cwd, name).transform(ar -> {
        List<String> shell = ar.succeeded() ? Shebang.shell(ar.result()) : null;
        if (shell == null) {
          return applet(argv, assignments, st, io);
        }
        shell.add(name);
        shell.addAll(argv.subList(1, argv.size()));
        assignments.forEach(st.vars::set);
        return builtins.run(shell, st, io);
      });
    }
    return applet(argv, assignments, st, io);
  }

  /** Runs applet {@code argv} of the container, with the exported variables and the assignments as environment. */
  private Future<Integer> applet(List<String> argv, Map<String, String> assignments, ShellState st, Io io) {
    Map<String, String> env = st.environment();
    if (!assignments.isEmpty()) {
      env = new LinkedHashMap<>(env);
      env.putAll(assignments);
    }
    return interpreter.host().applet(argv, new Io(io.out(), io.stdin(), st.cwd, env));
  }

  private Future<Integer> function(Node body, List<String> argv, ShellState st, Io io) {
    List<String> saved = st.positional;
    st.positional = new ArrayList<>(argv.subList(1, argv.size()));
    int loops = st.loopDepth;
    st.loopDepth = 0;
    return interpreter.run(body, st, io).map(code -> {
      st.positional = saved;
      st.loopDepth = loops;
      if (st.control == ShellState.Control.RETURN) {
        st.control = ShellState.Control.NONE;
        return st.last;
      }
      return code;
    });
  }
}
