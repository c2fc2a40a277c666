package io.dekube.kubelet.runtime.sh;

import io.dekube.kubelet.runtime.ExecSession;
import java.util.Map;

/**
 * Where a command runs: its output, its input, its working folder and its environment (the exported variables).
 *
 * @param out   stdout and stderr
 * @param stdin what it reads
 * @param cwd   the working folder
 * @param env   the environment
 */
public record Io(ExecSession.Output out, Stdin stdin, String cwd, Map<String, String> env) {

  Io withOut(ExecSession.Output o) {
    return new Io(o, stdin, cwd, env);
  }

  Io withStdin(Stdin s) {
    return new Io(out, s, cwd, env);
  }
}
