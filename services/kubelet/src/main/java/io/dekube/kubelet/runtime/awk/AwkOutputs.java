package io.dekube.kubelet.runtime.awk;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Where {@code print} and {@code printf} write besides stdout and stderr: files ({@code > FILE} empties it at its
 * first write, {@code >> FILE} appends) and commands ({@code | CMD}: what they are given is kept until
 * {@code close(CMD)} or the end, when each runs once with it as its stdin and its output goes to awk's).
 */
final class AwkOutputs {

  /** How a print redirects: {@code >}, {@code >>}, {@code |}. */
  enum Mode { FILE, APPEND, PIPE }

  private final Set<String> files = new HashSet<>();
  private final Map<String, StringBuilder> pipes = new LinkedHashMap<>();

  void write(AwkState st, Mode mode, String target, String text) {
    if (mode == Mode.PIPE) {
      pipes.computeIfAbsent(target, k -> new StringBuilder()).append(text);
      return;
    }
    boolean append = mode == Mode.APPEND || !files.add(target);
    try {
      st.io.write(target, text, append);
    } catch (IOException e) {
      throw new AwkException("can't redirect to '" + target + "' (" + e.getMessage() + ")");
    }
  }

  /** {@code close(name)}: 0 for a file, a command's exit code once it ran; null when neither is open. */
  Integer close(AwkState st, String name) {
    StringBuilder input = pipes.remove(name);
    if (input != null) {
      return run(st, name, input);
    }
    return files.remove(name) ? 0 : null;
  }

  /** The end of the program: the commands still open run. */
  void finish(AwkState st) {
    for (String command : new ArrayList<>(pipes.keySet())) {
      run(st, command, pipes.remove(command));
    }
  }

  private static int run(AwkState st, String command, StringBuilder input) {
    AwkIo.Ran ran = st.io.run(command, input.toString());
    st.write(null, null, ran.out());
    return ran.code();
  }
}
