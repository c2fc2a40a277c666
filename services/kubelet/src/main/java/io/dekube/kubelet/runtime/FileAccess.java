package io.dekube.kubelet.runtime;

/**
 * The permission checks a Linux kernel makes for a container's process ({@link ProcessUser}) on an entry of its
 * file system ({@link ContainerFs.Entry}): the owner's bits when the process is the owner, the group's when the
 * entry's group is one of its groups, the others' bits else; root passes every check but executing a file that
 * no one may execute (its capabilities, as a container's root keeps them). Pure and immutable.
 */
final class FileAccess {

  static final int READ = 4;
  static final int WRITE = 2;
  static final int EXECUTE = 1;

  static final String DENIED = "Permission denied";
  static final String NOT_PERMITTED = "Operation not permitted";

  private final ProcessUser user;
  /** Whether checks are made: only where the node keeps the owners the container gives its files. */
  private final boolean enforced;

  FileAccess(ProcessUser user, boolean enforced) {
    this.user = user;
    this.enforced = enforced;
  }

  /** Whether the process may do {@code want} (a sum of READ, WRITE, EXECUTE) on {@code e}. */
  boolean may(ContainerFs.Entry e, int want) {
    if (!enforced || e.link() != null) {
      return true;
    }
    if (user.uid() == 0) {
      return (want & EXECUTE) == 0 || e.dir() || (e.mode() & 0111) != 0;
    }
    int bits = user.uid() == e.uid() ? e.mode() >> 6 : inGroup(e.gid()) ? e.mode() >> 3 : e.mode();
    return (bits & want) == want;
  }

  /** Throws {@code Permission denied} unless the process may do {@code want} on {@code e}. */
  void check(ContainerFs.Entry e, int want) throws ContainerFs.FsError {
    if (!may(e, want)) {
      throw new ContainerFs.FsError(DENIED);
    }
  }

  /**
   * Whether the process may remove or rename {@code child} of {@code dir}: write and search on the folder and,
   * in a sticky folder ({@code /tmp}), only its own entries or the folder's.
   */
  void checkUnlink(ContainerFs.Entry dir, ContainerFs.Entry child) throws ContainerFs.FsError {
    check(dir, WRITE | EXECUTE);
    if (enforced && user.uid() != 0 && (dir.mode() & 01000) != 0 && user.uid() != child.uid()
        && user.uid() != dir.uid()) {
      throw new ContainerFs.FsError(DENIED);
    }
  }

  /** chmod: only the owner, or root. */
  void checkOwner(ContainerFs.Entry e) throws ContainerFs.FsError {
    if (enforced && user.uid() != 0 && user.uid() != e.uid()) {
      throw new ContainerFs.FsError(NOT_PERMITTED);
    }
  }

  /** chown: root only; the owner may give a file one of its own groups ({@code -1}: unchanged). */
  void checkChown(ContainerFs.Entry e, long uid, long gid) throws ContainerFs.FsError {
    if (!enforced || user.uid() == 0) {
      return;
    }
    boolean sameOwner = uid == -1 || uid == e.uid();
    if (user.uid() != e.uid() || !sameOwner || gid != -1 && gid != e.gid() && !inGroup(gid)) {
      throw new ContainerFs.FsError(NOT_PERMITTED);
    }
  }

  private boolean inGroup(long gid) {
    return user.gid() == gid || user.groups().contains(gid);
  }
}
