package io.dekube.core.controller;

import io.dekube.core.model.ObjectKey;
import io.vertx.core.Future;

/**
 * A controller's one method, as kube's {@code syncHandler}: bring the object named by the key (and
 * what it owns) to its desired state. It re-reads the caches (an object not found was deleted),
 * acts through the store, then writes status. Must be idempotent: it runs again on every change,
 * on resync and after a failure. Called by a {@link ControllerLoop} on its Vert.x context, never
 * twice at once for the same key. A failed future retries the key with back-off.
 */
@FunctionalInterface
public interface Reconciler {

  /** Reconciles one object. */
  Future<Void> sync(ObjectKey key);
}
