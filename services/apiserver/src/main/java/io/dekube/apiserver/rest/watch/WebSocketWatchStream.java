package io.dekube.apiserver.rest.watch;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.ServerWebSocket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.Queue;
import java.util.function.Consumer;

/**
 * A watch over a WebSocket, as kube-apiserver serves one ({@code HandleWS}, with
 * golang.org/x/net/websocket): the upgrade is accepted when the watch starts, each event is one
 * text message (the JSON line), the client's messages are ignored, and the end of the watch (its
 * timeout) closes the socket normally. As there, a handshake without an {@code Origin} header is
 * refused with 403 "null origin". fabric8's client watches this way (falling back to HTTP only
 * when the upgrade fails with 200 or 503).
 */
final class WebSocketWatchStream implements WatchStream {

  private final HttpServerRequest request;
  private final Queue<Pending> queued = new ArrayDeque<>();
  private ServerWebSocket ws;
  private Runnable closeAction = () -> { };
  private boolean opened;
  private boolean closed;
  private boolean endRequested;

  private record Pending(Buffer event, Promise<Void> written) {
  }

  private final Consumer<Runnable> onAbort;
  private final Runnable socketClosed;

  /**
   * Pauses the request: the upgrade needs it unread until the watch starts (after the cache is ready).
   *
   * @param onAbort      registers an action for when the client goes before the response ended
   * @param socketClosed told when the stream closed (after its socket was accepted, the socket closed)
   */
  WebSocketWatchStream(HttpServerRequest request, Consumer<Runnable> onAbort, Runnable socketClosed) {
    this.request = request;
    this.onAbort = onAbort;
    this.socketClosed = socketClosed;
    request.pause();
  }

  /** kube's {@code wsstream.IsWebSocketRequest}: {@code Upgrade: websocket} and {@code Connection: upgrade}. */
  static boolean isWebSocketRequest(HttpServerRequest request) {
    if (request.version() == HttpVersion.HTTP_2 || !"websocket".equalsIgnoreCase(request.getHeader(HttpHeaders.UPGRADE))) {
      return false;
    }
    for (String connection : request.headers().getAll(HttpHeaders.CONNECTION)) {
      for (String token : connection.split(",")) {
        if (token.trim().toLowerCase(Locale.ROOT).equals("upgrade")) {
          return true;
        }
      }
    }
    return false;
  }

  @Override
  public boolean opened() {
    return opened;
  }

  @Override
  public void open() {
    if (opened || closed) {
      return;
    }
    opened = true;
    String origin = request.getHeader(HttpHeaders.ORIGIN);
    if (origin == null || origin.isEmpty()) {
      request.response().setStatusCode(403).end("null origin");
      close();
      return;
    }
    request.toWebSocket().onComplete(ar -> {
      if (ar.failed()) {
        failQueued(ar.cause());
        close();
        return;
      }
      ws = ar.result();
      ws.handler(ignored -> { });
      ws.closeHandler(v -> close());
      ws.exceptionHandler(e -> close());
      while (!queued.isEmpty()) {
        Pending p = queued.poll();
        send(p.event()).onComplete(p.written());
      }
      if (endRequested || closed) {
        ws.close();
      }
    });
  }

  @Override
  public Future<Void> write(Buffer event) {
    if (ws != null) {
      return send(event);
    }
    Promise<Void> written = Promise.promise();
    queued.add(new Pending(event, written));
    return written.future();
  }

  private Future<Void> send(Buffer event) {
    return ws.writeTextMessage(event.toString(StandardCharsets.UTF_8));
  }

  @Override
  public boolean closed() {
    return closed || endRequested || ws != null && ws.isClosed();
  }

  @Override
  public void end() {
    endRequested = true;
    if (ws != null && !ws.isClosed()) {
      ws.close();
    } else if (!opened) {
      closed = true;
      request.response().end();
    }
  }

  @Override
  public void reset() {
    closed = true;
    if (ws != null) {
      ws.close();
    } else {
      request.connection().close();
    }
  }

  @Override
  public boolean writeQueueFull() {
    return ws != null && ws.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable action) {
    if (ws != null) {
      ws.drainHandler(v -> action.run());
    }
  }

  @Override
  public void onClose(Runnable action) {
    closeAction = action;
    onAbort.accept(this::close);
  }

  private void close() {
    closed = true;
    Runnable action = closeAction;
    closeAction = () -> { };
    action.run();
    socketClosed.run();
  }

  private void failQueued(Throwable cause) {
    while (!queued.isEmpty()) {
      queued.poll().written().tryFail(cause);
    }
  }
}
