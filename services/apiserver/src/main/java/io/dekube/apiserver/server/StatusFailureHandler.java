package io.dekube.apiserver.server;

import io.dekube.core.model.StatusException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure of the router into a Kubernetes {@code Status}: a {@link StatusException}
 * as it is, a bare status code (404 no route, 405 method, 413 body too large) as kube-apiserver
 * words it, an unexpected exception a handler threw as kube's panic recovery answers a panic (a plain-text 500),
 * anything else as a 500 {@code InternalError}. Installed as the router's failure
 * handler and as its error handler for the codes Vert.x Web raises itself. Stateless.
 */
public final class StatusFailureHandler {

  private static final Logger LOG = LoggerFactory.getLogger(StatusFailureHandler.class);
  private static final int[] ROUTER_CODES = {400, 401, 403, 404, 405, 406, 413, 415, 500};

  /** kube's answer to a request whose handler panicked. */
  public static final String PANIC = "This request caused apiserver to panic. Look in the logs for details.\n";

  private final long maxBodyBytes;

  public StatusFailureHandler(long maxBodyBytes) {
    this.maxBodyBytes = maxBodyBytes;
  }

  /** Installs this handler on {@code router}: failures of every route and unrouted requests. */
  public void install(Router router) {
    router.route().last().failureHandler(this::handle);
    for (int code : ROUTER_CODES) {
      router.errorHandler(code, this::handle);
    }
  }

  /** Answers the failed request with a {@code Status}, or a handler's panic as kube's panic recovery answers it. */
  public void handle(RoutingContext ctx) {
    if (panicked(ctx.failure())) {
      panic(ctx, ctx.failure());
      return;
    }
    StatusResponses.send(ctx, toStatus(ctx.failure(), ctx.statusCode(), ctx));
  }

  /**
   * Whether a request failed with what in Go would be a panic: an unchecked exception a handler threw (a bug), not a
   * Status the code answered with, an HTTP error of the router nor a closed connection. dekube's ordinary failures
   * (the store's, a webhook's) reach their handlers' futures and are answered with their own Status.
   */
  public static boolean panicked(Throwable failure) {
    return (failure instanceof RuntimeException || failure instanceof Error)
        && !(failure instanceof StatusException)
        && !(failure instanceof HttpException)
        && !(failure instanceof io.vertx.core.VertxException);
  }

  /**
   * kube's {@code WithPanicRecovery}: Go's {@code http.Error} with a 500 and a fixed text that tells nothing of the
   * cause, which goes to the log (kube's {@code "apiserver panic'd"} line with the method, URI and audit ID). An answer
   * already started gets the text after what it sent, as {@code http.Error} writes it.
   */
  private static void panic(RoutingContext ctx, Throwable failure) {
    HttpServerResponse response = ctx.response();
    LOG.error("apiserver panic'd method={} URI={} auditID={}", ctx.request().method(), ctx.request().uri(),
        response.headers().get("Audit-Id"), failure);
    if (response.ended() || response.closed()) {
      return;
    }
    if (!response.headWritten()) {
      response.setStatusCode(500).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader("X-Content-Type-Options", "nosniff").putHeader("Cache-Control", "no-cache, private");
    }
    try {
      response.end(PANIC);
    } catch (IllegalStateException e) {
      response.reset(); // a length already announced: the connection is cut as Go's server cuts it
    }
  }

  private StatusException toStatus(Throwable failure, int code, RoutingContext ctx) {
    if (failure instanceof StatusException e) {
      return e;
    }
    if (failure instanceof HttpException http) {
      return forCode(http.getStatusCode(), http.getPayload(), ctx);
    }
    if (failure != null) {
      LOG.warn("{} {} failed", ctx.request().method(), ctx.request().path(), failure);
      return StatusException.internal("Internal error occurred: " + failure.getMessage());
    }
    return forCode(code, null, ctx);
  }

  private StatusException forCode(int code, String message, RoutingContext ctx) {
    return switch (code) {
      case 404 -> StatusResponses.pathNotFound();
      case 405 -> StatusResponses.methodNotAllowed();
      case 401 -> StatusResponses.unauthorized();
      case 413 -> StatusResponses.tooLarge(maxBodyBytes);
      case 403 -> new StatusException(403, "Forbidden", message != null ? message : "forbidden");
      case 406 -> new StatusException(406, "NotAcceptable", message != null ? message
          : "the server was unable to respond with a content type that the client supports");
      case 415 -> new StatusException(415, "UnsupportedMediaType", message != null ? message
          : "the body of the request was in an unknown format");
      case 400 -> StatusException.badRequest(message != null ? message : "the server rejected our request for an unknown reason");
      case -1, 500 -> {
        LOG.warn("{} {} failed without a cause", ctx.request().method(), ctx.request().path());
        yield StatusException.internal("Internal error occurred: unexpected failure");
      }
      default -> new StatusException(code, "InternalError", message != null ? message : "request failed with code " + code);
    };
  }
}
