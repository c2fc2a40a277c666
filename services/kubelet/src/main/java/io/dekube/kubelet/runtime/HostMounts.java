package io.dekube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.VolumeMount;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * How a {@code process} container sees its volume mounts (the folders {@code Volumes} wrote under
 * the pod's folder), one of two ways:
 * <ul>
 *   <li>{@link Mode#NAMESPACE} — the kubelet runs as root and {@code unshare} can make a mount
 *       namespace: the process starts in its own private mount namespace where each volume is
 *       bind-mounted at its absolute {@code mountPath} ({@code readOnly} ones read-only). The host's
 *       mounts are untouched; a missing mount point is created as an empty folder (or file) on the
 *       host and left there. {@code kubectl exec} enters the same namespace ({@code nsenter}).</li>
 *   <li>{@link Mode#RELATIVE} — otherwise: the container's root folder
 *       ({@code <pod folder>/<container>/root}, its default working folder) gets each mount as a
 *       symbolic link at the mountPath taken relative to it ({@code /etc/config} →
 *       {@code ./etc/config}); {@code DEKUBE_ROOT} in the environment names that folder. The kubelet
 *       records a {@code RelativeMounts} Warning Event on the pod.</li>
 * </ul>
 * Blocking (files, a probe process): call from a worker thread.
 */
public final class HostMounts {

  /** How mounts are made visible. */
  public enum Mode { NAMESPACE, RELATIVE }

  /** The environment variable naming the container's root folder in {@link Mode#RELATIVE}. */
  public static final String ROOT_ENV = "DEKUBE_ROOT";

  private static volatile Mode detected;

  private HostMounts() {
  }

  /** The mode of this host: NAMESPACE when root may {@code unshare --mount} (probed once). */
  public static Mode mode() {
    Mode m = detected;
    if (m == null) {
      m = probe();
      detected = m;
    }
    return m;
  }

  private static Mode probe() {
    try {
      boolean root = Files.readAllLines(Path.of("/proc/self/status")).stream()
          .anyMatch(l -> l.startsWith("Uid:") && l.split("\\s+")[1].equals("0"));
      if (!root) {
        return Mode.RELATIVE;
      }
      Process p = new ProcessBuilder("unshare", "--mount", "--propagation", "private", "true")
          .redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 ? Mode.NAMESPACE : Mode.RELATIVE;
    } catch (IOException e) {
      return Mode.RELATIVE;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Mode.RELATIVE;
    }
  }

  /**
   * The command line that starts {@code argv} in a private mount namespace with the mounts bound
   * (parents before children); {@code argv} itself when there are no mounts.
   */
  public static List<String> namespaced(List<String> argv, Map<String, Path> mounts, List<VolumeMount> specs) {
    if (mounts.isEmpty()) {
      return argv;
    }
    // the mount tools come from the host's PATH; the container's own PATH is back for its command
    StringBuilder script = new StringBuilder("set -e\n_p=\"${PATH-}\"; _s=\"${PATH+set}\"\n"
        + "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
    List<String> paths = new ArrayList<>(mounts.keySet());
    paths.sort(Comparator.comparingInt(String::length));
    for (String target : paths) {
      Path source = mounts.get(target);
      String t = quote(target);
      if (Files.isRegularFile(source)) {
        script.append("mkdir -p \"$(dirname ").append(t).append(")\"; [ -e ").append(t).append(" ] || : > ")
            .append(t).append('\n');
      } else {
        script.append("mkdir -p ").append(t).append('\n');
      }
      script.append("mount --bind ").append(quote(source.toString())).append(' ').append(t).append('\n');
      if (readOnly(target, specs)) {
        script.append("mount -o remount,bind,ro ").append(t).append('\n');
      }
    }
    script.append("if [ -n \"$_s\" ]; then PATH=\"$_p\"; else unset PATH; fi\nunset _p _s\nexec \"$@\"\n");
    List<String> cmd = new ArrayList<>(List.of("unshare", "--mount", "--propagation", "private", "--", "/bin/sh",
        "-c", script.toString(), "dekube-mounts"));
    cmd.addAll(argv);
    return cmd;
  }

  /** A command run inside a namespaced container's mount namespace ({@code kubectl exec}, exec probes). */
  public static List<String> enter(long pid, List<String> argv) {
    List<String> cmd = new ArrayList<>(List.of("nsenter", "--target", Long.toString(pid), "--mount", "--"));
    cmd.addAll(argv);
    return cmd;
  }

  /** Links each mount at its mountPath relative to {@code root}; answers the paths made (for the Event). */
  public static List<Path> linkRelative(Path root, Map<String, Path> mounts) throws IOException {
    List<Path> made = new ArrayList<>();
    for (var e : mounts.entrySet()) {
      Path link = root.resolve(e.getKey().replaceFirst("^/+", "")).normalize();
      if (!link.startsWith(root) || link.equals(root)) {
        continue;
      }
      Files.createDirectories(link.getParent());
      if (Files.isSymbolicLink(link)) {
        Files.delete(link);
      }
      if (!Files.exists(link)) {
        Files.createSymbolicLink(link, e.getValue());
        made.add(link);
      }
    }
    return made;
  }

  private static boolean readOnly(String target, List<VolumeMount> specs) {
    return specs != null && specs.stream().anyMatch(m -> target.equals(m.getMountPath())
        && Boolean.TRUE.equals(m.getReadOnly()));
  }

  /** A POSIX shell single-quoted word. */
  static String quote(String s) {
    return "'" + s.replace("'", "'\\''") + "'";
  }
}
