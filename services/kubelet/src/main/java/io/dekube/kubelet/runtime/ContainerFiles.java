package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files a {@code jvm} container sees: its volume mounts (host folders behind their mountPaths) and
 * the pod's {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf}; nothing of the host.
 * {@code cat} and {@code ls} over them. Small reads on the calling thread.
 */
final class ContainerFiles {

  private final ContainerSpec spec;

  ContainerFiles(ContainerSpec spec) {
    this.spec = spec;
  }

  /** The host file behind a container path in a mount that is not read-only, or null. */
  Path writable(String path) {
    Path p = hostPath(path);
    if (p == null || Files.isSymbolicLink(p) || spec.container().getVolumeMounts() == null) {
      return p == null || Files.isSymbolicLink(p) ? null : p;
    }
    String best = "";
    boolean readOnly = false;
    for (var m : spec.container().getVolumeMounts()) {
      String mount = m.getMountPath();
      if (mount != null && (path.equals(mount) || path.startsWith(mount.endsWith("/") ? mount : mount + "/"))
          && mount.length() > best.length()) {
        best = mount;
        readOnly = Boolean.TRUE.equals(m.getReadOnly());
      }
    }
    return readOnly ? null : p;
  }

  int cat(List<String> files, ExecSession.Output out) {
    int code = 0;
    for (String f : files) {
      String special = special(f);
      if (special != null) {
        out.stdout(Buffer.buffer(special));
        continue;
      }
      Path p = hostPath(f);
      try {
        if (p == null || !Files.isRegularFile(p)) {
          throw new IOException();
        }
        out.stdout(Buffer.buffer(Files.readAllBytes(p)));
      } catch (IOException e) {
        err(out, "cat: can't open '" + f + "': No such file or directory");
        code = 1;
      }
    }
    return code;
  }

  int ls(List<String> args, ExecSession.Output out) {
    String dir = args.stream().filter(a -> !a.startsWith("-")).findFirst().orElse("/");
    TreeMap<String, Boolean> names = new TreeMap<>();
    String norm = dir.endsWith("/") && dir.length() > 1 ? dir.substring(0, dir.length() - 1) : dir;
    for (String mount : spec.mounts().keySet()) {
      String parent = mount.contains("/") ? mount.substring(0, Math.max(1, mount.lastIndexOf('/'))) : "/";
      if (parent.equals(norm)) {
        names.put(mount.substring(mount.lastIndexOf('/') + 1), true);
      }
    }
    Path p = hostPath(norm);
    if (p != null && Files.isDirectory(p)) {
      try (Stream<Path> s = Files.list(p)) {
        s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith("..")).forEach(n -> names.put(n, true));
      } catch (IOException e) {
        // listed what we could
      }
    } else if (names.isEmpty() && !norm.equals("/") && !norm.equals("/etc")) {
      err(out, "ls: " + dir + ": No such file or directory");
      return 1;
    }
    if (norm.equals("/")) {
      names.put("etc", true);
    } else if (norm.equals("/etc")) {
      List.of("hostname", "hosts", "resolv.conf").forEach(n -> names.put(n, true));
    }
    names.keySet().forEach(l -> print(out, l));
    return 0;
  }

  private String special(String path) {
    return switch (path) {
      case "/etc/hostname" -> spec.env().getOrDefault("HOSTNAME", spec.podName()) + "\n";
      case "/etc/hosts" -> PodNet.hosts(spec);
      case "/etc/resolv.conf" -> PodNet.resolvConf(spec);
      default -> null;
    };
  }

  /** The host file behind a container path, through the longest mount that holds it. */
  private Path hostPath(String path) {
    String best = null;
    for (String mount : spec.mounts().keySet()) {
      if ((path.equals(mount) || path.startsWith(mount.endsWith("/") ? mount : mount + "/"))
          && (best == null || mount.length() > best.length())) {
        best = mount;
      }
    }
    if (best == null) {
      return null;
    }
    String rest = path.substring(best.length()).replaceFirst("^/+", "");
    Path base = spec.mounts().get(best);
    Path p = rest.isEmpty() ? base : base.resolve(rest).normalize();
    return p.startsWith(base) ? p : null;
  }

  private static int print(ExecSession.Output out, String line) {
    out.stdout(Buffer.buffer(line + "\n"));
    return 0;
  }

  private static void err(ExecSession.Output out, String line) {
    out.stderr(Buffer.buffer(line + "\n"));
  }
}
