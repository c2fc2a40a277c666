package io.dekube.kubelet.images;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What a well-behaved web server does on SIGTERM (Go's {@code http.Server.Shutdown}, which Caddy —
 * the talk's kube-decon image — uses): close the idle kept-alive connections at once, let the
 * requests in flight finish and close their connections after the response, stop listening as
 * soon as none is left (at the latest after a bound). Vert.x's own {@code shutdown(timeout)} keeps
 * the listener and idle connections open for the whole timeout: a request sent on one of them (by
 * the ingress controller's keep-alive pool, or on a connection the kernel still accepted) waits
 * unanswered until then, a hang where a proxy needs a closed connection it can retry elsewhere.
 * Thread-safe.
 */
final class GracefulStop {

  private final Map<HttpConnection, AtomicInteger> connections = new ConcurrentHashMap<>();
  private final Promise<Void> idle = Promise.promise();
  private volatile boolean stopping;

  /** Tracks the server's connections; call before {@code listen}. */
  GracefulStop(HttpServer server) {
    server.connectionHandler(conn -> {
      connections.put(conn, new AtomicInteger());
      conn.closeHandler(v -> connections.remove(conn));
    });
  }

  /** Call first in the request handler: counts the request in flight until its response ends. */
  void begin(HttpServerRequest req) {
    AtomicInteger inFlight = connections.get(req.connection());
    if (inFlight == null) {
      return;
    }
    inFlight.incrementAndGet();
    req.response().headersEndHandler(v -> {
      if (stopping) {
        req.response().putHeader("Connection", "close");
      }
    });
    req.response().endHandler(v -> {
      if (inFlight.decrementAndGet() == 0 && stopping) {
        req.connection().close();
        checkIdle();
      }
    });
  }

  /** Stops as described above; completes once the server is closed. */
  Future<Void> stop(HttpServer server, long seconds) {
    stopping = true;
    connections.forEach((conn, inFlight) -> {
      if (inFlight.get() == 0) {
        conn.close();
      }
    });
    checkIdle();
    return idle.future().timeout(seconds, TimeUnit.SECONDS).recover(e -> Future.succeededFuture())
        .compose(v -> server.close());
  }

  private void checkIdle() {
    if (connections.values().stream().allMatch(n -> n.get() == 0)) {
      idle.tryComplete();
    }
  }
}
