package io.dekube.controllermanager.common;

import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.util.function.Function;

/**
 * What every controller is built from: the store to write to, the caches to read, the resource
 * registry, the event recorder and the clock. Immutable.
 *
 * @param vertx    the Vert.x instance (timers)
 * @param store    writes
 * @param caches   the cache of each resource (a started informer in a cluster, the in-memory store in tests)
 * @param registry the resources the cluster knows
 * @param events   the event recorder
 * @param clock    the clock for timestamps and deadlines
 */
public record ControllerContext(Vertx vertx, StoreApi store, Function<ResourceType, ObjectCache> caches,
                                ResourceRegistry registry, EventRecorder events, Clock clock) {

  /** The type of a bus resource name ({@code pods}, {@code replicasets.apps}). */
  public ResourceType type(String resourceName) {
    return registry.byResourceName(resourceName)
        .orElseThrow(() -> new IllegalArgumentException("unknown resource " + resourceName));
  }

  /** The cache of a bus resource name. */
  public ObjectCache cache(String resourceName) {
    return caches.apply(type(resourceName));
  }

  /** A typed lister of a bus resource name. */
  public <T> Lister<T> lister(String resourceName, Class<T> model) {
    return new Lister<>(cache(resourceName), model);
  }
}
