package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * The state of one shell: variables, positional parameters, functions, traps, working folder, last status,
 * background jobs, and the control flow under way ({@code break}, {@code continue}, {@code return},
 * {@code exit}). A subshell ({@code ( )}, a pipeline stage, {@code $( )}, {@code &}) works on a copy. Confined
 * to the shell's context.
 */
final class ShellState {

  /** Control flow that unwinds the commands running: how far, and what ends it. */
  enum Control { NONE, BREAK, CONTINUE, RETURN, EXIT }

  final Signals signals;
  Variables vars;
  String name;
  /** The shell program this is ({@code sh}, {@code ash}, {@code bash}): the image's {@code sh} may be dash. */
  String program = "sh";
  /** {@code $$}: the shell's process id in its container's process namespace. */
  String pid = Parameters.PID;
  List<String> positional;
  Map<String, Node> functions;
  Map<String, String> traps;
  String cwd;
  int last;
  Control control = Control.NONE;
  /** How many loops a {@code break N}/{@code continue N} still has to leave. */
  int levels;
  /** Loops being run (in this function), so that {@code break} outside a loop does nothing. */
  int loopDepth;
  long lastJob;
  /** Command substitutions run so far (an assignment's status is that of its last one). */
  int substitutions;
  List<Future<Integer>> jobs = new ArrayList<>();
  /** Whether this shell is a pipeline's stage whose output pipe broke (SIGPIPE): it ends at the next command. */
  BooleanSupplier hungUp = () -> false;
  /** {@code set -e}, {@code -x}, {@code -u}, {@code -o pipefail}. */
  boolean errexit;
  boolean xtrace;
  boolean nounset;
  boolean pipefail;
  /** How deep it runs commands whose status is tested (conditions, the left of {@code &&}): no {@code set -e} there. */
  int errexitOff;

  ShellState(Signals signals, Map<String, String> env, String cwd, String name, List<String> positional) {
    this.signals = signals;
    this.vars = new Variables(env);
    this.cwd = cwd;
    this.name = name;
    this.positional = new ArrayList<>(positional);
    this.functions = new HashMap<>();
    this.traps = new HashMap<>();
  }

  private ShellState(ShellState parent) {
    this.signals = parent.signals;
    this.vars = parent.vars.copy();
    this.name = parent.name;
    this.program = parent.program;
    this.pid = parent.pid;
    this.positional = new ArrayList<>(parent.positional);
    this.functions = new HashMap<>(parent.functions);
    this.traps = new HashMap<>();
    this.cwd = parent.cwd;
    this.last = parent.last;
    this.hungUp = parent.hungUp;
    this.errexit = parent.errexit;
    this.xtrace = parent.xtrace;
    this.nounset = parent.nounset;
    this.pipefail = parent.pipefail;
    this.errexitOff = parent.errexitOff;
  }

  /** A copy for a subshell: what it changes stays in it; traps are reset, as POSIX says. */
  ShellState subshell() {
    return new ShellState(this);
  }

  /**
   * Whether the commands that follow must not run: control flow unwinds, the script was interrupted, or its output
   * pipe broke.
   */
  boolean unwinding() {
    return control != Control.NONE || signals.interrupted() || hungUp.getAsBoolean();
  }

  /** The environment of the commands it runs. */
  Map<String, String> environment() {
    return vars.environment();
  }
}
