package io.dekube.kubeproxy;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's metrics port, {@value #PORT}, where the docs ask a node {@code curl localhost:10249/proxyMode}
 * ("Using Source IP"): the proxy mode as plain text, and {@code /healthz}, {@code /livez} {@code ok}. Served on
 * each node's address by its proxy and on 127.0.0.1 by the process-wide one; an address whose port another
 * program holds is logged and left out. Runs on its verticle's event loop.
 */
final class MetricsEndpoint {

  /** kube-proxy's default {@code metricsBindAddress} port. */
  static final int PORT = 10249;

  private static final Logger LOG = LoggerFactory.getLogger(MetricsEndpoint.class);

  private final List<HttpServer> servers = new ArrayList<>();

  /** Listens on {@code addresses} at {@code port}; completes once each one is bound or logged as not bindable. */
  Future<Void> start(Vertx vertx, List<String> addresses, int port, String mode) {
    List<Future<?>> all = new ArrayList<>();
    for (String ip : addresses) {
      HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(ip).setPort(port)
          .setReuseAddress(true)).requestHandler(req -> answer(req, mode));
      all.add(server.listen().onSuccess(servers::add).recover(e -> {
        LOG.warn("kube-proxy: cannot serve /proxyMode on {}:{} (another cluster's? --metrics-bind-address moves it): {}",
            ip, port, e.toString());
        return server.close().recover(x -> Future.succeededFuture()).map(v -> null);
      }));
    }
    return Future.join(all).mapEmpty();
  }

  private static void answer(HttpServerRequest req, String mode) {
    String body = switch (req.path()) {
      case "/proxyMode" -> mode;
      case "/healthz", "/livez" -> "ok";
      default -> null;
    };
    if (body == null) {
      req.response().setStatusCode(404).putHeader("Content-Type", "text/plain; charset=utf-8")
          .end("404 page not found\n");
    } else {
      req.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    }
  }

  Future<Void> close() {
    List<Future<Void>> all = servers.stream().map(HttpServer::close).toList();
    servers.clear();
    return Future.join(all).mapEmpty();
  }
}
