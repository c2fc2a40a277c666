package io.dekube.kubeproxy.healthcheck;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's health check node port servers ({@link HealthChecks}): an HTTP server per planned address,
 * answering every path with the Service's current check, opened and closed as the plan changes. A port
 * another program holds is logged and tried again at the next sync. Runs on its verticle's event loop.
 */
public final class HealthCheckServers {

  private static final Logger LOG = LoggerFactory.getLogger(HealthCheckServers.class);

  private final Vertx vertx;
  private final String nodeName;
  private final Map<HealthChecks.Key, HttpServer> servers = new HashMap<>();
  private final Set<HealthChecks.Key> failed = new HashSet<>();
  private Map<HealthChecks.Key, HealthChecks.Check> checks = Map.of();

  public HealthCheckServers(Vertx vertx, String nodeName) {
    this.vertx = vertx;
    this.nodeName = nodeName;
  }

  /** Brings the servers in line with {@code plan}; completes when new ones are bound (or failed). */
  public Future<Void> sync(Map<HealthChecks.Key, HealthChecks.Check> plan) {
    checks = Map.copyOf(plan);
    List<Future<?>> pending = new ArrayList<>();
    for (HealthChecks.Key key : new ArrayList<>(servers.keySet())) {
      if (!plan.containsKey(key)) {
        pending.add(servers.remove(key).close());
      }
    }
    failed.retainAll(plan.keySet());
    for (HealthChecks.Key key : plan.keySet()) {
      if (!servers.containsKey(key)) {
        pending.add(open(key));
      }
    }
    return Future.join(pending).mapEmpty();
  }

  private Future<Void> open(HealthChecks.Key key) {
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost(key.ip()).setPort(key.port())
        .setReuseAddress(true));
    server.requestHandler(req -> answer(key, req));
    servers.put(key, server);
    return server.listen().<Void>mapEmpty().onSuccess(v -> {
      failed.remove(key);
      LOG.info("kube-proxy {}: health check of {} on {}", nodeName, checks.get(key), key);
    }).recover(e -> {
      servers.remove(key);
      if (failed.add(key)) {
        LOG.warn("kube-proxy {}: cannot serve the health check on {}: {}", nodeName, key, e.toString());
      }
      return server.close().recover(x -> Future.succeededFuture());
    });
  }

  private void answer(HealthChecks.Key key, HttpServerRequest req) {
    HealthChecks.Check check = checks.get(key);
    if (check == null) {
      req.connection().close();
      return;
    }
    req.response().setStatusCode(check.status()).putHeader("Content-Type", "application/json")
        .putHeader("X-Content-Type-Options", "nosniff")
        .putHeader("X-Load-Balancing-Endpoint-Weight", Integer.toString(check.localEndpoints())).end(check.body());
  }

  /** Closes every server. */
  public Future<Void> close() {
    List<Future<Void>> all = servers.values().stream().map(HttpServer::close).toList();
    servers.clear();
    return Future.join(all).mapEmpty();
  }
}
