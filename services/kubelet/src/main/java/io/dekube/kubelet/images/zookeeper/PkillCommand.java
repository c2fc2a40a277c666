package io.dekube.kubelet.images.zookeeper;

import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.List;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * procps's {@code pkill [-SIGNAL] [-f] PATTERN} in a kubernetes-zookeeper container, for the tutorial's "Handling
 * Process Failure" ({@code kubectl exec zk-0 -- pkill java}): the container's processes are {@code sh} (PID 1, which
 * ignores signals it has no handler for) and {@code java}, the server; a signal that reaches the server stops it,
 * and the container ends as the shell whose child died does — 143 for TERM, 137 for KILL — so the kubelet restarts
 * it. Exit 0 when a process matched, 1 when none did, 2 for a bad pattern.
 */
final class PkillCommand {

  private PkillCommand() {
  }

  static ExecSession start(JvmContainer c, List<String> argv, ExecSession.Output out,
                           Supplier<Future<Void>> stopServer) {
    boolean full = false;
    boolean kill = false;
    String pattern = null;
    for (String a : argv.subList(1, argv.size())) {
      if (a.equals("-f")) {
        full = true;
      } else if (a.equals("-9") || a.equalsIgnoreCase("-KILL") || a.equalsIgnoreCase("-SIGKILL")) {
        kill = true;
      } else if (a.startsWith("-") && pattern == null) {
        continue; // another signal: TERM's effect on the server
      } else {
        pattern = a;
      }
    }
    if (pattern == null) {
      out.stderr(Buffer.buffer("pkill: no matching criteria specified\nTry `pkill --help' for more information.\n"));
      return ExecSession.finished(2);
    }
    Pattern p;
    try {
      p = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      out.stderr(Buffer.buffer("pkill: invalid pattern\n"));
      return ExecSession.finished(2);
    }
    List<String> processes = ZooKeeperFiles.processes(ZooKeeperImage.argv(c));
    String server = processes.get(processes.size() - 1);
    boolean shell = p.matcher(full ? processes.get(0) : "sh").find();
    boolean java = processes.size() > 1 && p.matcher(full ? server : "java").find();
    if (!java) {
      return ExecSession.finished(shell ? 0 : 1);
    }
    int code = kill ? 137 : 143;
    stopServer.get().onComplete(ar -> c.exit(code));
    return ExecSession.finished(0);
  }
}
