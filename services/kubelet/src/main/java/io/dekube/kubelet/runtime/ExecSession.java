package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;

/** A command running inside a container: its stdin, and its exit code. */
public interface ExecSession {

  /** Where a command's output goes (called from any thread). */
  interface Output {
    void stdout(Buffer data);

    void stderr(Buffer data);

    /**
     * Completes when stdout can take more: at once, except for a pipe of the built-in shell whose reader lags
     * behind (back-pressure); fails once that reader has ended (the writer's SIGPIPE).
     */
    default Future<Void> ready() {
      return Future.succeededFuture();
    }
  }

  /** Writes to the command's stdin (ignored by commands that read none). */
  void stdin(Buffer data);

  /** Closes stdin. */
  void closeStdin();

  /** Completes with the command's exit code. */
  Future<Integer> exitCode();

  /** Ends the command early (the client went away). */
  void kill();

  /** The client's terminal is now {@code columns} wide and {@code rows} high (kubectl's resize channel). */
  default void resize(int columns, int rows) {
  }

  /** A command that already ended with {@code code}. */
  static ExecSession finished(int code) {
    return ending(Future.succeededFuture(code));
  }

  /** A command that reads no stdin and cannot be stopped early: it ends with {@code exit}. */
  static ExecSession ending(Future<Integer> exit) {
    return new ExecSession() {
      @Override
      public void stdin(Buffer data) {
      }

      @Override
      public void closeStdin() {
      }

      @Override
      public Future<Integer> exitCode() {
        return exit;
      }

      @Override
      public void kill() {
      }
    };
  }
}
