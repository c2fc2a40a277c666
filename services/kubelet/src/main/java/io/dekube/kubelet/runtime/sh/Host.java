package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;

/**
 * What the interpreter needs of the container it runs in: its applets (busybox's commands), its files (for
 * redirections and globs), and Vert.x for timers. Futures complete on the caller's context.
 */
public interface Host {

  Vertx vertx();

  /** Runs applet {@code argv}; an unknown one prints {@code sh: NAME: not found} and ends with 127. */
  Future<Integer> applet(List<String> argv, Io io);

  /** The text of file {@code path} (relative to {@code cwd}); fails with sh's words ({@code can't open X: …}). */
  Future<String> read(String cwd, String path);

  /** Writes a file (made, or emptied without {@code append}); fails with sh's words ({@code can't create X: …}). */
  Future<Void> write(String cwd, String path, byte[] data, boolean append);

  /** The names in the folder {@code path} (relative to {@code cwd}); empty when it is none. */
  Future<List<String>> names(String cwd, String path);

  /** Whether the image's {@code sh} is dash (Debian's, Ubuntu's), whose builtin {@code echo} reads escapes. */
  default boolean shIsDash() {
    return false;
  }

  /** The absolute, normalized path of folder {@code path} (relative to {@code cwd}); fails with why it is none. */
  Future<String> directory(String cwd, String path);
}
