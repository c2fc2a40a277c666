package io.dekube.controller.api;

import java.util.concurrent.CompletionStage;

/**
 * A controller's one method, as kube's {@code syncHandler}: bring the object named by the key, and what
 * it owns, to the state it asks for. Re-read the caches (an object not found was deleted: its owned
 * objects go through the garbage collector), act through the store, then write status. Must be
 * idempotent: it runs on every change, on resync and after a failure.
 *
 * <p>Called by the {@link Loop} on the controller-manager's event loop, never twice at once for the
 * same key. A failed stage, or an exception thrown, retries the key with per-key exponential back-off
 * (5 ms doubling, at most 1000 s; a success resets it) and is logged; it never stops the process.
 */
@FunctionalInterface
public interface Reconciler {

  /** Reconciles one object; the stage completes when the sync is done. */
  CompletionStage<Void> sync(Key key);
}
