package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * A stream redirected into a file ({@code > FILE}, {@code >> FILE}): each write is appended in order as it comes,
 * so that a loop's output shows in the file while it runs. Thread-safe.
 */
final class FileSink implements Consumer<Buffer> {

  private final Host host;
  private final String cwd;
  private final String path;
  private Future<Void> tail = Future.succeededFuture();

  FileSink(Host host, String cwd, String path) {
    this.host = host;
    this.cwd = cwd;
    this.path = path;
  }

  @Override
  public synchronized void accept(Buffer data) {
    byte[] bytes = data.getBytes();
    tail = tail.compose(v -> host.write(cwd, path, bytes, true)).recover(e -> Future.succeededFuture());
  }

  /** Completes once everything written so far is in the file. */
  synchronized Future<Void> drained() {
    return tail;
  }
}
