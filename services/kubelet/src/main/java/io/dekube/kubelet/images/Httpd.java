package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.time.ZonedDateTime;

/**
 * {@code httpd} (Apache's official image): the container's files under {@code /usr/local/apache2/htdocs}
 * ({@code It works!} at first, what {@code kubectl cp} puts there after; Apache's 404 elsewhere) on port 80,
 * Apache's start-up notices on stderr and one {@code common} access-log line per request on stdout.
 */
final class Httpd {

  static final int PORT = 80;
  static final String ROOT = "/usr/local/apache2/htdocs";
  static final String INDEX = "<html><body><h1>It works!</h1></body></html>\n";
  static final String NOT_FOUND = """
      <!DOCTYPE HTML PUBLIC "-//IETF//DTD HTML 2.0//EN">
      <html><head>
      <title>404 Not Found</title>
      </head><body>
      <h1>Not Found</h1>
      <p>The requested URL was not found on this server.</p>
      </body></html>
      """;
  /** The version a tag that names none runs as. */
  static final String DEFAULT_VERSION = "2.4.62";

  private Httpd() {
  }

  static Future<Void> start(JvmContainer c, String tag) {
    String server = "Apache/" + version(tag) + " (Unix)";
    return ImageServer.serve(c, PORT, req -> {
      String file = NginxPages.document(ROOT, req.path());
      c.file(file).onComplete(ar -> {
        byte[] found = ar.succeeded() ? ar.result() : null;
        Buffer page = found != null ? Buffer.buffer(found) : Buffer.buffer(NOT_FOUND);
        int status = found != null ? 200 : 404;
        c.log().line(ApacheLog.common(req.remoteAddress().hostAddress(), ZonedDateTime.now(),
            ApacheLog.requestLine(req), status, page.length()));
        req.response().setStatusCode(status).putHeader("Server", server)
            .putHeader("Content-Type", found != null ? NginxPages.contentType(file) : "text/html; charset=iso-8859-1")
            .end(page);
      });
    }).onSuccess(v -> {
      for (String line : ApacheLog.startup(ZonedDateTime.now(), "httpd", c.spec().podIp(), "mpm_event",
          "pid 1:tid 1", server)) {
        GoLog.stderr(c, line);
      }
      c.onStop(() -> {
        GoLog.stderr(c, ApacheLog.stopping(ZonedDateTime.now(), "mpm_event", "pid 1:tid 1"));
        return Future.succeededFuture();
      });
    });
  }

  /** The version the tag names ({@code 2.4}, {@code 2.4.62-alpine}), else {@link #DEFAULT_VERSION}. */
  static String version(String tag) {
    String v = tag == null ? "" : tag.split("-", 2)[0];
    return v.matches("\\d+\\.\\d+\\.\\d+") ? v : DEFAULT_VERSION;
  }
}
