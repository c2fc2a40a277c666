package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Supplier;

/**
 * A {@code jvm} container's {@code /proc}, as the proc file system shows a container its process namespace: a
 * folder per process of {@link ProcessTable} ({@code cmdline}, {@code comm}, {@code status}, {@code mounts}, and
 * {@code uid_map}, {@code gid_map} and {@code ns/user} of its {@link UserNamespace}),
 * {@code self} (a link to the reading process's folder), {@code /proc/mounts} (the container's mounts as
 * containerd makes them: the overlay root, proc, {@code /dev}'s, sysfs, cgroup2, each volume, the files the kubelet
 * mounts), and the node's own {@code cpuinfo}, {@code meminfo}, {@code version}, {@code uptime}, {@code loadavg}
 * and {@code stat}, read when read (as a container sees the host's there). Read-only, owned by root, size 0 as the
 * kernel reports them. "Get a Shell to a Running Container" runs {@code cat /proc/mounts}. Blocking reads of the
 * node's files: call from a worker thread.
 */
final class ProcFiles {

  private static final List<String> NODE_FILES = List.of("cpuinfo", "meminfo", "version", "uptime", "loadavg",
      "stat");

  private final TreeSet<String> folders = new TreeSet<>();
  private final TreeMap<String, Supplier<byte[]>> files = new TreeMap<>();
  private final Map<String, String> links = new TreeMap<>();
  /** {@code /proc/<pid>/root} of another container's process: that container's files, made at the first look. */
  private final Map<String, Supplier<Overlay>> roots = new TreeMap<>();
  private final Instant started = Instant.now();

  /** Whether {@code p} (absolute, normalized) is in {@code /proc}. */
  static boolean holds(String p) {
    return p.equals("/proc") || p.startsWith("/proc/");
  }

  /** The {@code /proc} of the container of {@code spec}, whose file system has {@code mounts}. */
  static ProcFiles of(ContainerSpec spec, List<ContainerFs.Mount> mounts, boolean readOnlyRoot) {
    ProcFiles proc = new ProcFiles();
    proc.folders.add("/proc");
    byte[] mountTable = mountTable(mounts, readOnlyRoot).getBytes(StandardCharsets.UTF_8);
    proc.file("/proc/mounts", () -> mountTable);
    for (String f : NODE_FILES) {
      proc.file("/proc/" + f, () -> node(f));
    }
    proc.sysctls(spec.podSecurity());
    UserNamespace users = UserNamespace.of(spec);
    List<ProcessTable.Process> processes = ProcessTable.of(spec, "");
    for (int i = 0; i < processes.size(); i++) {
      ProcessTable.Process p = processes.get(i);
      boolean reader = i == processes.size() - 1; // the table's last: the process reading, as ps is in ps's table
      String dir = "/proc/" + p.pid();
      proc.folders.add(dir);
      String command = reader ? "sh" : p.command();
      String comm = comm(command);
      if (!reader) {
        byte[] cmdline = cmdline(command);
        proc.file(dir + "/cmdline", () -> cmdline);
      }
      proc.file(dir + "/comm", () -> (comm + "\n").getBytes(StandardCharsets.UTF_8));
      String status = "Name:\t" + comm + "\nUmask:\t0022\nState:\t" + (reader ? "R (running)" : "S (sleeping)")
          + "\nTgid:\t" + p.pid() + "\nPid:\t" + p.pid() + "\nPPid:\t" + (p.pid() == 1 ? 0 : reader ? 0 : 1)
          + "\nUid:\t" + ids(p.uid()) + "\nGid:\t" + ids(p.uid()) + "\n"
          + Capabilities.statusLines(p.capabilities(), p.uid());
      proc.file(dir + "/status", () -> status.getBytes(StandardCharsets.UTF_8));
      proc.file(dir + "/mounts", () -> mountTable);
      proc.file(dir + "/uid_map", () -> users.idMap());
      proc.file(dir + "/gid_map", () -> users.idMap());
      proc.folders.add(dir + "/ns");
      proc.links.put(dir + "/ns/user", users.namespace());
      rootOf(spec, p, proc, dir + "/root");
      if (reader) {
        proc.links.put("/proc/self", Integer.toString(p.pid()));
      }
    }
    return proc;
  }

  /**
   * {@code /proc/<pid>/root}: for a process of the container itself a link to {@code /}, as the kernel shows it; for
   * another container's (a pod that shares its process namespace, the target of a debugging ephemeral container) that
   * container's file system, for reading ("Share Process Namespace between Containers in a Pod"'s
   * {@code head /proc/8/root/etc/nginx/nginx.conf}). Decisions: it is shown as a folder, not the kernel's link; that
   * container's image and writable layer are there, not its volumes nor its /proc; an absolute link inside it is read
   * from the reader's root; the sandbox's {@code /pause} has none.
   */
  private static void rootOf(ContainerSpec spec, ProcessTable.Process p, ProcFiles proc, String root) {
    io.fabric8.kubernetes.api.model.Container c = p.container();
    if (c == null) {
      return;
    }
    if (java.util.Objects.equals(c.getName(), spec.container().getName())) {
      proc.links.put(root, "/");
      return;
    }
    ContainerSpec other = new ContainerSpec(spec.namespace(), spec.podName(), spec.podUid(), spec.nodeName(),
        spec.podIp(), c, spec.env(), spec.logFile().getParent().resolveSibling(String.valueOf(c.getName()))
        .resolve("0.log"), spec.workDir(), Map.of(), spec.id(), spec.etcHosts(), spec.podSpec());
    java.util.concurrent.atomic.AtomicReference<Overlay> made = new java.util.concurrent.atomic.AtomicReference<>();
    proc.roots.put(root, () -> made.updateAndGet(o -> o != null ? o : ContainerFs.filesOf(other)));
  }

  /** The root of another container that {@code p} is in or below, or null. */
  private String rootHolding(String p) {
    for (String r : roots.keySet()) {
      if (p.equals(r) || p.startsWith(r + "/")) {
        return r;
      }
    }
    return null;
  }

  /** {@code p} as the other container whose root {@code r} is sees it. */
  private static String inRoot(String p, String r) {
    return p.length() == r.length() ? "/" : p.substring(r.length());
  }

  /**
   * {@code /proc/sys}: the pod's {@code securityContext.sysctls} with the values the runtime set (as the kernel
   * prints them: numbers tab-separated), and the other safe sysctls with the node's values, read when read.
   */
  private void sysctls(io.fabric8.kubernetes.api.model.PodSecurityContext sc) {
    Map<String, String> set = new TreeMap<>();
    if (sc != null && sc.getSysctls() != null) {
      sc.getSysctls().forEach(s -> set.put(io.dekube.core.net.Sysctls.normalize(String.valueOf(s.getName())),
          s.getValue() == null ? "" : s.getValue()));
    }
    TreeSet<String> names = new TreeSet<>(io.dekube.core.net.Sysctls.SAFE);
    names.addAll(set.keySet());
    for (String n : names) {
      String path = "/proc/sys/" + io.dekube.core.net.Sysctls.procPath(n);
      String value = set.get(n);
      if (value != null) {
        byte[] b = (kernelForm(value) + "\n").getBytes(StandardCharsets.UTF_8);
        file(path, () -> b);
      } else if (Files.isReadable(Path.of(path))) {
        file(path, () -> hostFile(path));
      } else {
        continue;
      }
      for (String d = ContainerFs.parent(path); d.startsWith("/proc/"); d = ContainerFs.parent(d)) {
        folders.add(d);
      }
    }
  }

  /** A value as the kernel prints it back: a list of numbers separated by tabs, else as written. */
  static String kernelForm(String value) {
    String v = value.strip();
    return v.matches("-?\\d+(\\s+-?\\d+)+") ? String.join("\t", v.split("\\s+")) : v;
  }

  private static byte[] hostFile(String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException | SecurityException e) {
      return new byte[0];
    }
  }

  private void file(String path, Supplier<byte[]> bytes) {
    files.put(path, bytes);
  }

  private static String ids(long id) {
    return id + "\t" + id + "\t" + id + "\t" + id;
  }

  /** The kernel's {@code comm}: the program's name, at most 15 characters (nginx's retitled processes keep nginx). */
  private static String comm(String command) {
    String first = command.split("[ :]", 2)[0];
    String name = first.substring(first.lastIndexOf('/') + 1);
    return name.length() > 15 ? name.substring(0, 15) : name;
  }

  /** The arguments, each ended by a NUL; a retitled process ({@code nginx: master process ...}) is one string. */
  private static byte[] cmdline(String command) {
    String text = command.contains(": ") ? command + "\0" : String.join("\0", command.split(" ")) + "\0";
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] node(String name) {
    try {
      return Files.readAllBytes(Path.of("/proc", name));
    } catch (IOException | SecurityException e) {
      return new byte[0];
    }
  }

  /** The lines of {@code /proc/mounts}: what containerd and the kubelet mount, each volume, the shallowest first. */
  static String mountTable(List<ContainerFs.Mount> mounts, boolean readOnlyRoot) {
    StringBuilder b = new StringBuilder();
    b.append("overlay / overlay ").append(readOnlyRoot ? "ro" : "rw").append(",relatime,lowerdir=/var/lib/containerd/"
        + "io.containerd.snapshotter.v1.overlayfs/snapshots/1/fs,upperdir=/var/lib/containerd/io.containerd."
        + "snapshotter.v1.overlayfs/snapshots/2/fs,workdir=/var/lib/containerd/io.containerd.snapshotter.v1."
        + "overlayfs/snapshots/2/work 0 0\n");
    b.append("proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0\n");
    b.append("tmpfs /dev tmpfs rw,nosuid,size=65536k,mode=755 0 0\n");
    b.append("devpts /dev/pts devpts rw,nosuid,noexec,relatime,gid=5,mode=620,ptmxmode=666 0 0\n");
    b.append("mqueue /dev/mqueue mqueue rw,nosuid,nodev,noexec,relatime 0 0\n");
    b.append("sysfs /sys sysfs ro,nosuid,nodev,noexec,relatime 0 0\n");
    b.append("cgroup /sys/fs/cgroup cgroup2 ro,nosuid,nodev,noexec,relatime 0 0\n");
    List<ContainerFs.Mount> shallowFirst = new ArrayList<>(mounts);
    shallowFirst.sort(java.util.Comparator.comparingInt(m -> m.path().length()));
    for (ContainerFs.Mount m : shallowFirst) {
      String options = (m.readOnly() ? "ro" : "rw") + ",relatime";
      b.append(m.tmpfs() ? "tmpfs " + m.path() + " tmpfs " + options : "/dev/root " + m.path() + " ext4 " + options)
          .append(" 0 0\n");
    }
    for (String f : List.of("/etc/hosts", "/dev/termination-log", "/etc/hostname", "/etc/resolv.conf")) {
      b.append("/dev/root ").append(f).append(" ext4 rw,relatime 0 0\n");
    }
    b.append("shm /dev/shm tmpfs rw,nosuid,nodev,noexec,relatime,size=65536k 0 0\n");
    return b.toString();
  }

  /** What is at {@code p} in /proc (a link at its end is the link), or null. */
  ContainerFs.Entry raw(String p) throws IOException {
    String r = rootHolding(p);
    if (r != null) {
      return roots.get(r).get().raw(inRoot(p, r));
    }
    if (links.containsKey(p)) {
      return new ContainerFs.Entry(false, 0, started, false, 0, 0, 0777, links.get(p), 1);
    }
    if (folders.contains(p)) {
      return new ContainerFs.Entry(true, 0, started, false, 0, 0, 0555, null, 2);
    }
    return files.containsKey(p) ? new ContainerFs.Entry(false, 0, started, false, 0, 0, 0444, null, 1) : null;
  }

  /** The bytes of the file at {@code p}. */
  byte[] bytes(String p) throws IOException {
    String r = rootHolding(p);
    if (r != null) {
      return roots.get(r).get().bytes(inRoot(p, r));
    }
    Supplier<byte[]> f = files.get(p);
    if (f == null) {
      throw new ContainerFs.FsError(ContainerFs.NO_ENTRY);
    }
    return f.get().clone();
  }

  /** The names in the folder {@code p}. */
  List<String> names(String p) throws IOException {
    String r = rootHolding(p);
    if (r != null) {
      return roots.get(r).get().names(inRoot(p, r));
    }
    String prefix = p + "/";
    TreeSet<String> names = new TreeSet<>();
    for (String x : folders.subSet(prefix, prefix + '\uffff')) {
      names.add(x.substring(prefix.length()).split("/")[0]);
    }
    for (String x : files.subMap(prefix, prefix + '\uffff').keySet()) {
      names.add(x.substring(prefix.length()).split("/")[0]);
    }
    for (String x : roots.keySet()) {
      if (ContainerFs.parent(x).equals(p)) {
        names.add(ContainerFs.name(x));
      }
    }
    for (String x : links.keySet()) {
      if (ContainerFs.parent(x).equals(p)) {
        names.add(ContainerFs.name(x));
      }
    }
    return new ArrayList<>(names);
  }
}
