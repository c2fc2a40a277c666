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
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The root file system of a {@code jvm} container, as overlayfs gives one to a real container: the image's
 * files ({@link ImageFiles}, plus the pod's {@code /etc/hostname}, {@code /etc/hosts} and {@code /etc/resolv.conf},
 * and {@code /bin} with the shell's applets) as the read-only lower layer, the container's writable layer (a
 * folder on the node, {@code <pod folder>/<container>/root}, emptied at each start and removed with the pod)
 * above it, and the volume mounts above both. What the layer holds hides the image's entry of that path; an
 * image's entry deleted leaves a whiteout ({@code .wh.NAME}, as in OCI layers) that hides it and all below it
 * for good, so a folder made again there starts empty; a folder or file the layer takes over first gets the
 * image's mode (copy-up). {@code readOnlyRootFilesystem} makes the layer read-only; {@code readOnly} mounts and
 * configMap, secret, downwardAPI and projected volumes are. Symbolic links (node links in the layer and the
 * volumes, such as the kubelet's {@code ..data}) are read in the container: an absolute target starts at its
 * root, never the node's. Where the node keeps owners (the kubelet is root), the kernel's permission checks
 * hold for the container's user ({@link FileAccess}). Paths are the container's (absolute; {@code .} and
 * {@code ..} resolved). Blocking file I/O: call from a worker thread. Stateless beyond the disk: any number of
 * instances may work on one container.
 */
final class ContainerFs {

  static final String NO_ENTRY = "No such file or directory";
  static final String READ_ONLY = "Read-only file system";
  static final String EXISTS = "File exists";
  static final String IS_DIR = "Is a directory";
  static final String NOT_DIR = "Not a directory";
  static final String NOT_EMPTY = "Directory not empty";
  static final String BUSY = "Device or resource busy";
  static final String INVALID = "Invalid argument";
  static final String LOOP = "Symbolic link loop";

  private static final Instant BUILT = Instant.parse("2024-01-01T00:00:00Z");
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  /** A refused operation; the message is the errno's text as busybox prints it. */
  static final class FsError extends IOException {
    FsError(String reason) {
      super(reason);
    }
  }

  /**
   * What is at a path: a folder, a regular file or a symbolic link ({@code link}: what it names, else null), its
   * size and modification time, whether it may be written, its owner, group and permission bits (with setuid,
   * setgid, sticky) as the container sees them, and its count of hard links.
   */
  record Entry(boolean dir, long size, Instant modified, boolean writable, long uid, long gid, int mode, String link,
               int links) {

    /** An image's entry: root's, {@code 0755} folders ({@code /tmp} {@code 1777}), programs and {@code 0644} files. */
    static Entry image(String path, boolean dir, long size, boolean writable) {
      int mode = dir ? path.equals("/tmp") ? 01777 : 0755 : path.matches("/(usr/)?s?bin/.*") ? 0755 : 0644;
      return new Entry(dir, size, BUILT, writable, 0, 0, mode, null, dir ? 2 : 1);
    }

    /** An image's symbolic link to {@code target}: root's, {@code lrwxrwxrwx}, the size of what it names. */
    static Entry imageLink(String target, boolean writable) {
      return new Entry(false, target.length(), BUILT, writable, 0, 0, 0777, target, 1);
    }

    /** This entry with other permission bits. */
    Entry withMode(int bits) {
      return new Entry(dir, size, modified, writable, uid, gid, bits, link, links);
    }
  }

  /**
   * A volume mount: the container path, the host folder behind it, read-only or not, and whether it is a tmpfs
   * (secret, downwardAPI, projected and {@code medium: Memory} emptyDir volumes), whose folders are the size of
   * what they hold (40 bytes and 20 an entry) and take no blocks.
   */
  record Mount(String path, Path host, boolean readOnly, boolean tmpfs) {

    Mount(String path, Path host, boolean readOnly) {
      this(path, host, readOnly, false);
    }
  }

  /** Where each path's entry lives: the image, the layer, a mount. */
  private final Overlay overlay;
  /** Who the container's processes are: what they make is theirs. */
  private final ProcessUser user;
  /** The kernel's permission checks for that user: made where the node keeps owners (the kubelet is root). */
  private final FileAccess access;
  /** The folder the paths start at: {@code /}, or the new root of a {@code chroot}. */
  private final String root;

  ContainerFs(Path layer, boolean readOnlyRoot, ImageFiles image, Map<String, byte[]> extraFiles, List<Mount> mounts) {
    this(layer, readOnlyRoot, image, extraFiles, mounts, null);
  }

  ContainerFs(Path layer, boolean readOnlyRoot, ImageFiles image, Map<String, byte[]> extraFiles, List<Mount> mounts,
              ContainerSpec spec) {
    this(layer, readOnlyRoot, image, extraFiles, mounts, spec, true);
  }

  private ContainerFs(Path layer, boolean readOnlyRoot, ImageFiles image, Map<String, byte[]> extraFiles,
                      List<Mount> mounts, ContainerSpec spec, boolean proc) {
    this.overlay = new Overlay(layer, readOnlyRoot, image, extraFiles, mounts,
        spec == null || !proc ? null : () -> ProcFiles.of(spec, mounts, readOnlyRoot));
    ContainerSpec who = spec != null ? spec : new ContainerSpec("", "", "", "", "", null, Map.of(), Path.of("log"),
        layer, Map.of(), "");
    this.user = ProcessUser.of(who, text(overlay.imageFile("/etc/passwd")), text(overlay.imageFile("/etc/group")));
    this.access = new FileAccess(user, NodeFiles.KUBELET_UID == 0);
    this.root = "/";
  }

  private ContainerFs(ContainerFs outer, String root) {
    this.overlay = outer.overlay;
    this.user = outer.user;
    this.access = outer.access;
    this.root = root;
  }

  /**
   * This file system seen from the folder {@code path} as its root, as {@code chroot} gives its command: every path,
   * {@code ..} and a link's absolute target start there and stay under it. Fails as the kernel's chroot does where
   * there is no folder.
   */
  ContainerFs chroot(String path) throws IOException {
    String p = resolve(path, true);
    Entry e = need(p);
    if (!e.dir()) {
      throw new FsError(NOT_DIR);
    }
    access.check(e, FileAccess.EXECUTE);
    return new ContainerFs(this, p);
  }

  /** The path under this root that the full path {@code p} (at or under it) is. */
  private String shown(String p) {
    return root.equals("/") ? p : p.equals(root) ? "/" : p.substring(root.length());
  }

  /** The full path of {@code path} under this root, without resolving links. */
  private String full(String path) {
    String p = normalize("/", path);
    return root.equals("/") ? p : p.equals("/") ? root : root + p;
  }

  private static String text(byte[] bytes) {
    return bytes == null ? null : new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * The files of another container of the pod of {@code spec}'s, as its processes' {@code /proc/<pid>/root} shows
   * them: its image and writable layer, without its /proc (whose roots would lead back here without end).
   */
  static Overlay filesOf(ContainerSpec spec) {
    return of(spec, List.of(), false).overlay;
  }

  /** Who the container's processes are, and the names of the image's users and groups. */
  ProcessUser user() {
    return user;
  }

  /** The file system of the container of {@code spec}: its image's files, its layer and its volume mounts. */
  static ContainerFs of(ContainerSpec spec, List<String> applets) {
    return of(spec, applets, true);
  }

  private static ContainerFs of(ContainerSpec spec, List<String> applets, boolean proc) {
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
    var volumes = spec.podSpec() == null || spec.podSpec().getVolumes() == null
        ? List.<io.fabric8.kubernetes.api.model.Volume>of() : spec.podSpec().getVolumes();
    spec.mounts().forEach((path, host) -> {
      var mount = declared.stream().filter(m -> path.equals(m.getMountPath())).findFirst();
      var volume = mount.flatMap(m -> volumes.stream().filter(v -> v.getName().equals(m.getName())).findFirst());
      boolean projected = volume.map(v -> v.getConfigMap() != null || v.getSecret() != null
          || v.getDownwardAPI() != null || v.getProjected() != null).orElse(false);
      boolean memory = volume.map(v -> v.getSecret() != null || v.getDownwardAPI() != null || v.getProjected() != null
          || v.getEmptyDir() != null && "Memory".equals(v.getEmptyDir().getMedium())).orElse(false);
      boolean subPath = mount.map(m -> m.getSubPath() != null && !m.getSubPath().isEmpty()
          || m.getSubPathExpr() != null && !m.getSubPathExpr().isEmpty()).orElse(false);
      // kube mounts projected volumes read-only; a hostPath is the machine's own path here, never written
      boolean machine = volume.map(v -> v.getHostPath() != null && host.isAbsolute()
          && host.equals(Path.of(v.getHostPath().getPath()).normalize())).orElse(false);
      mounts.add(new Mount(normalize("/", path), host, projected || machine
          || mount.map(m -> Boolean.TRUE.equals(m.getReadOnly())).orElse(false), memory && !subPath));
    });
    var sc = spec.container().getSecurityContext();
    boolean readOnly = sc != null && Boolean.TRUE.equals(sc.getReadOnlyRootFilesystem());
    return new ContainerFs(spec.rootDir(), readOnly, image, extra, mounts, spec, proc);
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
    return overlay.layer();
  }

  /** The volume mounts, the deepest first. */
  List<Mount> mounts() {
    return overlay.mounts();
  }

  /** What is at {@code path}, symbolic links followed, or null. */
  Entry stat(String path) throws IOException {
    return overlay.raw(resolve(path, true));
  }

  /** What is at {@code path}, a symbolic link itself where it ends in one, or null. */
  Entry lstat(String path) throws IOException {
    return overlay.raw(resolve(path, false));
  }

  /** What the symbolic link at {@code path} names. */
  String readlink(String path) throws IOException {
    Entry e = need(resolve(path, false));
    if (e.link() == null) {
      throw new FsError(INVALID);
    }
    return e.link();
  }

  /** {@code path} with every link on the way followed, as {@code readlink -f} prints it; it must exist. */
  String realpath(String path) throws IOException {
    String p = resolve(path, true);
    need(p);
    return shown(p);
  }

  /** Whether the process may do {@code want} ({@link FileAccess#READ}...) on what is at {@code path}. */
  boolean may(String path, int want) {
    try {
      Entry e = stat(path);
      return e != null && access.may(e, want);
    } catch (IOException e) {
      return false;
    }
  }

  /** The bytes of the regular file at {@code path}. */
  byte[] read(String path) throws IOException {
    String p = resolve(path, true);
    Entry e = need(p);
    if (e.dir()) {
      throw new FsError(IS_DIR);
    }
    access.check(e, FileAccess.READ);
    return overlay.bytes(p);
  }

  /** The names in the folder {@code path}, sorted. */
  List<String> list(String path) throws IOException {
    return names(resolve(path, true));
  }

  /** The names in the folder at the full path {@code p}, links resolved, sorted. */
  private List<String> names(String p) throws IOException {
    Entry dir = need(p);
    if (!dir.dir()) {
      throw new FsError(NOT_DIR);
    }
    access.check(dir, FileAccess.READ);
    return overlay.names(p);
  }

  /** Writes (or with {@code append}, adds to) the regular file at {@code path}; its folder must exist. */
  void write(String path, byte[] data, boolean append) throws IOException {
    String p = resolve(path, true);
    if (DevFiles.holds(p) && overlay.mountOf(p) == null) {
      DevFiles.write(p); // a device takes the bytes (or refuses them); nothing is stored
      return;
    }
    Entry e = overlay.raw(p);
    if (e != null && e.dir()) {
      throw new FsError(IS_DIR);
    }
    if (e != null) {
      access.check(e, FileAccess.WRITE);
    }
    Path target = writableTarget(p, e == null);
    if (append && e != null && !Files.exists(target, NOFOLLOW)) {
      overlay.copyUp(p); // the image's file, with its mode
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
    String p = resolve(path, true);
    Entry e = overlay.raw(p);
    if (e != null && e.dir()) {
      throw new FsError(IS_DIR);
    }
    if (e != null) {
      access.check(e, FileAccess.WRITE);
    }
    return writableTarget(p, e == null);
  }

  /**
   * The node folder behind the container's folder {@code path} — in the volume mounted there, else in the layer —,
   * made with its missing parents, each the container user's as if its program had made it. For an image's program
   * that keeps its files with the JDK (ZooKeeper's data folder): no permission checks, as the image's own folders
   * are its user's.
   */
  Path nodeFolder(String path) throws IOException {
    Path node = overlay.writable(full(path));
    List<Path> missing = new ArrayList<>();
    for (Path at = node; at != null && !Files.exists(at, NOFOLLOW); at = at.getParent()) {
      missing.add(0, at);
    }
    for (Path m : missing) {
      Files.createDirectory(m);
      owned(m);
    }
    return node;
  }

  /** {@code mkdir -p}: each missing folder on the way to {@code p} made; an existing folder is fine. */
  void mkdirs(String p) throws IOException {
    Entry e = stat(p);
    if (e != null) {
      if (!e.dir()) {
        throw new FsError(EXISTS);
      }
      return;
    }
    mkdirs(parent(p));
    mkdir(p);
  }

  /** Makes the folder {@code path}; its parent must exist. */
  void mkdir(String path) throws IOException {
    String p = resolve(path, false);
    if (overlay.raw(p) != null) {
      throw new FsError(EXISTS);
    }
    owned(Files.createDirectory(writableTarget(p, true)));
  }

  /** Makes a symbolic link at {@code path} that names {@code target} (any text: it is read when followed). */
  void symlink(String target, String path) throws IOException {
    String p = resolve(path, false);
    if (overlay.raw(p) != null) {
      throw new FsError(EXISTS);
    }
    owned(Files.createSymbolicLink(writableTarget(p, true), Path.of(target)));
  }

  /** Gives the entry at {@code path} (links followed) the permission bits {@code mode}: its owner or root may. */
  void chmod(String path, int mode) throws IOException {
    String p = resolve(path, true);
    Entry e = need(p);
    access.checkOwner(e);
    if (!e.writable()) {
      throw new FsError(READ_ONLY);
    }
    Files.setAttribute(overlay.copyUp(p), "unix:mode", mode & 07777);
  }

  /**
   * Gives the entry at {@code path} the owner {@code uid} and group {@code gid} (-1: unchanged); {@code follow}:
   * the link's target rather than the link. Only root may, but an owner may give a file one of its groups.
   */
  void chown(String path, long uid, long gid, boolean follow) throws IOException {
    String p = resolve(path, follow);
    Entry e = need(p);
    access.checkChown(e, uid, gid);
    if (!e.writable()) {
      throw new FsError(READ_ONLY);
    }
    Path h = overlay.copyUp(p);
    try {
      if (uid != -1) {
        Files.setAttribute(h, "unix:uid", (int) (uid == 0 ? NodeFiles.KUBELET_UID : uid), NOFOLLOW);
      }
      if (gid != -1) {
        Files.setAttribute(h, "unix:gid", (int) (gid == 0 ? NodeFiles.KUBELET_GID : gid), NOFOLLOW);
      }
    } catch (UnsupportedOperationException | IllegalArgumentException | SecurityException | IOException x) {
      throw new FsError(FileAccess.NOT_PERMITTED);
    }
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

  /** Removes the file, link or folder {@code path}: a folder only when empty, unless {@code recursive}. */
  void remove(String path, boolean recursive) throws IOException {
    String p = resolve(path, false);
    if (p.equals("/") || p.equals(root) || overlay.mounts().stream().anyMatch(x -> x.path().equals(p))) {
      throw new FsError(BUSY);
    }
    Entry e = need(p);
    if (!e.writable()) {
      throw new FsError(READ_ONLY);
    }
    access.checkUnlink(need(parent(p)), e);
    if (e.dir() && !recursive && !names(p).isEmpty()) {
      throw new FsError(NOT_EMPTY);
    }
    if (overlay.mounts().stream().anyMatch(x -> x.path().startsWith(p + "/"))) {
      throw new FsError(BUSY); // a mount inside: a real rm -r stops there too
    }
    if (e.dir()) {
      for (String child : walkFull(p)) {
        Entry c = overlay.raw(child);
        if (!child.equals(p) && c != null) {
          access.checkUnlink(need(parent(child)), c);
        }
      }
    }
    overlay.delete(p);
  }

  /**
   * {@code path} and, for a folder, everything under it, parents before children, names sorted; symbolic links
   * are listed, not followed (the given path's too).
   */
  List<String> walk(String path) throws IOException {
    return walkFull(resolve(path, false)).stream().map(this::shown).toList();
  }

  private List<String> walkFull(String p) throws IOException {
    List<String> all = new ArrayList<>();
    walk(p, need(p), all);
    return all;
  }

  private void walk(String p, Entry e, List<String> all) throws IOException {
    all.add(p);
    if (e.dir()) {
      for (String n : names(p)) {
        String child = p.equals("/") ? "/" + n : p + "/" + n;
        Entry c = overlay.raw(child);
        if (c != null) {
          walk(child, c, all);
        }
      }
    }
  }

  /**
   * The node path a write at {@code p} (links resolved) goes to, after the checks a kernel makes ({@code creating}: a
   * new entry, which needs write and search on its folder); the layer's folders on the way made.
   */
  private Path writableTarget(String p, boolean creating) throws IOException {
    Entry dir = overlay.raw(parent(p));
    if (dir == null) {
      throw new FsError(NO_ENTRY);
    }
    if (!dir.dir()) {
      throw new FsError(NOT_DIR);
    }
    Mount m = overlay.mountOf(p);
    if (m != null && m.readOnly() || m == null && (overlay.readOnlyRoot() || p.equals("/"))) {
      throw new FsError(READ_ONLY);
    }
    if (creating) {
      access.check(dir, FileAccess.WRITE | FileAccess.EXECUTE);
    }
    return overlay.writable(p);
  }

  /** What is at {@code p}, which resolve() answered; {@code No such file or directory} when nothing. */
  private Entry need(String p) throws IOException {
    Entry e = overlay.raw(p);
    if (e == null) {
      throw new FsError(NO_ENTRY);
    }
    return e;
  }

  /**
   * {@code path} made absolute with each symbolic link on the way replaced by what it names, read in the
   * container (a link's absolute target starts at the container's root, a relative one at the link's folder),
   * and with {@code follow} the last one too; each folder passed must be searchable by the process.
   */
  private String resolve(String path, boolean follow) throws IOException {
    follow |= path.endsWith("/") || path.endsWith("/."); // a folder is meant: a link to one is followed
    Deque<String> todo = new ArrayDeque<>(List.of(normalize("/", path).substring(1).split("/")));
    String at = root;
    Entry here = null; // what is at `at`, once looked up
    int links = 0;
    while (!todo.isEmpty()) {
      String part = todo.pollFirst();
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        at = at.equals(root) ? root : parent(at);
        here = null;
        continue;
      }
      String next = at.equals("/") ? "/" + part : at + "/" + part;
      boolean last = todo.stream().allMatch(x -> x.isEmpty() || x.equals("."));
      here = here != null ? here : overlay.raw(at);
      if (here != null && here.dir()) {
        access.check(here, FileAccess.EXECUTE);
      }
      Entry e = last && !follow ? null : overlay.raw(next);
      if (e != null && e.link() != null) {
        if (++links > 40) {
          throw new FsError(LOOP);
        }
        List<String> target = List.of(e.link().split("/"));
        for (int i = target.size() - 1; i >= 0; i--) {
          todo.addFirst(target.get(i));
        }
        if (e.link().startsWith("/")) {
          at = root;
          here = null;
        }
        continue;
      }
      if (!last && e != null && !e.dir()) {
        throw new FsError(NOT_DIR);
      }
      at = next;
      here = e;
    }
    return at;
  }
}
