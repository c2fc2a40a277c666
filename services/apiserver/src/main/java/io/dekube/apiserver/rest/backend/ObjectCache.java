package io.dekube.apiserver.rest.backend;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.EventWindow;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.InformerEvent;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import java.util.List;
import java.util.function.Predicate;

/**
 * The apiserver's watch cache of one resource: the {@code Informer} surface reads and watches
 * are served from, as an interface so handlers can be tested without Kafka. Reads may come from
 * any thread; futures and watch events complete on the caller's context.
 */
public interface ObjectCache {

  /**
   * Objects and the resource version they are current at, read together.
   *
   * @param resourceVersion the last resource version reflected (-1 before any)
   * @param items           the objects
   */
  record Snapshot(long resourceVersion, List<ObjectNode> items) {
  }

  /** Starts the cache if needed; completes once it has replayed the store (idempotent). */
  Future<Void> start();

  /** Completes once the cache reflects everything the store held when called (a consistent read). */
  Future<Void> waitForCurrent();

  /** Completes once the cache reflects resource version {@code rv}. */
  Future<Void> waitFor(long rv);

  /** The last resource version reflected (-1 before any). */
  long resourceVersion();

  /** The cached object, or null ({@code namespace} "" for cluster-scoped). */
  ObjectNode get(String namespace, String name);

  /**
   * Why the object's latest store record could not be read (encryption at rest: no configured provider matched),
   * as kube's GET error says it after {@code Internal error occurred: }; null almost always.
   */
  default String unreadable(String namespace, String name) {
    return null;
  }

  /** kube's LIST error for the first unreadable object of a namespace ("" = every namespace), or null. */
  default String unreadableIn(String namespace) {
    return null;
  }

  /** The objects a filter accepts and the resource version they are current at. */
  Snapshot snapshot(Predicate<ObjectNode> filter);

  /** The window of recent events. */
  EventWindow window();

  /**
   * Every event after {@code afterRv} (recent ones from the window, then live ones) on the caller's
   * context; fails with 410 Expired when {@code afterRv} is older than the window.
   */
  Future<HandlerRegistration> watch(long afterRv, Handler<InformerEvent> handler);

  /**
   * A watch as {@link #watch(long, Handler)} that may be ended by the cache: {@code onEnd} gets a 410
   * Expired error when the cache lost the history the watch follows (it re-listed its store topic).
   */
  default Future<HandlerRegistration> watch(long afterRv, Handler<InformerEvent> handler,
                                            Handler<io.dekube.core.model.StatusException> onEnd) {
    return watch(afterRv, handler);
  }
}
