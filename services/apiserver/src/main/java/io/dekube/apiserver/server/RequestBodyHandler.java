package io.dekube.apiserver.server;

import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * Vert.x Web's {@link BodyHandler} (buffering request bodies up to a limit) for every request but
 * protocol upgrades: the JDK client sends its WebSocket handshake with {@code Content-Length: 0}, and a
 * request whose (empty) body was read can no longer be upgraded, so a watch over a WebSocket
 * must reach its handler unread; a POST upgraded to SPDY/3.1 (client-go's exec) never ends its body.
 * Stateless.
 */
public final class RequestBodyHandler implements Handler<RoutingContext> {

  private final BodyHandler bodies;

  public RequestBodyHandler(long limitBytes) {
    this.bodies = BodyHandler.create(false).setBodyLimit(limitBytes);
  }

  @Override
  public void handle(RoutingContext ctx) {
    if (ResponseAbort.upgrades(ctx.request())) {
      ctx.next();
    } else {
      bodies.handle(ctx);
    }
  }
}
