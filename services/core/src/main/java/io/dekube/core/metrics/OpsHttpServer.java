package io.dekube.core.metrics;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * The operations endpoint every dekube process serves on a plain-HTTP loopback port:
 * {@code /metrics} (Prometheus text), {@code /healthz} (the process is up), {@code /readyz}
 * (every registered readiness check passes; {@code ?verbose} lists them). Checks are called on
 * the server's event loop and must not block. Thread-safe registration.
 */
public final class OpsHttpServer {

  private final Map<String, Supplier<String>> readiness = new ConcurrentHashMap<>();
  private final Map<String, io.vertx.core.Handler<HttpServerRequest>> routes = new ConcurrentHashMap<>();
  private final Map<String, com.fasterxml.jackson.databind.JsonNode> configz =
      new java.util.concurrent.ConcurrentSkipListMap<>();
  private HttpServer server;

  /** Adds a named readiness check, e.g. {@code writer} or {@code informer-pods}. */
  public OpsHttpServer readinessCheck(String name, BooleanSupplier check) {
    readiness.put(name, () -> check.getAsBoolean() ? null : "not ready");
    return this;
  }

  /**
   * Adds a named readiness check that says why it fails (null when ready), e.g. {@code kafka};
   * {@code /readyz?verbose} prints {@code [-]kafka failed: <why>}.
   */
  public OpsHttpServer readinessFailure(String name, Supplier<String> failure) {
    readiness.put(name, failure);
    return this;
  }

  /**
   * Serves the paths under {@code prefix} (e.g. {@code /nodes/}) with {@code handler}: operations of
   * a running process, such as {@code dekube node stop}. The handler runs on the server's event loop.
   */
  public OpsHttpServer route(String prefix, io.vertx.core.Handler<HttpServerRequest> handler) {
    routes.put(prefix, handler);
    return this;
  }

  /**
   * Adds a component's configuration to {@code /configz} under {@code name}, as kube's configz registry: the page
   * serves every configuration registered in the process as one JSON object by name, in Go's map order (sorted), so a
   * process that runs the scheduler and the controller-manager shows {@code componentconfig} and
   * {@code kubecontrollermanager.config.k8s.io} (Content-Type {@code application/json},
   * {@code X-Content-Type-Options: nosniff}).
   */
  public OpsHttpServer configz(String name, com.fasterxml.jackson.databind.JsonNode config) {
    configz.put(name, config);
    routes.put("/configz", req -> {
      com.fasterxml.jackson.databind.node.ObjectNode page =
          com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
      configz.forEach(page::set);
      req.response().putHeader("Content-Type", "application/json").putHeader("X-Content-Type-Options", "nosniff")
          .end(page.toString());
    });
    return this;
  }

  /** Starts listening; the future gives the bound port (useful with port 0). */
  public Future<Integer> listen(Vertx vertx, String host, int port) {
    return io.dekube.core.net.Bind.named(vertx.createHttpServer().requestHandler(this::handle).listen(port, host),
            "the ops port (--ops-port)", host, port)
        .map(s -> {
          server = s;
          return s.actualPort();
        });
  }

  /** Stops listening. */
  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest req) {
    for (Map.Entry<String, io.vertx.core.Handler<HttpServerRequest>> r : routes.entrySet()) {
      if (req.path().startsWith(r.getKey())) {
        r.getValue().handle(req);
        return;
      }
    }
    switch (req.path()) {
      case "/metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(Metrics.scrape());
      case "/healthz", "/livez" -> req.response().putHeader("Content-Type", "text/plain").end("ok");
      case "/readyz" -> readyz(req);
      default -> req.response().setStatusCode(404).putHeader("Content-Type", "text/plain").end("404 page not found\n");
    }
  }

  private void readyz(HttpServerRequest req) {
    StringBuilder verbose = new StringBuilder();
    boolean ready = true;
    for (Map.Entry<String, Supplier<String>> e : new java.util.TreeMap<>(readiness).entrySet()) {
      String failure = e.getValue().get();
      ready &= failure == null;
      verbose.append(failure == null ? "[+]" : "[-]").append(e.getKey())
          .append(failure == null ? " ok\n" : " failed: " + failure + "\n");
    }
    String body = req.params().contains("verbose")
        ? verbose + (ready ? "readyz check passed\n" : "readyz check failed\n")
        : (ready ? "ok" : "not ready");
    req.response().setStatusCode(ready ? 200 : 503).putHeader("Content-Type", "text/plain").end(body);
  }
}
