package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code kill [-s SIGNAL | -SIGNAL | -N] PID...} in a {@code jvm} container, as "Configure a Pod to Use a Volume for
 * Storage" kills redis's server from a shell to show the container restarted with its emptyDir kept: a signal to the
 * container's own program ({@link ProcessTable#mainPid}) is the container's — TERM, INT, QUIT and HUP stop it as its
 * program handles them (redis ends with 0, a shell runs its trap); as PID 1 a program without a handler (a shell
 * without a trap, {@code sleep}) takes none of them, nor KILL, as the kernel protects a namespace's init from its own
 * members; in a pod that shares its process namespace TERM ends such a program with 143, KILL any with 137; the other
 * processes {@code ps} lists take signals without effect (nginx's master starts a new worker); any other id has no
 * process, in busybox's words. {@code kill -l} lists the signals. Thread-safe.
 */
final class KillCommand implements JvmContainer.ImageCommand {

  private static final List<String> SIGNALS = List.of("HUP", "INT", "QUIT", "ILL", "TRAP", "ABRT", "BUS", "FPE",
      "KILL", "USR1", "SEGV", "USR2", "PIPE", "ALRM", "TERM");

  private final JvmContainer container;

  KillCommand(JvmContainer container) {
    this.container = container;
  }

  @Override
  public ExecSession start(List<String> argv, ExecSession.Output out, boolean tty) {
    String signal = "TERM";
    List<String> pids = new ArrayList<>();
    List<String> args = argv.subList(1, argv.size());
    for (int i = 0; i < args.size(); i++) {
      String a = args.get(i);
      if (a.equals("-l")) {
        StringBuilder b = new StringBuilder();
        for (int n = 0; n < SIGNALS.size(); n++) {
          b.append(n + 1).append(") ").append(SIGNALS.get(n)).append('\n');
        }
        out.stdout(Buffer.buffer(b.toString()));
        return ExecSession.finished(0);
      } else if (a.equals("-s") && i + 1 < args.size()) {
        signal = args.get(++i);
      } else if (a.startsWith("-") && a.length() > 1 && pids.isEmpty()) {
        signal = a.substring(1);
      } else {
        pids.add(a);
      }
    }
    String name = name(signal);
    if (name == null) {
      out.stderr(Buffer.buffer("sh: kill: bad signal name '" + signal + "'\n"));
      return ExecSession.finished(1);
    }
    if (pids.isEmpty()) {
      out.stderr(Buffer.buffer("kill: usage: kill [-s SIG | -SIG] PID...\n"));
      return ExecSession.finished(1);
    }
    ContainerSpec spec = container.spec();
    int main = ProcessTable.mainPid(spec);
    List<Integer> listed = ProcessTable.of(spec, "").stream().map(ProcessTable.Process::pid).toList();
    int code = 0;
    boolean stop = false;
    for (String pid : pids) {
      int n;
      try {
        n = Integer.parseInt(pid);
      } catch (NumberFormatException e) {
        out.stderr(Buffer.buffer("sh: kill: illegal number: " + pid + "\n"));
        code = 1;
        continue;
      }
      if (n == main) {
        stop = true;
      } else if (!listed.contains(n) || n == listed.get(listed.size() - 1)) {
        out.stderr(Buffer.buffer("sh: can't kill pid " + n + ": No such process\n"));
        code = 1;
      }
    }
    if (stop) {
      container.signalFromInside(name);
    }
    return ExecSession.finished(code);
  }

  /** The signal's name for {@code TERM}, {@code SIGTERM}, {@code term} or {@code 15}; null when there is none. */
  private static String name(String signal) {
    String s = signal.toUpperCase(Locale.ROOT).replaceFirst("^SIG", "");
    if (s.matches("\\d+")) {
      int n = Integer.parseInt(s);
      return n == 0 ? "0" : n >= 1 && n <= SIGNALS.size() ? SIGNALS.get(n - 1) : null;
    }
    return SIGNALS.contains(s) ? s : null;
  }
}
