package io.dekube.kubelet.images.wordpress;

import io.dekube.kubelet.images.ApacheLog;
import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.JvmContainer;
import io.dekube.kubelet.runtime.PodDialer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.time.ZonedDateTime;
import java.util.List;
import java.util.Map;

/**
 * The {@code wordpress} image ({@code wordpress:6.2.1-apache}, and its other tags as the same WordPress 6.2.1 on
 * Apache 2.4.56 with PHP 8.0.28): its {@code docker-entrypoint.sh} ({@link WordpressFiles}) on
 * {@code /var/www/html}, then {@code apache2-foreground} — Apache's start-up lines on stderr, WordPress
 * ({@link WordpressSite}) on port 80 of the pod IP under the pod's NetworkPolicies, one {@code combined} access-log
 * line per request on stdout, Apache's graceful stop on SIGTERM. Another command than {@code apache2*} fails to
 * start, as the image has no such program in this runtime.
 */
public final class WordpressImage {

  static final int PORT = 80;
  static final String SERVER = "Apache/2.4.56 (Debian)";

  /** Serves an HTTP handler on the pod IP's port, as the runtime's other images do. */
  public interface Http {
    Future<Void> serve(int port, Handler<HttpServerRequest> handler);
  }

  private WordpressImage() {
  }

  /** Starts the image in {@code c}: {@code argv} is the container's command line after entrypoint and CMD. */
  public static Future<Void> start(JvmContainer c, List<String> argv, Http http) {
    List<String> line = argv.isEmpty() || !argv.get(0).endsWith("docker-entrypoint.sh") ? argv
        : argv.subList(1, argv.size());
    if (line.isEmpty() || !line.get(0).startsWith("apache2")) {
      return Future.failedFuture(new ContainerStartException("StartError", "failed to create containerd task: exec: \""
          + (line.isEmpty() ? "" : line.get(0)) + "\": executable file not found in $PATH"));
    }
    Map<String, String> env = c.spec().env();
    WordpressDb db = new WordpressDb(new PodDialer(c, 5)::connectPaused, WordpressConfig.of(env));
    WordpressSite site = new WordpressSite(db);
    return c.nodeFolder(WordpressFiles.ROOT).compose(html -> c.vertx().executeBlocking(() -> {
      WordpressFiles.prepare(html, env, s -> stderr(c, s));
      return null;
    }, false)).compose(v -> http.serve(PORT, req -> handle(c, site, req))).onSuccess(v -> {
      for (String s : ApacheLog.startup(ZonedDateTime.now(), "apache2", c.spec().podIp(), "mpm_prefork", "pid 1",
          SERVER + " " + Response.PHP)) {
        stderr(c, s);
      }
      c.onStop(() -> {
        stderr(c, ApacheLog.stopping(ZonedDateTime.now(), "mpm_prefork", "pid 1"));
        return Future.succeededFuture();
      });
    });
  }

  /** The image's {@code /usr/src/wordpress} (the stand-in set): path under it to text. */
  public static Map<String, String> sourceFiles() {
    return WordpressFiles.sources();
  }

  private static void handle(JvmContainer c, WordpressSite site, HttpServerRequest req) {
    Buffer body = Buffer.buffer();
    req.handler(body::appendBuffer);
    req.endHandler(end -> {
      String type = req.getHeader("Content-Type");
      boolean form = req.method().name().equals("POST") && type != null
          && type.startsWith("application/x-www-form-urlencoded");
      String host = req.getHeader("Host") == null ? c.spec().podIp() : req.getHeader("Host");
      Request request = new Request(req.method().name(), req.path(), Request.parse(req.query()),
          form ? Request.parse(body.toString()) : Map.of(), Request.cookies(req.getHeader("Cookie")), host);
      site.answer(request).onComplete(ar -> respond(c, req, ar.succeeded() ? ar.result()
          : Response.page(500, SitePages.deadDb())));
    });
  }

  private static void respond(JvmContainer c, HttpServerRequest req, Response r) {
    Buffer body = Buffer.buffer(req.method().name().equals("HEAD") ? "" : r.body());
    var res = req.response().setStatusCode(r.status()).putHeader("Server", SERVER);
    for (Map.Entry<String, String> h : r.headers()) {
      res.headers().add(h.getKey(), h.getValue());
    }
    res.putHeader("Content-Length", Integer.toString(body.length()));
    c.log().line(ApacheLog.combined(req.remoteAddress().hostAddress(), ZonedDateTime.now(), ApacheLog.requestLine(req),
        r.status(), ApacheLog.sentBytes(res, body.length()), req.getHeader("Referer"), req.getHeader("User-Agent")));
    res.end(body);
  }

  private static void stderr(JvmContainer c, String line) {
    c.output("stderr", Buffer.buffer(line.endsWith("\n") ? line : line + "\n"));
  }
}
