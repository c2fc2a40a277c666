package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;

/**
 * agnhost's {@code liveness} (the "Define a liveness HTTP request" task page) and the older
 * {@code registry.k8s.io/liveness}: a server on 8080 whose {@code /healthz} answers 200 {@code ok} for the first
 * 10 seconds after the start, then 500 {@code error: <seconds since the start>}; {@code /started} says how long it
 * has run, {@code /redirect?loc=} redirects (302); other paths are Go's 404.
 */
final class AgnhostLiveness {

  static final int PORT = 8080;
  static final long HEALTHY_NANOS = 10_000_000_000L;

  private AgnhostLiveness() {
  }

  static Future<Void> start(JvmContainer c) {
    long started = System.nanoTime();
    return ImageServer.serve(c, PORT, req -> {
      long running = System.nanoTime() - started;
      var res = req.response().putHeader("Content-Type", "text/plain; charset=utf-8");
      switch (req.path()) {
        case "/healthz" -> res.setStatusCode(healthy(running) ? 200 : 500).end(healthz(running));
        case "/started" -> res.end(HttpEcho.goDuration(running));
        case "/redirect" -> {
          String loc = req.getParam("loc");
          res.setStatusCode(302).putHeader("Location", loc == null || loc.isEmpty() ? "/" : loc).end();
        }
        default -> res.setStatusCode(404).end("404 page not found\n");
      }
    });
  }

  static boolean healthy(long runningNanos) {
    return runningNanos <= HEALTHY_NANOS;
  }

  /** {@code /healthz}'s body after {@code runningNanos}: {@code ok}, or {@code error: 10.512} (seconds, Go's %v). */
  static String healthz(long runningNanos) {
    if (healthy(runningNanos)) {
      return "ok";
    }
    return "error: " + java.math.BigDecimal.valueOf(runningNanos, 9).stripTrailingZeros().toPlainString();
  }
}
