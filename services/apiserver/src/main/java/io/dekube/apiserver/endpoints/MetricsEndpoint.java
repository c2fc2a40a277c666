package io.dekube.apiserver.endpoints;

import io.dekube.core.metrics.Metrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * {@code /metrics}: the process-wide Prometheus registry in the text exposition format, with
 * kube-apiserver's request metrics ({@code io.dekube.apiserver.metrics}). As in kube-apiserver, for
 * users RBAC allows {@code get} on the nonResourceURL {@code /metrics} ({@code cluster-admin},
 * {@code system:monitoring}); the authorization filter answers the others 403. Stateless.
 */
public final class MetricsEndpoint {

  /** The Prometheus text format content type. */
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  /** Adds {@code GET /metrics} to {@code router}. */
  public void mount(Router router) {
    router.route(HttpMethod.GET, "/metrics").handler(ctx -> ctx.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, CONTENT_TYPE).end(Metrics.scrape()));
  }
}
