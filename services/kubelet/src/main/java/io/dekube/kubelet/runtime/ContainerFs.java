package io.dekube.kubelet.runtime;

import io.dekube.kubelet.images.BuiltInImages;
import io.dekube.kubelet.images.ImageFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The root file system of a {@code jvm} container, as overlayfs gives one to a real container: the image's
 * files ({@link ImageFiles}, plus the pod's {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf},
 * and {@code /bin} with the shell's applets) as the read-only lower layer, the container's writable layer (a
 * folder on the node, {@code <pod folder>/<container>/root}, emptied at each start and removed with the pod)
 * above it, and the volume mounts above both. What the layer holds hides the image's entry of that path; an
 * image's entry deleted leaves a whiteout ({@code .wh.NAME}, as in OCI layers) that hides it and all below it
 * for good, so a folder made again there starts empty. {@code readOnlyRootFilesystem} makes
 * the layer read-only; {@code readOnly} mounts are. Paths are the container's (absolute; {@code .} and
 * {@code ..} resolved). Blocking file I/O: call from a worker thread. Stateless beyond the disk: any number
 * of instances may work on one container.
 */
final class ContainerFs {

  static final String NO_ENTRY = "No such file or directory";
  static final String READ_ONLY = "Read-only file system";
  static final String EXISTS = "File exists";
  static final String IS_DIR = "Is a directory";
  static final String NOT_DIR = "Not a directory";
  static final String NOT_EMPTY = "Directory not empty";
  static final String BUSY = "Device or resource busy";

  private static final String WHITEOUT = ".wh.";
  private static final Instant BUILT = Instant.parse("2024-01-01T00:00:00Z");
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  /** A refused operation; the message is the errno's text as busybox prints it. */
  static final class FsError extends IOException {
    FsError(String reason) {
      super(reason);
    }
  }

  /**
   * What is at a path: a folder or a regular file, its size and modification time, whether it may be written,
   * and its owner, group and permission bits (with setuid, setgid, sticky) as the container sees them.
   */
  record Entry(boolean dir, long size, Instant modified, boolean writable, long uid, long gid, int mode) {

    /** An image's entry: root's, {@code 0755} folders ({@code /tmp} {@code 1777}) and {@code 0644} files. */
    static Entry image(String path, boolean dir, long size, boolean writable) {
      return new Entry(dir, size, BUILT, writable, 0, 0, !dir ? 0644 : path.equals("/tmp") ? 01777 : 0755);
    }
  }

  /** A volume mount: the container path, the host folder behind it, read-only or not. */
  record Mount(String path, Path host, boolean readOnly) {
  }

  private final Path layer;
  private final boolean readOnlyRoot;
  private final SortedSet<String> lowerDirs;
  private final SortedMap<String, byte[]> lowerFiles;
  private final List<Mount> mounts;
  /** Who the container's processes are: what they make is theirs. */
  private final ProcessUser user;

  ContainerFs(Path layer, boolean readOnlyRoot, ImageFiles image, Map<String, byte[]> extraFiles, List<Mount> mounts) {
    this(layer, readOnlyRoot, image, extraFiles, mounts, null);
  }

  ContainerFs(Path layer, boolean readOnlyRoot, ImageFiles image, Map<String, byte[]> extraFiles, List<Mount> mounts,
              ContainerSpec spec) {
    this.layer = layer;
    this.readOnlyRoot = readOnlyRoot;
    this.lowerDirs = new TreeSet<>(image.folders());
    this.lowerFiles = new TreeMap<>(image.files());
    extraFiles.forEach((path, bytes) -> {
      lowerFiles.put(path, bytes);
      for (String d = parent(path); !lowerDirs.contains(d); d = parent(d)) {
        lowerDirs.add(d);
      }
    });
    this.mounts = mounts.stream().sorted(Comparator.comparingInt((Mount m) -> m.path().length()).reversed()).toList();
    ContainerSpec who = spec != null ? spec : new ContainerSpec("", "", "", "", "", null, Map.of(), Path.of("log"),
        layer, Map.of(), "");
    this.user = ProcessUser.of(who, text(lowerFiles.get("/etc/passwd")), text(lowerFiles.get("/etc/group")));
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /** Who the container's processes are, and the names of the image's users and groups. */
  ProcessUser user() {
    return user;
  }

  /** The file system of the container of {@code spec}: its image's files, its layer and its volume mounts. */
  static ContainerFs of(ContainerSpec spec, List<String> applets) {
    ImageFiles image = BuiltInImages.resolve(spec.image()).map(ImageFiles::of).orElseGet(() -> ImageFiles.of(""));
    Map<String, byte[]> extra = new TreeMap<>();
    extra.put("/etc/hostname", (spec.env().getOrDefault("HOSTNAME", spec.podName()) + "\n").getBytes(StandardCharsets.UTF_8));
    extra.put("/etc/hosts", PodNet.hosts(spec).getBytes(StandardCharsets.UTF_8));
    extra.put("/etc/resolv.conf", PodNet.resolvConf(spec).getBytes(StandardCharsets.UTF_8));
    extra.put("/bin/busybox", new byte[0]);
    applets.forEach(a -> extra.put("/bin/" + a, new byte[0]));
    List<Mount> mounts = new ArrayList<>();
    var declared = spec.container().getVolumeMounts() == null ? List.<io.fabric8.kubernetes.api.model.VolumeMount>of()
        : spec.container().getVolumeMounts();
    spec.mounts().forEach((path, host) -> mounts.add(new Mount(normalize("/", path), host, declared.stream()
        .anyMatch(m -> path.equals(m.getMountPath()) && Boolean.TRUE.equals(m.getReadOnly())))));
    var sc = spec.container().getSecurityContext();
    boolean readOnly = sc != null && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem());
    return new ContainerFs(spec.rootDir(), readOnly, image, extra, mounts, spec);
  }

  /** {@code path} made absolute against {@code cwd}, with {@code .}, {@code ..} and repeated slashes resolved. */
  static String normalize(String cwd, String path) {
    String full = path.startsWith("/") ? path : (cwd.endsWith("/") ? cwd : cwd + "/") + path;
    Deque<String> parts = new ArrayDeque<>();
    for (String s : full.split("/")) {
      if (s.equals("..")) {
        parts.pollLast();
      } else if (!s.isEmpty() && !s.equals(".")) {
        parts.addLast(s);
      }
    }
    return "/" + String.join("/", parts);
  }

  static String parent(String path) {
    int cut = path.lastIndexOf('/');
    return cut <= 0 ? "/" : path.substring(0, cut);
  }

  static String name(String path) {
    return path.substring(path.lastIndexOf('/') + 1);
  }

  /** The container's writable layer on the node. */
  Path layer() {
    return layer;
  }

  /** The volume mounts, the deepest first. */
  List<Mount> mounts() {
    return mounts;
  }

  /** What is at {@code path}, or null. */
  Entry stat(String path) throws IOException {
    String p = normalize("/", path);
    Mount m = mountOf(p);
    if (m != null) {
      Path h = hostIn(m, p);
      return Files.exists(h) ? entry(h, !m.readOnly()) : null;
    }
    Path u = upper(p);
    if (Files.exists(u, NOFOLLOW)) {
      return entry(u, !readOnlyRoot);
    }
    if (lowerShows(p) && lowerDirs.contains(p)) {
      return Entry.image(p, true, 0, !readOnlyRoot);
    }
    if (lowerShows(p) && lowerFiles.containsKey(p)) {
      return Entry.image(p, false, lowerFiles.get(p).length, !readOnlyRoot);
    }
    boolean holdsMount = mounts.stream().anyMatch(x -> x.path().startsWith(p.equals("/") ? "/" : p + "/"));
    return holdsMount ? Entry.image(p, true, 0, !readOnlyRoot) : null;
  }

  /** The bytes of the regular file at {@code path}. */
  byte[] read(String path) throws IOException {
    String p = normalize("/", path);
    Entry e = need(p);
    if (e.dir()) {
      throw new FsError(IS_DIR);
    }
    Mount m = mountOf(p);
    if (m != null) {
      return Files.readAllBytes(hostIn(m, p));
    }
    Path u = upper(p);
    return Files.exists(u, NOFOLLOW) ? Files.readAllBytes(u) : lowerFiles.get(p).clone();
  }

  /** The names in the folder {@code path}, sorted. */
  List<String> list(String path) throws IOException {
    String p = normalize("/", path);
    if (!need(p).dir()) {
      throw new FsError(NOT_DIR);
    }
    TreeSet<String> names = new TreeSet<>();
    Mount m = mountOf(p);
    if (m != null) {
      try (Stream<Path> s = Files.list(hostIn(m, p))) {
        s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith("..")).forEach(names::add);
      }
    } else {
      Path u = upper(p);
      if (Files.isDirectory(u, NOFOLLOW)) {
        try (Stream<Path> s = Files.list(u)) {
          s.map(x -> x.getFileName().toString()).filter(n -> !n.startsWith(WHITEOUT)).forEach(names::add);
        }
      }
      if (lowerShows(p) && lowerDirs.contains(p)) {
        String prefix = p.equals("/") ? "/" : p + "/";
        Stream.concat(lowerDirs.subSet(prefix, prefix + '\uffff').stream(),
                lowerFiles.subMap(prefix, prefix + '\uffff').keySet().stream())
            .map(x -> x.substring(prefix.length())).filter(n -> !n.isEmpty() && !n.contains("/"))
            .filter(n -> !Files.exists(u.resolve(WHITEOUT + n), NOFOLLOW)).forEach(names::add);
      }
    }
    for (Mount x : mounts) {
      if (!x.path().equals("/") && parent(x.path()).equals(p)) {
        names.add(name(x.path()));
      }
    }
    return new ArrayList<>(names);
  }

  /** Writes (or with {@code append}, adds to) the regular file at {@code path}; its folder must exist. */
  void write(String path, byte[] data, boolean append) throws IOException {
    String p = normalize("/", path);
    Entry e = stat(p);
    if (e != null && e.dir()) {
      throw new FsError(IS_DIR);
    }
    Path target = writableTarget(p);
    if (append && e != null && !Files.exists(target)) {
      Files.write(target, read(p)); // copy-up of the image's file
    }
    if (append) {
      Files.write(target, data, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } else {
      Files.write(target, data);
    }
    if (e == null) {
      owned(target);
    }
  }

  /** The node file that a write of the regular file {@code path} goes to (its folders made); for a client's download. */
  Path nodeFileFor(String path) throws IOException {
    String p = normalize("/", path);
    Entry e = stat(p);
    if (e != null && e.dir()) {
      throw new FsError(IS_DIR);
    }
    return writableTarget(p);
  }

  /** Makes the folder {@code path}; its parent must exist. */
  void mkdir(String path) throws IOException {
    String p = normalize("/", path);
    if (stat(p) != null) {
      throw new FsError(EXISTS);
    }
    owned(Files.createDirectory(writableTarget(p)));
  }

  /**
   * A file or folder the container's processes just made: theirs, and of their group unless its folder has
   * the setgid bit (the node's kernel gave it the folder's group). Where the kubelet may not give files away
   * (not root) or the disk keeps no owners, it stays the kubelet's, which the container sees as root's.
   */
  private void owned(Path made) {
    if (user.uid() == 0 && user.gid() == 0) {
      return;
    }
    try {
      Files.setAttribute(made, "unix:uid", (int) user.uid(), NOFOLLOW);
      if ((((Integer) Files.getAttribute(made.getParent(), "unix:mode")) & 02000) == 0) {
        Files.setAttribute(made, "unix:gid", (int) user.gid(), NOFOLLOW);
      }
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      // left as made
    }
  }

  /** Removes the file or folder {@code path}: a folder only when empty, unless {@code recursive}. */
  void remove(String path, boolean recursive) throws IOException {
    String p = normalize("/", path);
    if (p.equals("/") || mounts.stream().anyMatch(x -> x.path().equals(p))) {
      throw new FsError(BUSY);
    }
    Entry e = need(p);
    if (!e.writable()) {
      throw new FsError(READ_ONLY);
    }
    if (e.dir() && !recursive && !list(p).isEmpty()) {
      throw new FsError(NOT_EMPTY);
    }
    if (mounts.stream().anyMatch(x -> x.path().startsWith(p + "/"))) {
      throw new FsError(BUSY); // a mount inside: a real rm -r stops there too
    }
    Mount m = mountOf(p);
    if (m != null) {
      deleteTree(hostIn(m, p));
      return;
    }
    deleteTree(upper(p));
    if (lowerShows(p) && (lowerDirs.contains(p) || lowerFiles.containsKey(p))) {
      Files.createFile(Files.createDirectories(upper(parent(p))).resolve(WHITEOUT + name(p)));
    }
  }

  /** {@code path} and, for a folder, everything under it, parents before children, names sorted. */
  List<String> walk(String path) throws IOException {
    String p = normalize("/", path);
    List<String> all = new ArrayList<>();
    walk(p, need(p), all);
    return all;
  }

  private void walk(String p, Entry e, List<String> all) throws IOException {
    all.add(p);
    if (e.dir()) {
      for (String n : list(p)) {
        String child = p.equals("/") ? "/" + n : p + "/" + n;
        Entry c = stat(child);
        if (c != null) {
          walk(child, c, all);
        }
      }
    }
  }

  /** The bytes of the regular files under {@code dir} on the node (a layer's use), 0 when it is not there. */
  static long bytesUnder(Path dir) {
    if (!Files.isDirectory(dir, NOFOLLOW)) {
      return 0;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(f -> Files.isRegularFile(f, NOFOLLOW)).mapToLong(f -> {
        try {
          return Files.size(f);
        } catch (IOException e) {
          return 0;
        }
      }).sum();
    } catch (IOException | java.io.UncheckedIOException e) {
      return 0;
    }
  }

  /** Makes {@code layer} an empty folder, as a container's new writable layer (a restarted container's too). */
  static Path freshLayer(Path layer) throws IOException {
    deleteTree(layer);
    return Files.createDirectories(layer);
  }

  /** Removes {@code dir} and everything under it without following links (a node folder). */
  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir, NOFOLLOW)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path f : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(f);
      }
    }
  }

  /** The node path a new file or folder at {@code p} goes to, after the checks a kernel makes; parents made. */
  private Path writableTarget(String p) throws IOException {
    Entry dir = stat(parent(p));
    if (dir == null) {
      throw new FsError(NO_ENTRY);
    }
    if (!dir.dir()) {
      throw new FsError(NOT_DIR);
    }
    Mount m = mountOf(p);
    if (m != null) {
      if (m.readOnly()) {
        throw new FsError(READ_ONLY);
      }
      return hostIn(m, p);
    }
    if (readOnlyRoot || p.equals("/")) {
      throw new FsError(READ_ONLY);
    }
    Path folder = Files.createDirectories(upper(parent(p)));
    return folder.resolve(name(p));
  }

  private Entry need(String p) throws IOException {
    Entry e = stat(p);
    if (e == null) {
      throw new FsError(NO_ENTRY);
    }
    return e;
  }

  /** Whether the image's entry at {@code p} shows: no whiteout, opaque folder or file of the layer hides it. */
  private boolean lowerShows(String p) {
    if (p.equals("/")) {
      return true;
    }
    String[] parts = p.substring(1).split("/");
    Path dir = layer;
    for (int i = 0; i < parts.length; i++) {
      if (Files.exists(dir.resolve(WHITEOUT + parts[i]), NOFOLLOW)) {
        return false;
      }
      Path next = dir.resolve(parts[i]);
      if (i < parts.length - 1 && Files.exists(next, NOFOLLOW) && !Files.isDirectory(next, NOFOLLOW)) {
        return false;
      }
      dir = next;
    }
    return true;
  }

  private Mount mountOf(String p) {
    for (Mount m : mounts) {
      if (p.equals(m.path()) || m.path().equals("/") || p.startsWith(m.path() + "/")) {
        return m;
      }
    }
    return null;
  }

  private static Path hostIn(Mount m, String p) throws FsError {
    String rest = p.substring(m.path().length()).replaceFirst("^/+", "");
    Path h = rest.isEmpty() ? m.host() : m.host().resolve(rest).normalize();
    if (!h.startsWith(m.host())) {
      throw new FsError(NO_ENTRY);
    }
    return h;
  }

  private Path upper(String p) {
    return p.equals("/") ? layer : layer.resolve(p.substring(1));
  }

  private static Entry entry(Path h, boolean writable) throws IOException {
    boolean dir = Files.isDirectory(h);
    long uid = 0;
    long gid = 0;
    int mode = dir ? 0755 : 0644;
    try {
      Map<String, Object> a = Files.readAttributes(h, "unix:uid,gid,mode");
      uid = seen((Integer) a.get("uid"), KUBELET_UID);
      gid = seen((Integer) a.get("gid"), KUBELET_GID);
      mode = ((Integer) a.get("mode")) & 07777;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no unix attributes on this disk: root's, with the usual modes
    }
    return new Entry(dir, dir ? 0 : Files.size(h), Files.getLastModifiedTime(h).toInstant(), writable, uid, gid, mode);
  }

  /** The kubelet's own user and group on the node, which containers see as root (0), as a rootless runtime maps them. */
  private static final long KUBELET_UID = nodeId("uid");
  private static final long KUBELET_GID = nodeId("gid");

  private static long nodeId(String which) {
    try {
      return ((Integer) Files.getAttribute(Path.of("/proc/self"), "unix:" + which)).longValue();
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      return 0;
    }
  }

  private static long seen(Integer id, long kubelets) {
    return id == null || id.longValue() == kubelets ? 0 : Integer.toUnsignedLong(id);
  }
}
