package io.dekube.apiserver.server;

import io.vertx.ext.web.RoutingContext;

/**
 * Runs an action when a request's client goes before its response ended (the connection closed,
 * the HTTP/2 stream reset, a write failed), through the routing context's end handlers: an
 * {@code HttpServerResponse} keeps one close handler, the routing context any number, so the
 * request metrics and a watch both learn of the close. Stateless.
 */
public final class ResponseAbort {

  private ResponseAbort() {
  }

  /** Runs {@code action} once if the response of {@code ctx} is closed or fails before it ended. */
  public static void onAbort(RoutingContext ctx, Runnable action) {
    ctx.addEndHandler(ar -> {
      if (ar.failed()) {
        action.run();
      }
    });
  }
}
