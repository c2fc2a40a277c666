package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;

/**
 * When a read may be served from the watch cache, following kube-apiserver 1.32's consistent
 * reads: no resourceVersion waits until the cache holds everything the store held at the time
 * of the request; {@code 0} serves the cache as it is (once it has replayed the store); {@code N} waits (at most 3 seconds, then
 * 504 {@code Too large resource version}) until the cache is at least at N. Thread-safe.
 */
final class ReadPoint {

  /** How long a read waits for a resource version the cache has not reached. */
  static final long TOO_LARGE_WAIT_MS = 3000;

  private final Vertx vertx;

  ReadPoint(Vertx vertx) {
    this.vertx = vertx;
  }

  /** Completes when {@code cache} may answer a read at {@code resourceVersion} (the query value). */
  Future<Void> ready(ObjectCache cache, String resourceVersion) {
    if (resourceVersion == null || resourceVersion.isEmpty()) {
      return cache.waitForCurrent();
    }
    long rv = ListOptions.parseResourceVersion(resourceVersion);
    return rv == 0 ? cache.start() : atLeast(cache, rv);
  }

  /** Completes once the cache reached {@code rv}, or fails with 504 after {@link #TOO_LARGE_WAIT_MS}. */
  Future<Void> atLeast(ObjectCache cache, long rv) {
    return cache.start().compose(v -> reached(cache, rv));
  }

  private Future<Void> reached(ObjectCache cache, long rv) {
    if (cache.resourceVersion() >= rv) {
      return Future.succeededFuture();
    }
    Promise<Void> p = Promise.promise();
    long timer = vertx.setTimer(TOO_LARGE_WAIT_MS, t -> p.tryFail(tooLarge(rv, cache.resourceVersion())));
    cache.waitFor(rv).onComplete(ar -> {
      vertx.cancelTimer(timer);
      if (ar.succeeded()) {
        p.tryComplete();
      } else {
        p.tryFail(ar.cause());
      }
    });
    return p.future();
  }

  /** kube's 504 for a resource version the cache has not reached in time. */
  static StatusException tooLarge(long rv, long current) {
    ObjectNode details = Json.object();
    details.putArray("causes").addObject().put("reason", "ResourceVersionTooLarge")
        .put("message", "Too large resource version");
    details.put("retryAfterSeconds", 1);
    return new StatusException(504, "Timeout", "Too large resource version: " + rv + ", current: "
        + Math.max(current, 0), details);
  }
}
