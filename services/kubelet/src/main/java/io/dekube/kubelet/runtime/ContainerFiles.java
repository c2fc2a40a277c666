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
 * {@code cat}, {@code ls}, {@code test} and {@code tar} (what {@code kubectl cp} runs) over them. Small reads
 * and writes on the calling thread.
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

  /** {@code test -e|-f|-d PATH} (also as {@code [ ... ]}): 0 when it holds. */
  int test(List<String> args) {
    List<String> a = args.isEmpty() || !args.get(args.size() - 1).equals("]") ? args : args.subList(0, args.size() - 1);
    if (a.size() != 2) {
      return a.size() == 1 && !a.get(0).isEmpty() ? 0 : 1;
    }
    String path = a.get(1);
    Path p = hostPath(path);
    boolean dir = path.equals("/") || path.equals("/etc") || (p != null && Files.isDirectory(p));
    boolean file = special(path) != null || (p != null && Files.isRegularFile(p));
    return switch (a.get(0)) {
      case "-d" -> dir ? 0 : 1;
      case "-f" -> file ? 0 : 1;
      case "-e" -> dir || file ? 0 : 1;
      default -> 2;
    };
  }

  /** {@code tar cf - PATH...}: the archive on stdout, names without their leading /, folders whole. */
  int tarCreate(List<String> paths, ExecSession.Output out) {
    List<Tar.Entry> entries = new java.util.ArrayList<>();
    int code = 0;
    for (String path : paths) {
      String name = path.replaceFirst("^/+", "").replaceFirst("/+$", "");
      String special = special(path);
      Path p = hostPath(path);
      try {
        if (special != null) {
          entries.add(new Tar.Entry(name, false, special.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        } else if (p != null && Files.isRegularFile(p)) {
          entries.add(new Tar.Entry(name, false, Files.readAllBytes(p)));
        } else if (p != null && Files.isDirectory(p)) {
          try (Stream<Path> walk = Files.walk(p)) {
            for (Path f : walk.sorted().toList()) {
              String rel = p.relativize(f).toString();
              String entry = rel.isEmpty() ? name : name + "/" + rel;
              if (Files.isDirectory(f)) {
                entries.add(new Tar.Entry(entry, true, new byte[0]));
              } else if (Files.isRegularFile(f) && !f.getFileName().toString().startsWith("..")) {
                entries.add(new Tar.Entry(entry, false, Files.readAllBytes(f)));
              }
            }
          }
        } else {
          throw new IOException();
        }
      } catch (IOException e) {
        err(out, "tar: " + path + ": No such file or directory");
        code = 1;
      }
    }
    out.stdout(Buffer.buffer(Tar.write(entries)));
    return code;
  }

  /** {@code tar -xf - -C DIR}: the archive's files into writable mounts under {@code dir}. */
  int tarExtract(byte[] archive, String dir, ExecSession.Output out) {
    List<Tar.Entry> entries;
    try {
      entries = Tar.read(archive);
    } catch (RuntimeException e) {
      err(out, "tar: invalid tar magic");
      return 1;
    }
    int code = 0;
    for (Tar.Entry e : entries) {
      String path = (dir.endsWith("/") ? dir : dir + "/") + e.name();
      Path p = writable(path.replaceFirst("/+$", ""));
      try {
        if (p == null) {
          throw new IOException();
        }
        if (e.directory()) {
          Files.createDirectories(p);
        } else {
          Files.createDirectories(p.getParent());
          Files.write(p, e.data());
        }
      } catch (IOException ex) {
        err(out, "tar: can't open '" + e.name() + "': Read-only file system");
        code = 1;
      }
    }
    return code;
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
