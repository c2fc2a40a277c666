package io.dekube.kubelet.runtime;

/**
 * Vert.x's failure for an HTTP connection the peer closed before it answered: an {@code HttpClosedException}, or,
 * when the close beat the pool handing the connection to the request, the socket's own "Connection was closed".
 * The tools and the probes word it as theirs do (busybox wget, curl (52), Go's {@code EOF}).
 */
public final class ClosedConnection {

  private ClosedConnection() {
  }

  public static boolean is(Throwable e) {
    return e instanceof io.vertx.core.http.HttpClosedException || "Connection was closed".equals(e.getMessage());
  }
}
