package io.dekube.apiserver.metrics;

import io.dekube.apiserver.authz.Attributes;
import io.dekube.apiserver.authz.AuthorizationHandler;
import io.dekube.apiserver.server.ResponseAbort;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiPredicate;

/**
 * Records every request of the router in {@link RequestMetrics}, as kube-apiserver's
 * {@code endpoints/metrics} does: counted in flight from its arrival, moved to the long-running
 * gauge once the authorization filter has described it as a watch, a stream or logs, and counted
 * with its code, latency and size when its response ends or its client goes (an accepted WebSocket
 * upgrade: when its socket closes, {@link ResponseAbort#webSocketClosed}, with code 101). Requests that fail
 * authentication are counted with their method's verb and no resource. Runs on the event loop; no
 * I/O; one per router.
 */
public final class RequestMetricsFilter {

  private static final String STATE = "metrics.request";
  private static final int SWITCHING_PROTOCOLS = 101;

  private final RequestMetrics metrics;
  private final BiPredicate<String, String> served;

  /**
   * @param metrics where to record
   * @param served  whether a group and resource are served (failed requests keep their resource labels only then)
   */
  public RequestMetricsFilter(RequestMetrics metrics, BiPredicate<String, String> served) {
    this.metrics = metrics;
    this.served = served;
  }

  /** Adds the first handler: call before every other handler of {@code router}. */
  public void mountFirst(Router router) {
    router.route().handler(this::arrived);
  }

  /** Adds the long-running check: call right after the authorization filter. */
  public void mountAfterAuthorization(Router router) {
    router.route().handler(this::authorized);
  }

  private void arrived(RoutingContext ctx) {
    HttpMethod method = ctx.request().method();
    State state = new State(System.nanoTime(),
        metrics.inflight(method == HttpMethod.GET || method == HttpMethod.HEAD));
    state.inflight.incrementAndGet();
    ctx.put(STATE, state);
    ctx.addEndHandler(ar -> ended(ctx, state, ctx.response().getStatusCode()));
    HttpServerRequest request = ctx.request();
    if (ResponseAbort.upgrades(request)) {
      // an accepted WebSocket upgrade never ends its response: it ends when its socket closes
      ResponseAbort.onWebSocketClosed(ctx, () -> ended(ctx, state,
          ctx.response().ended() ? ctx.response().getStatusCode() : SWITCHING_PROTOCOLS));
    }
    ctx.next();
  }

  private void authorized(RoutingContext ctx) {
    State state = ctx.get(STATE);
    Attributes a = ctx.get(AuthorizationHandler.ATTRIBUTES);
    if (state != null && a != null && a.resourceRequest()) {
      RequestLabels labels = labels(ctx.request(), a);
      if (labels.longRunning()) {
        state.labels = labels;
        state.longRunning = metrics.series(labels).longRunning();
        state.inflight.decrementAndGet();
        state.longRunning.incrementAndGet();
      }
    }
    ctx.next();
  }

  private void ended(RoutingContext ctx, State state, int code) {
    if (state.ended) {
      return;
    }
    state.ended = true;
    if (state.longRunning != null) {
      state.longRunning.decrementAndGet();
    } else {
      state.inflight.decrementAndGet();
    }
    RequestLabels labels = state.labels;
    if (labels == null) {
      Attributes a = ctx.get(AuthorizationHandler.ATTRIBUTES);
      labels = a == null ? RequestLabels.unauthenticated(ctx.request().method().name()) : labels(ctx.request(), a);
    }
    metrics.record(labels.bounded(code, served), code, System.nanoTime() - state.start,
        ctx.response().bytesWritten());
  }

  private static RequestLabels labels(HttpServerRequest request, Attributes a) {
    String method = request.method().name();
    return RequestLabels.of(a, method, method.equals("PATCH") ? request.getHeader(HttpHeaders.CONTENT_TYPE) : null,
        request::getParam);
  }

  /** One request's bookkeeping; confined to its event loop. */
  private static final class State {
    final long start;
    final AtomicInteger inflight;
    RequestLabels labels;
    AtomicInteger longRunning;
    boolean ended;

    State(long start, AtomicInteger inflight) {
      this.start = start;
      this.inflight = inflight;
    }
  }
}
