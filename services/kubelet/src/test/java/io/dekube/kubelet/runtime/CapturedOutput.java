package io.dekube.kubelet.runtime;

import io.vertx.core.buffer.Buffer;

/** A command's output kept for a test: stdout and stderr apart. Thread-safe. */
final class CapturedOutput implements ExecSession.Output {

  final StringBuffer out = new StringBuffer();
  final StringBuffer err = new StringBuffer();

  @Override
  public void stdout(Buffer data) {
    out.append(data);
  }

  @Override
  public void stderr(Buffer data) {
    err.append(data);
  }

  void clear() {
    out.setLength(0);
    err.setLength(0);
  }
}
