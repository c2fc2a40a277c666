package io.dekube.apiserver.rest;

import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.RoutingContext;

/**
 * Reads request bodies up to kube-apiserver's 3 MiB limit; a larger body fails with 413
 * RequestEntityTooLarge ({@code Request entity too large: limit is 3145728}). Uses the body a
 * {@code BodyHandler} already read when there is one. Called on the request's event loop.
 */
final class Bodies {

  /** kube-apiserver's request body limit. */
  static final int LIMIT = 3 * 1024 * 1024;

  private Bodies() {
  }

  static StatusException tooLarge() {
    return StatusException.tooLarge("Request entity too large: limit is " + LIMIT);
  }

  /** The whole body (empty when there is none). */
  static Future<byte[]> read(RoutingContext ctx) {
    if (ctx.body() != null && ctx.body().available()) {
      Buffer b = ctx.body().buffer();
      if (b != null && b.length() > LIMIT) {
        return Future.failedFuture(tooLarge());
      }
      return Future.succeededFuture(b == null ? new byte[0] : b.getBytes());
    }
    HttpServerRequest req = ctx.request();
    String length = req.getHeader("Content-Length");
    if (length != null && length.matches("\\d+") && Long.parseLong(length) > LIMIT) {
      return Future.failedFuture(tooLarge());
    }
    if (req.isEnded()) {
      return Future.succeededFuture(new byte[0]);
    }
    Promise<byte[]> p = Promise.promise();
    Buffer buf = Buffer.buffer();
    req.handler(chunk -> {
      if (buf.length() + chunk.length() > LIMIT) {
        req.handler(null);
        p.tryFail(tooLarge());
      } else {
        buf.appendBuffer(chunk);
      }
    });
    req.exceptionHandler(p::tryFail);
    req.endHandler(v -> p.tryComplete(buf.getBytes()));
    req.resume();
    return p.future();
  }
}
