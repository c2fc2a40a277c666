package io.dekube.apiserver.rest.watch;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.function.Consumer;

/** A watch as a chunked {@code application/json} response, one event per line. */
final class HttpWatchStream implements WatchStream {

  private final HttpServerResponse res;

  private final HttpServerRequest request;

  private final Consumer<Runnable> onAbort;

  /** @param onAbort registers an action for when the client goes before the response ended */
  HttpWatchStream(HttpServerRequest request, Consumer<Runnable> onAbort) {
    this.request = request;
    this.res = request.response();
    this.onAbort = onAbort;
  }

  @Override
  public boolean opened() {
    return res.headWritten();
  }

  @Override
  public void open() {
    if (res.headWritten() || res.closed()) {
      return;
    }
    res.setChunked(true).setStatusCode(200).putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-cache, private");
    res.writeHead();
  }

  @Override
  public Future<Void> write(Buffer event) {
    return res.write(event);
  }

  @Override
  public boolean closed() {
    return res.closed() || res.ended();
  }

  @Override
  public void end() {
    if (!res.closed() && !res.ended()) {
      res.end();
    }
  }

  @Override
  public void reset() {
    // HTTP/2 can reset the one stream; HTTP/1.1 can only close the connection
    if (request.version() == HttpVersion.HTTP_2) {
      res.reset();
    } else {
      request.connection().close();
    }
  }

  @Override
  public boolean writeQueueFull() {
    return res.writeQueueFull();
  }

  @Override
  public void drainHandler(Runnable action) {
    res.drainHandler(v -> action.run());
  }

  @Override
  public void onClose(Runnable action) {
    onAbort.accept(action);
  }
}
