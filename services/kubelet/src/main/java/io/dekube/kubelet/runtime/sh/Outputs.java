package io.dekube.kubelet.runtime.sh;

import io.dekube.kubelet.runtime.ExecSession;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;
import java.util.function.Supplier;

/** Outputs a command may write to: captured text, nowhere, or a pair of streams routed by redirections. */
final class Outputs {

  private Outputs() {
  }

  /** stdout into {@code captured} (thread-safe), stderr on to {@code real}'s. */
  static ExecSession.Output capturing(StringBuilder captured, ExecSession.Output real) {
    return of(b -> {
      synchronized (captured) {
        captured.append(b.toString());
      }
    }, real::stderr);
  }

  /** Output whose streams go to {@code stdout} and {@code stderr}. */
  static ExecSession.Output of(Consumer<Buffer> stdout, Consumer<Buffer> stderr) {
    return of(stdout, stderr, Future::succeededFuture);
  }

  /** Output whose streams go to {@code stdout} and {@code stderr}; stdout is {@code ready} for more. */
  static ExecSession.Output of(Consumer<Buffer> stdout, Consumer<Buffer> stderr, Supplier<Future<Void>> ready) {
    return new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        stdout.accept(data);
      }

      @Override
      public void stderr(Buffer data) {
        stderr.accept(data);
      }

      @Override
      public Future<Void> ready() {
        return ready.get();
      }
    };
  }

  /** Drops what it is given ({@code > /dev/null}). */
  static final Consumer<Buffer> NOWHERE = b -> { };
}
