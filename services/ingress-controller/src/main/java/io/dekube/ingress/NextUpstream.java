package io.dekube.ingress;

import io.dekube.core.net.Backend;
import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ingress-nginx's {@code proxy_next_upstream error timeout}: when the picked endpoint fails before any
 * byte of a response came back — refused because the pod's server just stopped, reset because it
 * closed a kept-alive connection, no connection or no answer within {@link UpstreamOrigin}'s timeouts —
 * an idempotent request without a body is sent again to the next ready endpoint, up to
 * {@link #MAX_TRIES} endpoints in all. This is what makes a rolling update invisible to clients: a pod
 * leaves the endpoints a moment after it is told to stop, and requests sent to it in that moment go
 * elsewhere. Requests with a body, and POST/PATCH, are tried once (nginx does not retry non-idempotent
 * ones either). When the last try fails the client gets nginx's status — 504 Gateway Timeout after a
 * timeout, 502 Bad Gateway after any other failure — with a body naming each endpoint tried and what
 * went wrong. Event-loop confined.
 */
final class NextUpstream implements ProxyInterceptor {

  /** nginx's {@code proxy_next_upstream_tries} as ingress-nginx sets it. */
  static final int MAX_TRIES = 3;
  /** The attachment of the proxy context that names the endpoint of the current try. */
  static final String BACKEND = "dekube.backend";

  private static final Logger LOG = LoggerFactory.getLogger(NextUpstream.class);
  private static final Set<HttpMethod> IDEMPOTENT = Set.of(HttpMethod.GET, HttpMethod.HEAD, HttpMethod.OPTIONS,
      HttpMethod.PUT, HttpMethod.DELETE, HttpMethod.TRACE);

  private final Function<HttpServerRequest, List<Backend>> candidates;

  /** {@code candidates}: the endpoints picked for a request, in the order to try them. */
  NextUpstream(Function<HttpServerRequest, List<Backend>> candidates) {
    this.candidates = candidates;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    List<Backend> order = candidates.apply(ctx.request().proxiedRequest());
    if (order == null || order.isEmpty()) {
      return Future.failedFuture("no endpoint picked");
    }
    int tries = retriable(ctx.request().proxiedRequest()) ? Math.min(MAX_TRIES, order.size()) : 1;
    return attempt(ctx, order, 0, tries, new ArrayList<>());
  }

  private Future<ProxyResponse> attempt(ProxyContext ctx, List<Backend> order, int i, int tries, List<String> failed) {
    Backend b = order.get(i);
    ctx.set(BACKEND, SocketAddress.inetSocketAddress(b.port(), b.ip()));
    if (i > 0) {
      // the first try piped the (empty) request stream and left it paused when it failed: a paused
      // request stops its keep-alive connection from reading the client's next request
      ctx.request().proxiedRequest().resume();
      ctx.request().setBody(Body.body(Buffer.buffer()));
    }
    return ctx.sendRequest().recover(e -> {
      failed.add(b.address() + " " + (timedOut(e) ? "timed out" : "failed") + " (" + e.getMessage() + ")");
      if (i + 1 >= tries) {
        return Future.succeededFuture(gatewayError(ctx, timedOut(e), failed));
      }
      LOG.debug("ingress: {} {} to {} failed before a response ({}); trying {}", ctx.request().getMethod(),
          ctx.request().getURI(), b.address(), e.toString(), order.get(i + 1).address());
      return attempt(ctx, order, i + 1, tries, failed);
    });
  }

  /** nginx's answer when no endpoint answered: 504 when the last one timed out, 502 otherwise. */
  private static ProxyResponse gatewayError(ProxyContext ctx, boolean timeout, List<String> failed) {
    String status = timeout ? "504 Gateway Timeout" : "502 Bad Gateway";
    String text = status + ": " + ctx.request().getMethod() + " " + ctx.request().getURI() + ": "
        + String.join(", ", failed) + "\n";
    return ctx.request().release().response().setStatusCode(timeout ? 504 : 502)
        .putHeader(HttpHeaders.CONTENT_TYPE, "text/plain").setBody(Body.body(Buffer.buffer(text)));
  }

  /** A connect timeout or a read timeout (no byte from the endpoint for too long). */
  static boolean timedOut(Throwable e) {
    return e instanceof TimeoutException || e instanceof ConnectTimeoutException;
  }

  /**
   * Once the answer started it cannot go elsewhere: when passing it on fails (the endpoint closed the
   * connection in the middle of it), the client's connection is reset rather than left waiting for
   * the rest, as nginx does.
   */
  @Override
  public Future<Void> handleProxyResponse(ProxyContext ctx) {
    HttpServerRequest in = ctx.request().proxiedRequest();
    return ctx.sendResponse().onComplete(ar -> {
      in.resume(); // never leave the client's request paused once its answer is out (its connection reads on)
    }).onFailure(e -> {
      LOG.warn("ingress: passing on the answer to {} {} failed: {}", in.method(), in.uri(), e.toString());
      if (in.response().headWritten() && !in.response().ended()) {
        in.response().reset();
      }
    });
  }

  /** An idempotent method and no request body: safe to send again. */
  static boolean retriable(HttpServerRequest req) {
    if (!IDEMPOTENT.contains(req.method())) {
      return false;
    }
    String length = req.getHeader(HttpHeaders.CONTENT_LENGTH);
    boolean chunked = req.getHeader(HttpHeaders.TRANSFER_ENCODING) != null;
    return !chunked && (length == null || length.trim().equals("0"));
  }
}
