package io.dekube.apiserver.rest.watch;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.dekube.apiserver.server.ResponseAbort;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;
import java.util.function.Consumer;

/**
 * Where a watch's events go: a chunked HTTP response ({@link HttpWatchStream}) or, when the
 * client asked for a WebSocket upgrade as fabric8 does, one text message per event
 * ({@link WebSocketWatchStream}), as kube-apiserver serves both. Confined to the request's event loop.
 */
public interface WatchStream {

  /**
   * The stream for a watch request: a WebSocket when the request is an upgrade to one. The client's
   * going is learnt from the routing context, which shares it with the request metrics.
   */
  static WatchStream of(RoutingContext ctx) {
    Consumer<Runnable> onAbort = action -> ResponseAbort.onAbort(ctx, action);
    HttpServerRequest request = ctx.request();
    return isWebSocketUpgrade(request) ? new WebSocketWatchStream(request, onAbort,
        () -> ResponseAbort.webSocketClosed(ctx)) : new HttpWatchStream(request, onAbort);
  }

  /** The stream for a watch request outside a router: the client's going is the response's close handler. */
  static WatchStream of(HttpServerRequest request) {
    Consumer<Runnable> onAbort = action -> {
      request.response().closeHandler(v -> action.run());
      request.response().exceptionHandler(e -> action.run());
    };
    return isWebSocketUpgrade(request) ? new WebSocketWatchStream(request, onAbort, () -> { })
        : new HttpWatchStream(request, onAbort);
  }

  /**
   * kube's {@code wsstream.IsWebSocketRequest}: {@code Upgrade: websocket} and an {@code upgrade}
   * token in {@code Connection} (HTTP/1.1 only). Such a request must reach the watch unread.
   */
  static boolean isWebSocketUpgrade(HttpServerRequest request) {
    return WebSocketWatchStream.isWebSocketRequest(request);
  }

  /** Whether {@link #open} was called: from then on, errors go into the stream as ERROR events. */
  boolean opened();

  /** Starts the stream (writes the 200 head, or accepts the WebSocket upgrade); idempotent. */
  void open();

  /** Writes one encoded event (a JSON line); completes when written to the connection. */
  Future<Void> write(Buffer event);

  /** Whether the client is gone or the stream was ended. */
  boolean closed();

  /** Ends the stream normally. */
  void end();

  /** Drops the connection (a client too slow to read). */
  void reset();

  /** Whether the transport's write queue is over its high-water mark (the client reads slowly). */
  boolean writeQueueFull();

  /** Runs {@code action} once the write queue has drained below its low-water mark. */
  void drainHandler(Runnable action);

  /** Called once when the client goes away or the connection fails. */
  void onClose(Runnable action);
}
