package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;

/**
 * The HTTP server of a built-in image: bound to the pod IP at {@code port}, answering only the connections the
 * pod's NetworkPolicies admit ({@link Refusals}), its handler's CPU time counted as the container's, stopped as
 * {@link GracefulStop} says on SIGTERM. A port it cannot bind fails the start with {@code RunContainerError}.
 */
final class ImageServer {

  private ImageServer() {
  }

  /**
   * An image's HTTP server on the pod IP's {@code port}: HTTP/1.1 only, as nginx without {@code http2}, Apache without
   * mod_http2 and Go's net/http answer plain-text connections: a client's {@code Upgrade: h2c} is ignored, not
   * accepted, so {@code curl --http2} and Java's HTTP client see HTTP/1.1 and the access logs say so.
   */
  static HttpServerOptions options(String podIp, int port) {
    return new HttpServerOptions().setHost(podIp).setPort(port).setReuseAddress(true)
        .setHttp2ClearTextEnabled(false);
  }

  /** Serves {@code handler} on the pod IP's {@code port} over HTTP/1.1; completes once it listens. */
  static Future<Void> serve(JvmContainer c, int port, Handler<HttpServerRequest> handler) {
    return serve(c, options(c.spec().podIp(), port), handler);
  }

  /**
   * Serves {@code handler} with cleartext HTTP/2 too (prior knowledge and {@code h2c} upgrades), as a gRPC server
   * such as etcd's client port does; completes once it listens.
   */
  static Future<Void> serveWithH2c(JvmContainer c, int port, Handler<HttpServerRequest> handler) {
    return serve(c, options(c.spec().podIp(), port).setHttp2ClearTextEnabled(true), handler);
  }

  private static Future<Void> serve(JvmContainer c, HttpServerOptions options, Handler<HttpServerRequest> handler) {
    int port = options.getPort();
    HttpServer server = c.vertx().createHttpServer(options);
    GracefulStop graceful = new GracefulStop(server);
    server.requestHandler(Refusals.http(c, port, c.measured(req -> {
      graceful.begin(req);
      handler.handle(req);
    })));
    c.onStop(() -> graceful.stop(server, Programs.DRAIN_SECONDS));
    return server.listen().<Void>mapEmpty().recover(e -> Future.failedFuture(
        new ContainerStartException("RunContainerError", "cannot listen: " + e.getMessage())));
  }

  /**
   * Answers {@code text} as Apache does ({@code Server} header, {@code Content-Length}) and writes the request's
   * line in Debian's {@code combined} format to the container's log.
   */
  static void answerAsApache(JvmContainer c, HttpServerRequest req, String server, int status, String type,
                             String text) {
    io.vertx.core.buffer.Buffer body = io.vertx.core.buffer.Buffer.buffer(text);
    var res = req.response().setStatusCode(status).putHeader("Server", server).putHeader("Content-Type", type)
        .putHeader("Content-Length", Integer.toString(body.length()));
    c.log().line(ApacheLog.combined(req.remoteAddress().hostAddress(), java.time.ZonedDateTime.now(),
        ApacheLog.requestLine(req), status, ApacheLog.sentBytes(res, body.length()), req.getHeader("Referer"),
        req.getHeader("User-Agent")));
    res.end(body);
  }

  /** The request's protocol as servers print it: {@code HTTP/1.1}. */
  static String protocol(HttpServerRequest req) {
    return switch (req.version()) {
      case HTTP_1_0 -> "HTTP/1.0";
      case HTTP_2 -> "HTTP/2.0";
      default -> "HTTP/1.1";
    };
  }

  /** The client's {@code ip:port}, as Go's {@code Request.RemoteAddr} shows it. */
  static String remoteAddr(HttpServerRequest req) {
    return req.remoteAddress().hostAddress() + ":" + req.remoteAddress().port();
  }

  /** The container's hostname, as {@code os.Hostname()} and {@code gethostname} see it: the pod's hostname. */
  static String hostname(JvmContainer c) {
    return c.spec().env().getOrDefault("HOSTNAME", c.spec().podName());
  }
}
