package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.time.ZonedDateTime;

/**
 * {@code registry.k8s.io/hpa-example}, the php-apache server of the HorizontalPodAutoscaler walkthrough: Apache
 * with PHP on port 80 whose {@code index.php} adds up square roots a million times, then answers {@code OK!}.
 * The loop runs for real on a worker thread (never an event loop), and its thread CPU time is the container's
 * ({@link JvmContainer#measuredWork}), so the metrics server reports what the requests cost and the HPA scales
 * on it. Other paths get Apache's 404; each request is a {@code combined} access-log line on stdout.
 */
final class HpaExample {

  static final int PORT = 80;
  static final String SERVER = "Apache/2.4.25 (Debian)";
  static final String PHP = "PHP/5.6.40";
  /** The image's page, in PHP: what the handler computes. */
  static final String INDEX_PHP = """
      <?php
        $x = 0.0001;
        for ($i = 0; $i <= 1000000; $i++) {
          $x += sqrt($x);
        }
        echo "OK!";
      ?>
      """;
  private static volatile double sink;

  private HpaExample() {
  }

  static Future<Void> start(JvmContainer c) {
    String ip = c.spec().podIp();
    return ImageServer.serve(c, PORT, req -> answer(c, req)).onSuccess(v -> {
      for (String line : ApacheLog.startup(ZonedDateTime.now(), "apache2", ip, "mpm_prefork", "pid 1",
          SERVER + " " + PHP)) {
        GoLog.stderr(c, line);
      }
      c.onStop(() -> {
        GoLog.stderr(c, ApacheLog.stopping(ZonedDateTime.now(), "mpm_prefork", "pid 1"));
        return Future.succeededFuture();
      });
    });
  }

  private static void answer(JvmContainer c, HttpServerRequest req) {
    String path = req.path();
    if (!path.equals("/") && !path.equals("/index.php")) {
      String page = notFound(path, c.spec().podIp());
      respond(c, req, 404, "text/html; charset=iso-8859-1", page);
      return;
    }
    c.measuredWork(HpaExample::index).onComplete(ar -> {
      req.response().putHeader("X-Powered-By", PHP);
      respond(c, req, 200, "text/html; charset=UTF-8", ar.succeeded() ? ar.result() : "");
    });
  }

  /** What {@code index.php} does: the loop of square roots, then its answer. */
  static String index() {
    double x = 0.0001;
    for (int i = 0; i <= 1_000_000; i++) {
      x += Math.sqrt(x);
    }
    sink = x;
    return "OK!";
  }

  private static void respond(JvmContainer c, HttpServerRequest req, int status, String type, String text) {
    ImageServer.answerAsApache(c, req, SERVER, status, type, text);
  }


  /** Debian Apache's 404 page (its ServerSignature is on). */
  static String notFound(String path, String ip) {
    return "<!DOCTYPE HTML PUBLIC \"-//IETF//DTD HTML 2.0//EN\">\n<html><head>\n<title>404 Not Found</title>\n"
        + "</head><body>\n<h1>Not Found</h1>\n<p>The requested URL " + path + " was not found on this server.</p>\n"
        + "<hr>\n<address>" + SERVER + " Server at " + ip + " Port " + PORT + "</address>\n</body></html>\n";
  }
}
