package io.dekube.kubelet.runtime;

import io.dekube.kubelet.images.ImageFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * Where each entry of a {@code jvm} container's file system lives ({@link ContainerFs}): the image's files below,
 * the container's writable layer above them (a whiteout {@code .wh.NAME} hides an image's entry), the volume mounts
 * above both. Paths here have no symbolic link on the way (ContainerFs resolves them) and no permission is checked.
 * Blocking file I/O: call from a worker thread.
 */
final class Overlay {

  private static final String WHITEOUT = ".wh.";
  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private final Path layer;
  private final boolean readOnlyRoot;
  private final SortedSet<String> lowerDirs;
  private final SortedMap<String, byte[]> lowerFiles;
  private final SortedMap<String, String> lowerLinks;
  private final Map<String, Integer> lowerModes;
  private final List<ContainerFs.Mount> mounts;
  /**
   * The container's /proc, made at the first look into it (most file systems are made for one command that never
   * does); a null supplier: an empty folder (a file system seen without its container).
   */
  private final java.util.function.Supplier<ProcFiles> procSource;
  private ProcFiles proc;

  Overlay(Path layer, boolean readOnlyRoot, ImageFiles image, Map<String, byte[]> extraFiles,
          List<ContainerFs.Mount> mounts, java.util.function.Supplier<ProcFiles> proc) {
    this.procSource = proc;
    this.layer = layer;
    this.readOnlyRoot = readOnlyRoot;
    this.lowerDirs = new TreeSet<>(image.folders());
    this.lowerFiles = new TreeMap<>(image.files());
    this.lowerLinks = image.links();
    this.lowerModes = image.modes();
    extraFiles.forEach((path, bytes) -> {
      lowerFiles.put(path, bytes);
      for (String d = ContainerFs.parent(path); !lowerDirs.contains(d); d = ContainerFs.parent(d)) {
        lowerDirs.add(d);
      }
    });
    this.mounts = mounts.stream().sorted(Comparator.comparingInt((ContainerFs.Mount m) -> m.path().length())
        .reversed()).toList();
  }

  Path layer() {
    return layer;
  }

  private synchronized ProcFiles proc() {
    if (proc == null) {
      proc = procSource.get();
    }
    return proc;
  }

  boolean readOnlyRoot() {
    return readOnlyRoot;
  }

  /** The volume mounts, the deepest first. */
  List<ContainerFs.Mount> mounts() {
    return mounts;
  }

  /** The image's own file at {@code p}, or null. */
  byte[] imageFile(String p) {
    return lowerFiles.get(p);
  }

  /** What is at {@code p} (a link at its end is the link), or null. */
  ContainerFs.Entry raw(String p) throws IOException {
    if (procSource != null && ProcFiles.holds(p)) {
      return proc().raw(p);
    }
    if (DevFiles.holds(p) && mountOf(p) == null) {
      return DevFiles.raw(p);
    }
    ContainerFs.Mount m = mountOf(p);
    if (m != null) {
      Path h = hostIn(m, p);
      boolean mountRoot = h.equals(m.host());
      if (!Files.exists(h, mountRoot ? new LinkOption[0] : NOFOLLOW)) {
        return null;
      }
      ContainerFs.Entry e = NodeFiles.entry(h, !m.readOnly(), mountRoot);
      return m.tmpfs() && e.dir() ? NodeFiles.onTmpfs(e, h) : e;
    }
    Path u = upper(p);
    if (Files.exists(u, NOFOLLOW)) {
      return NodeFiles.entry(u, !readOnlyRoot, false);
    }
    if (lowerShows(p) && lowerDirs.contains(p)) {
      return imageEntry(p, true, 0);
    }
    if (lowerShows(p) && lowerFiles.containsKey(p)) {
      return imageEntry(p, false, lowerFiles.get(p).length);
    }
    if (lowerShows(p) && lowerLinks.containsKey(p)) {
      return ContainerFs.Entry.imageLink(lowerLinks.get(p), !readOnlyRoot);
    }
    boolean holdsMount = mounts.stream().anyMatch(x -> x.path().startsWith(p.equals("/") ? "/" : p + "/"));
    return holdsMount ? ContainerFs.Entry.image(p, true, 0, !readOnlyRoot) : null;
  }

  /** The bytes of the regular file at {@code p} (no links on the way). */
  byte[] bytes(String p) throws IOException {
    if (procSource != null && ProcFiles.holds(p)) {
      return proc().bytes(p);
    }
    if (DevFiles.holds(p) && mountOf(p) == null) {
      return DevFiles.read(p);
    }
    ContainerFs.Mount m = mountOf(p);
    if (m != null) {
      return Files.readAllBytes(hostIn(m, p));
    }
    Path u = upper(p);
    return Files.exists(u, NOFOLLOW) ? Files.readAllBytes(u) : lowerFiles.get(p).clone();
  }

  /** The names in the folder {@code p} (no links on the way): the layer's, the image's it does not hide, mounts'. */
  List<String> names(String p) throws IOException {
    if (procSource != null && ProcFiles.holds(p)) {
      return proc().names(p);
    }
    TreeSet<String> names = new TreeSet<>();
    ContainerFs.Mount m = mountOf(p);
    if (m != null) {
      try (Stream<Path> s = Files.list(hostIn(m, p))) {
        s.map(x -> x.getFileName().toString()).forEach(names::add);
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
        Stream.concat(Stream.concat(lowerDirs.subSet(prefix, prefix + '\uffff').stream(),
                lowerFiles.subMap(prefix, prefix + '\uffff').keySet().stream()),
                lowerLinks.subMap(prefix, prefix + '\uffff').keySet().stream())
            .map(x -> x.substring(prefix.length())).filter(n -> !n.isEmpty() && !n.contains("/"))
            .filter(n -> !Files.exists(u.resolve(WHITEOUT + n), NOFOLLOW)).forEach(names::add);
      }
    }
    for (ContainerFs.Mount x : mounts) {
      if (!x.path().equals("/") && ContainerFs.parent(x.path()).equals(p)) {
        names.add(ContainerFs.name(x.path()));
      }
    }
    if (p.equals("/dev")) {
      names.addAll(DevFiles.names());
    }
    return new ArrayList<>(names);
  }

  /** The node path a write of {@code p} goes to: in its mount, else in the layer (its folders made). */
  Path writable(String p) throws IOException {
    if (procSource != null && ProcFiles.holds(p)) {
      throw new ContainerFs.FsError(ContainerFs.NO_ENTRY); // nothing is made in /proc
    }
    ContainerFs.Mount m = mountOf(p);
    return m != null ? hostIn(m, p) : upperDirs(ContainerFs.parent(p)).resolve(ContainerFs.name(p));
  }

  /** Deletes what is at {@code p} (no links on the way); an image's entry gets a whiteout that hides it. */
  void delete(String p) throws IOException {
    ContainerFs.Mount m = mountOf(p);
    if (m != null) {
      NodeFiles.deleteTree(hostIn(m, p));
      return;
    }
    NodeFiles.deleteTree(upper(p));
    if (lowerShows(p) && (lowerDirs.contains(p) || lowerFiles.containsKey(p) || lowerLinks.containsKey(p))) {
      Files.createFile(upperDirs(ContainerFs.parent(p)).resolve(WHITEOUT + ContainerFs.name(p)));
    }
  }

  /**
   * The layer's folder for the container's folder {@code dir}, made as overlayfs copies folders up: each one on
   * the way that only the image had gets the image's mode.
   */
  Path upperDirs(String dir) throws IOException {
    Path at = Files.createDirectories(layer);
    String path = "";
    for (String part : dir.substring(1).split("/")) {
      if (part.isEmpty()) {
        continue;
      }
      path = path + "/" + part;
      at = at.resolve(part);
      if (!Files.isDirectory(at, NOFOLLOW)) {
        Files.createDirectory(at);
        if (lowerDirs.contains(path)) {
          NodeFiles.setMode(at, imageEntry(path, true, 0).mode());
        }
      }
    }
    return at;
  }

  /** The node path of the entry at {@code p} (links resolved), an image's entry copied up to the layer first. */
  Path copyUp(String p) throws IOException {
    ContainerFs.Mount m = mountOf(p);
    if (m != null) {
      return hostIn(m, p);
    }
    Path u = upper(p);
    if (Files.exists(u, NOFOLLOW) || p.equals("/")) {
      return u;
    }
    ContainerFs.Entry e = raw(p);
    if (e == null) {
      throw new ContainerFs.FsError(ContainerFs.NO_ENTRY);
    }
    Path folder = upperDirs(ContainerFs.parent(p));
    if (e.link() != null) {
      return Files.createSymbolicLink(folder.resolve(ContainerFs.name(p)), Path.of(e.link()));
    }
    Path made = e.dir() ? Files.createDirectory(folder.resolve(ContainerFs.name(p)))
        : Files.write(folder.resolve(ContainerFs.name(p)), lowerFiles.get(p));
    NodeFiles.setMode(made, e.mode());
    return made;
  }

  /** The image's folder or file at {@code p}: the usual modes, or the image's own bits for it. */
  private ContainerFs.Entry imageEntry(String p, boolean dir, long size) {
    ContainerFs.Entry e = ContainerFs.Entry.image(p, dir, size, !readOnlyRoot);
    Integer bits = lowerModes.get(p);
    return bits == null ? e : e.withMode(bits);
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

  ContainerFs.Mount mountOf(String p) {
    for (ContainerFs.Mount m : mounts) {
      if (p.equals(m.path()) || m.path().equals("/") || p.startsWith(m.path() + "/")) {
        return m;
      }
    }
    return null;
  }

  private static Path hostIn(ContainerFs.Mount m, String p) throws ContainerFs.FsError {
    String rest = p.substring(m.path().length()).replaceFirst("^/+", "");
    Path h = rest.isEmpty() ? m.host() : m.host().resolve(rest).normalize();
    if (!h.startsWith(m.host())) {
      throw new ContainerFs.FsError(ContainerFs.NO_ENTRY);
    }
    return h;
  }

  private Path upper(String p) {
    return p.equals("/") ? layer : layer.resolve(p.substring(1));
  }
}
