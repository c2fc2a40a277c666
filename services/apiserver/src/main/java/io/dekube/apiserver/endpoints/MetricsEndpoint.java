package io.dekube.apiserver.endpoints;

import io.dekube.core.metrics.Metrics;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;

/**
 * {@code /metrics}: the process-wide Prometheus registry in the text exposition format.
 * Authenticated users only, as in kube-apiserver. Stateless.
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
