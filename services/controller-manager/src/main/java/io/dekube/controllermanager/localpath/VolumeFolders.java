package io.dekube.controllermanager.localpath;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The folders the local-path provisioner makes and removes. {@link #onDisk} does the file work off the
 * event loop; tests record the calls instead.
 */
public interface VolumeFolders {

  /** Creates the folder (and its parents); succeeds when it exists already. */
  Future<Void> create(Path folder);

  /** Removes the folder and everything in it; succeeds when it is gone already. */
  Future<Void> delete(Path folder);

  /** Folders on this machine's disk, through Vert.x worker threads. */
  static VolumeFolders onDisk(Vertx vertx) {
    return new VolumeFolders() {
      @Override
      public Future<Void> create(Path folder) {
        return vertx.executeBlocking(() -> {
          Files.createDirectories(folder);
          return null;
        }, false);
      }

      @Override
      public Future<Void> delete(Path folder) {
        return vertx.executeBlocking(() -> {
          removeTree(folder);
          return null;
        }, false);
      }
    };
  }

  /** Deletes a tree, children first, without following symbolic links out of it. Blocking. */
  static void removeTree(Path folder) throws IOException {
    if (!Files.exists(folder, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(folder)) {
      for (Path p : (Iterable<Path>) all.sorted(Comparator.reverseOrder())::iterator) {
        Files.deleteIfExists(p);
      }
    }
  }
}
