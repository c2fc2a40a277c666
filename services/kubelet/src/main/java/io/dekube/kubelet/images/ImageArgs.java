package io.dekube.kubelet.images;

import io.fabric8.kubernetes.api.model.Container;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line a container's image runs, as a container runtime builds it from the image's
 * {@code ENTRYPOINT} and {@code CMD} and the container's {@code command} and {@code args}: a {@code command}
 * replaces the entrypoint (and drops the image's CMD), {@code args} replace the CMD. Pure.
 */
final class ImageArgs {

  private ImageArgs() {
  }

  /** The whole argv: entrypoint or command first, then args or CMD. */
  static List<String> argv(Container c, List<String> entrypoint, List<String> cmd) {
    List<String> argv = new ArrayList<>();
    boolean command = c.getCommand() != null && !c.getCommand().isEmpty();
    argv.addAll(command ? c.getCommand() : entrypoint);
    if (c.getArgs() != null && !c.getArgs().isEmpty()) {
      argv.addAll(c.getArgs());
    } else if (!command) {
      argv.addAll(cmd);
    }
    return argv;
  }
}
