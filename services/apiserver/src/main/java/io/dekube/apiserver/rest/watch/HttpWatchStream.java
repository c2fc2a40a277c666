package io.dekube.apiserver.rest.watch;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;

/** A watch as a chunked {@code application/json} response, one event per line. */
final class HttpWatchStream implements WatchStream {

  private final HttpServerResponse res;

  HttpWatchStream(HttpServerResponse res) {
    this.res = res;
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
    res.reset();
  }

  @Override
  public void onClose(Runnable action) {
    res.closeHandler(v -> action.run());
    res.exceptionHandler(e -> action.run());
  }
}
