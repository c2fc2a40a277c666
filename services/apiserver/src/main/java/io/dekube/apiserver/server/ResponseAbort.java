package io.dekube.apiserver.server;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.RoutingContext;

/**
 * Runs an action when a request's client goes before its response ended (the connection closed,
 * the HTTP/2 stream reset, a write failed), through the routing context's end handlers: an
 * {@code HttpServerResponse} keeps one close handler, the routing context any number, so the
 * request metrics and a watch both learn of the close. A request upgraded to a WebSocket ends
 * neither way (Vert.x hands its connection to the socket): whoever holds the socket calls
 * {@link #webSocketClosed} from its close handler. Stateless besides the context's data.
 */
public final class ResponseAbort {

  private static final String WEB_SOCKET_CLOSED = "response.webSocketClosed";

  private ResponseAbort() {
  }

  /**
   * Whether {@code req} asks to switch protocols (an HTTP/1 {@code Upgrade}: a WebSocket, SPDY/3.1): once
   * accepted, its response never ends; it ends when {@link #webSocketClosed} is called.
   */
  public static boolean upgrades(HttpServerRequest req) {
    return req.version() != HttpVersion.HTTP_2 && req.headers().contains(HttpHeaders.UPGRADE);
  }

  /** Runs {@code action} once if the response of {@code ctx} is closed or fails before it ended. */
  public static void onAbort(RoutingContext ctx, Runnable action) {
    ctx.addEndHandler(ar -> {
      if (ar.failed()) {
        action.run();
      }
    });
  }

  /** Runs {@code action} when {@link #webSocketClosed} is called for {@code ctx}, after the actions added before. */
  public static void onWebSocketClosed(RoutingContext ctx, Runnable action) {
    Runnable before = ctx.get(WEB_SOCKET_CLOSED);
    Runnable both = before == null ? action : () -> {
      before.run();
      action.run();
    };
    ctx.put(WEB_SOCKET_CLOSED, both);
  }

  /** The WebSocket {@code ctx}'s request was upgraded to has closed; idempotent. */
  public static void webSocketClosed(RoutingContext ctx) {
    Runnable action = ctx.remove(WEB_SOCKET_CLOSED);
    if (action != null) {
      action.run();
    }
  }
}
