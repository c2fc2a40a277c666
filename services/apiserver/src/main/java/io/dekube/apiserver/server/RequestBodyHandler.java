package io.dekube.apiserver.server;

import io.dekube.apiserver.rest.watch.WatchStream;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Vert.x Web's {@link BodyHandler} (buffering request bodies up to a limit) for every request but
 * WebSocket upgrades: the JDK client sends its handshake with {@code Content-Length: 0}, and a
 * request whose (empty) body was read can no longer be upgraded, so a watch over a WebSocket
 * must reach its handler unread. Stateless.
 */
public final class RequestBodyHandler implements Handler<RoutingContext> {

  private final BodyHandler bodies;

  public RequestBodyHandler(long limitBytes) {
    this.bodies = BodyHandler.create(false).setBodyLimit(limitBytes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (WatchStream.isWebSocketUpgrade(ctx.request())) {
      ctx.next();
    } else {
      bodies.handle(ctx);
    }
  }
}
