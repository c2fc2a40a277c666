package io.dekube.apiserver.server;

import io.dekube.core.model.StatusException;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns every failure of the router into a Kubernetes {@code Status}: a {@link StatusException}
 * as it is, a bare status code (404 no route, 405 method, 413 body too large) as kube-apiserver
 * words it, anything else as a 500 {@code InternalError}. Installed as the router's failure
 * handler and as its error handler for the codes Vert.x Web raises itself. Stateless.
 */
public final class StatusFailureHandler {

  private static final Logger LOG = LoggerFactory.getLogger(StatusFailureHandler.class);
  private static final int[] ROUTER_CODES = {400, 401, 403, 404, 405, 406, 413, 415, 500};

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

  /** Answers the failed request with a {@code Status}. */
  public void handle(RoutingContext ctx) {
    StatusResponses.send(ctx, toStatus(ctx.failure(), ctx.statusCode(), ctx));
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
