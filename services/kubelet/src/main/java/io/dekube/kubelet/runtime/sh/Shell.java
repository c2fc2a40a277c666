package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;

/**
 * A POSIX sh, as busybox's ash runs the scripts of Kubernetes' docs: the {@link Parser} reads a script into a
 * tree, the {@link Interpreter} runs it over the applets of a container ({@link Host}). One instance is one shell
 * with its variables, functions and traps: the container's own shell, or a {@code kubectl exec … sh} reading
 * lines. Entry points may be called from any thread; the shell runs on the context it was made on (a call from a
 * thread of no context starts at once and goes on there).
 */
public final class Shell {

  private final Interpreter interpreter;
  private final ShellState state;
  private final Signals signals;
  private boolean exited;

  /** A shell over {@code host}, with the container's environment and working folder. */
  public Shell(Host host, Signals signals, Map<String, String> env, String cwd) {
    Context context = host.vertx().getOrCreateContext();
    this.interpreter = new Interpreter(host, context);
    this.signals = signals;
    this.state = new ShellState(signals, env, cwd, "sh", List.of());
  }

  /** The shell's working folder now ({@code cd} moves it). */
  public String cwd() {
    return state.cwd;
  }

  /**
   * This shell's process id ({@code $$}): the container's own program's, as {@code ps} and {@code /proc} number it
   * (1, or after the sandbox's or a debugging target's processes).
   */
  public void pid(int pid) {
    state.pid = Integer.toString(pid);
  }

  /** The program this shell is ({@code sh}, {@code bash}...). */
  public String program() {
    return state.program;
  }

  /** This shell is program {@code name} from now on (a session's interactive {@code bash}), also as its {@code $0}. */
  public void program(String name) {
    state.program = name;
    state.name = name;
  }

  /** Runs {@code run} as shell program {@code name} ({@code bash -c …}); the one before is back once it ends. */
  public Future<Integer> as(String name, java.util.function.Supplier<Future<Integer>> run) {
    String outer = state.program;
    state.program = name;
    return run.get().andThen(ar -> state.program = outer);
  }

  /** Runs lines read by this shell (a whole command); its state lives on for the next. */
  public Future<Integer> lines(String text, Io io) {
    return onContext(() -> {
      signals.clear();
      return interpreter.script(text, state, io).map(code -> {
        if (signals.interrupted()) {
          state.last = 130; // as sh killed by SIGINT
        }
        return ended();
      });
    });
  }

  /**
   * Runs {@code sh -c SCRIPT [NAME [ARG…]]} as this shell: {@code $0} is {@code name}, {@code $1…} the args, with
   * {@code options} as {@link ShellArgs} reads them ({@code -e}, {@code -o pipefail}…).
   */
  public Future<Integer> command(String script, String name, List<String> args, List<String> options, Io io) {
    ShellOptions.apply(state, options);
    state.name = name;
    state.positional = new java.util.ArrayList<>(args);
    return lines(script, io);
  }

  /**
   * Runs {@code script} as a new {@code sh -c SCRIPT} process would (awk's {@code "CMD" | getline}, {@code system}):
   * with {@code io}'s environment and folder only, this shell's variables, {@code $@} and options untouched.
   */
  public Future<Integer> process(String script, Io io) {
    return onContext(() -> {
      ShellState st = new ShellState(signals, io.env(), io.cwd(), "sh", List.of());
      return interpreter.script(script, st, io).map(code -> st.last);
    });
  }

  /** Runs the {@code EXIT} trap, if set, once the shell ends; its status is the shell's. */
  public Future<Integer> exit(Io io) {
    String action = state.traps.remove("EXIT");
    if (action == null) {
      return Future.succeededFuture(state.last);
    }
    int code = state.last;
    return onContext(() -> {
      signals.clear();
      state.control = ShellState.Control.NONE;
      return interpreter.script(action, state, io)
          .map(c -> state.control == ShellState.Control.EXIT ? state.last : code);
    });
  }

  private int ended() {
    if (state.control == ShellState.Control.EXIT) {
      exited = true;
    }
    state.control = ShellState.Control.NONE;
    return state.last;
  }

  /** Whether {@code exit} ran. */
  public boolean exited() {
    return exited;
  }

  /** The status of the last command ({@code $?}). */
  public int last() {
    return state.last;
  }

  /** Whether the shell set a trap for {@code signal} ({@code TERM}). */
  public boolean traps(String signal) {
    return state.traps.containsKey(signal);
  }

  /** Whether {@code text} is whole commands (else more lines are needed: an open loop, quote, here-document). */
  public static boolean complete(String text) {
    return Parser.complete(text);
  }

  private Future<Integer> onContext(java.util.function.Supplier<Future<Integer>> work) {
    Context context = interpreter.context();
    Context current = Vertx.currentContext();
    if (current == context || current == null) { // a thread of no context (a test's) starts it at once, in order
      return work.get();
    }
    Promise<Integer> p = Promise.promise();
    context.runOnContext(v -> work.get().onComplete(p));
    return p.future();
  }
}
