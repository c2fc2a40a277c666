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

  /** Serves {@code handler} on the pod IP's {@code port}; completes once it listens. */
  static Future<Void> serve(JvmContainer c, int port, Handler<HttpServerRequest> handler) {
    HttpServer server = c.vertx().createHttpServer(new HttpServerOptions().setHost(c.spec().podIp()).setPort(port)
        .setReuseAddress(true));
    GracefulStop graceful = new GracefulStop(server);
    server.requestHandler(Refusals.http(c, port, c.measured(req -> {
      graceful.begin(req);
      handler.handle(req);
    })));
    c.onStop(() -> graceful.stop(server, Programs.DRAIN_SECONDS));
    return server.listen().<Void>mapEmpty().recover(e -> Future.failedFuture(
        new ContainerStartException("RunContainerError", "cannot listen: " + e.getMessage())));
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
