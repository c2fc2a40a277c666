package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayDeque;

/**
 * An exec session whose program starts a little later (once a check on a worker thread is done): the
 * stdin, its end and a kill that come before are held and handed to the program as it starts. The
 * session ends as the program does, or with the failure that kept it from starting. Thread-safe.
 */
final class DeferredExecSession implements ExecSession {

  private final ArrayDeque<Buffer> input = new ArrayDeque<>();
  private final Future<Integer> exit;
  private ExecSession started;
  private boolean inputEnded;
  private boolean killed;
  /** The last terminal size the client sent before the program started: columns, rows; else null. */
  private int[] size;

  /** @param program completes with the started program, or fails when it could not start */
  DeferredExecSession(Future<ExecSession> program) {
    exit = program.compose(real -> {
      synchronized (input) {
        started = real;
        input.forEach(real::stdin);
        input.clear();
        if (inputEnded) {
          real.closeStdin();
        }
        if (size != null) {
          real.resize(size[0], size[1]);
        }
        if (killed) {
          real.kill();
        }
      }
      return real.exitCode();
    });
  }

  @Override
  public void stdin(Buffer data) {
    synchronized (input) {
      if (started != null) {
        started.stdin(data);
      } else {
        input.add(data);
      }
    }
  }

  @Override
  public void closeStdin() {
    synchronized (input) {
      inputEnded = true;
      if (started != null) {
        started.closeStdin();
      }
    }
  }

  @Override
  public Future<Integer> exitCode() {
    return exit;
  }

  @Override
  public void resize(int columns, int rows) {
    synchronized (input) {
      if (started != null) {
        started.resize(columns, rows);
      } else {
        size = new int[] {columns, rows};
      }
    }
  }

  @Override
  public void kill() {
    synchronized (input) {
      killed = true;
      if (started != null) {
        started.kill();
      }
    }
  }
}
