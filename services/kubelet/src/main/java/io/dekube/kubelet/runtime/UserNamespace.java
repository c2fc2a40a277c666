package io.dekube.kubelet.runtime;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The user namespace a container's processes are in, as {@code /proc/<pid>/uid_map}, {@code gid_map} and
 * {@code ns/user} show it ("Use a User Namespace With a Pod"): a pod with {@code hostUsers: false} gets one of its
 * own, as kube's kubelet makes it — its IDs 0..65535 mapped onto a block of 65536 host IDs (the block picked from
 * the pod's uid, never the first, which holds the host's own users) and a namespace inode unlike the host's;
 * otherwise the pod shares the node's, and reads the node's own map and inode. The jvm runtime runs no process in
 * a namespace: these are what the files say, not a confinement. Pure but for the node's files, read when read.
 * As on kube 1.32, where UserNamespacesSupport is off, the apiserver drops {@code hostUsers} from pods, so only a
 * static pod's own spec reaches the kubelet with it; kube 1.32's kubelet would refuse that pod's sandbox
 * ({@code the feature gate "UserNamespacesSupport" is disabled: can't set spec.HostUsers}): not built.
 *
 * @param hostUsers whether the pod shares the node's user namespace
 * @param block     the pod's block of host IDs (its first ID / 65536) when it has its own namespace
 * @param inode     the namespace's inode when it has its own
 */
record UserNamespace(boolean hostUsers, long block, long inode) {

  /** IDs in one pod's block, as the kubelet maps them. */
  static final long BLOCK = 65536;

  static UserNamespace of(ContainerSpec spec) {
    boolean host = spec.podSpec() == null || spec.podSpec().getHostUsers() == null || spec.podSpec().getHostUsers();
    long hash = Integer.toUnsignedLong((spec.podUid() == null ? "" : spec.podUid()).hashCode());
    return new UserNamespace(host, 1 + hash % (BLOCK - 2), 4026532300L + hash % 65536);
  }

  /** The text of {@code uid_map} (and {@code gid_map}): inside ID, outside ID, count, as the kernel prints them. */
  byte[] idMap() {
    if (hostUsers) {
      byte[] node = node("/proc/self/uid_map");
      if (node != null) {
        return node;
      }
      return line(0, 0, 4294967295L);
    }
    return line(0, block * BLOCK, BLOCK);
  }

  /** What {@code readlink /proc/self/ns/user} prints: {@code user:[INODE]}. */
  String namespace() {
    if (hostUsers) {
      try {
        return Files.readSymbolicLink(Path.of("/proc/self/ns/user")).toString();
      } catch (IOException | UnsupportedOperationException | SecurityException e) {
        return "user:[4026531837]"; // the initial user namespace's inode
      }
    }
    return "user:[" + inode + "]";
  }

  private static byte[] line(long inside, long outside, long count) {
    return String.format(java.util.Locale.ROOT, "%10d %10d %10d\n", inside, outside, count).getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] node(String path) {
    try {
      return Files.readAllBytes(Path.of(path));
    } catch (IOException | SecurityException e) {
      return null;
    }
  }
}
