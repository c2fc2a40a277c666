package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Entries of the node's disk as a {@code jvm} container sees them ({@link ContainerFs}): owners, groups, modes,
 * links and link counts read without following links, the kubelet's own user and group shown as root's, as a
 * rootless runtime maps them. Blocking file I/O: call from a worker thread. Stateless.
 */
final class NodeFiles {

  private static final LinkOption[] NOFOLLOW = {LinkOption.NOFOLLOW_LINKS};

  private NodeFiles() {
  }

  /** The node entry {@code h} as the container sees it; {@code follow}: a mount's own folder, links followed. */
  static ContainerFs.Entry entry(Path h, boolean writable, boolean follow) throws IOException {
    LinkOption[] how = follow ? new LinkOption[0] : NOFOLLOW;
    var basic = Files.readAttributes(h, java.nio.file.attribute.BasicFileAttributes.class, how);
    boolean dir = basic.isDirectory();
    String link = basic.isSymbolicLink() ? Files.readSymbolicLink(h).toString() : null;
    long uid = 0;
    long gid = 0;
    int mode = link != null ? 0777 : dir ? 0755 : 0644;
    int links = dir ? 2 : 1;
    try {
      Map<String, Object> a = Files.readAttributes(h, "unix:uid,gid,mode,nlink", how);
      uid = seen((Integer) a.get("uid"), KUBELET_UID);
      gid = seen((Integer) a.get("gid"), KUBELET_GID);
      mode = ((Integer) a.get("mode")) & 07777;
      links = (Integer) a.get("nlink");
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no unix attributes on this disk: root's, with the usual modes
    }
    return new ContainerFs.Entry(dir, dir ? 0 : basic.size(), basic.lastModifiedTime().toInstant(), writable, uid, gid,
        mode, link, links);
  }

  /** A folder {@code e} at {@code h} as a tmpfs shows it: 40 bytes and 20 for each entry (its size is never 0). */
  static ContainerFs.Entry onTmpfs(ContainerFs.Entry e, Path h) throws IOException {
    long entries;
    try (Stream<Path> s = Files.list(h)) {
      entries = s.count();
    }
    return new ContainerFs.Entry(true, 40 + 20 * entries, e.modified(), e.writable(), e.uid(), e.gid(), e.mode(), null,
        e.links());
  }

  /** The kubelet's own user and group on the node, which containers see as root (0), as a rootless runtime maps them. */
  static final long KUBELET_UID = nodeId("uid");
  static final long KUBELET_GID = nodeId("gid");

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

  /** Sets {@code p}'s permission bits where the disk keeps them. */
  static void setMode(Path p, int mode) {
    try {
      Files.setAttribute(p, "unix:mode", mode);
    } catch (IOException | UnsupportedOperationException | IllegalArgumentException | SecurityException e) {
      // a disk without modes: as made
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
}
