package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * busybox {@code tar} over a {@code jvm} container's file system ({@link ContainerFs}), as {@code kubectl cp}
 * runs it: {@code tar cf - PATH...} (the archive on stdout, names without their leading /, folders whole, symbolic
 * links as links) and
 * {@code tar [--no-same-permissions --no-same-owner] -xmf - [-C DIR]} (the archive from stdin into the
 * container: folders of the archive made as needed, files written; a {@code -C} folder that is not there fails).
 * Blocking: call from a worker thread.
 */
final class TarFiles {

  private final ContainerFs fs;
  private final String cwd;
  private final ExecSession.Output out;

  TarFiles(ContainerFs fs, String cwd, ExecSession.Output out) {
    this.fs = fs;
    this.cwd = cwd;
    this.out = out;
  }

  /** {@code tar cf - PATH...}. */
  int create(List<String> paths) {
    List<Tar.Entry> entries = new ArrayList<>();
    int code = 0;
    for (String path : paths) {
      String abs = ContainerFs.normalize(cwd, path);
      String name = path.replaceFirst("^/+", "").replaceFirst("/+$", "");
      try {
        for (String f : fs.walk(abs)) {
          String entry = (name + f.substring(abs.length())).replaceFirst("^/+", "");
          ContainerFs.Entry e = fs.lstat(f);
          if (e != null && e.link() != null) {
            entries.add(new Tar.Entry(entry, false, new byte[0], e.link()));
          } else if (e != null && e.dir()) {
            entries.add(new Tar.Entry(entry.isEmpty() ? "." : entry, true, new byte[0]));
          } else if (e != null) {
            entries.add(new Tar.Entry(entry, false, fs.read(f)));
          }
        }
      } catch (IOException e) {
        out.stderr(Buffer.buffer("tar: " + path + ": " + FileCommands.reason(e) + "\n"));
        code = 1;
      }
    }
    out.stdout(Buffer.buffer(Tar.write(entries)));
    return code;
  }

  /** Why {@code path} is no folder to extract into (busybox's reason), or null when it is one. */
  private String folderProblem(String path) {
    try {
      ContainerFs.Entry e = fs.stat(path);
      return e == null ? ContainerFs.NO_ENTRY : e.dir() ? null : ContainerFs.NOT_DIR;
    } catch (IOException e) {
      return FileCommands.reason(e);
    }
  }

  /** {@code tar -xf - -C DIR} of {@code archive}; DIR must be a folder. */
  int extract(byte[] archive, String dir) {
    List<Tar.Entry> entries;
    try {
      entries = Tar.read(archive);
    } catch (RuntimeException e) {
      out.stderr(Buffer.buffer("tar: invalid tar magic\n"));
      return 1;
    }
    String base = ContainerFs.normalize(cwd, dir);
    String missing = folderProblem(base);
    if (missing != null) {
      // busybox changes to -C's folder first and stops there; kubectl cp then ends with tar's code
      out.stderr(Buffer.buffer("tar: can't change directory to '" + dir + "': " + missing + "\n"));
      return 1;
    }
    FileCommands folders = new FileCommands(fs, base, out);
    int code = 0;
    for (Tar.Entry e : entries) {
      String path = ContainerFs.normalize(base, e.name());
      try {
        if (e.directory()) {
          folders.mkdirs(path);
        } else if (e.link() != null) {
          folders.mkdirs(ContainerFs.parent(path));
          if (fs.lstat(path) != null) {
            fs.remove(path, false);
          }
          fs.symlink(e.link(), path);
        } else {
          folders.mkdirs(ContainerFs.parent(path));
          fs.write(path, e.data(), false);
        }
      } catch (IOException ex) {
        out.stderr(Buffer.buffer("tar: can't open '" + e.name() + "': " + FileCommands.reason(ex) + "\n"));
        code = 1;
      }
    }
    return code;
  }
}
