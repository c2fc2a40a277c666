package io.dekube.core.informer;

import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The informers of one Vert.x instance: one per (bootstrap servers, resource), created on first
 * use and closed with the Vert.x instance. Every verticle of a process that asks for pods gets the
 * same pods informer, so a process reads each store topic once. Thread-safe.
 */
public final class SharedInformers {

  private static final Map<Vertx, SharedInformers> BY_VERTX = new ConcurrentHashMap<>();

  private final Vertx vertx;
  private final Map<String, Informer> informers = new ConcurrentHashMap<>();

  private SharedInformers(Vertx vertx) {
    this.vertx = vertx;
  }

  /** The registry of a Vert.x instance (forgotten when it closes). */
  public static SharedInformers of(Vertx vertx) {
    return BY_VERTX.computeIfAbsent(vertx, v -> {
      SharedInformers shared = new SharedInformers(v);
      ((VertxInternal) v).addCloseHook(completion -> {
        BY_VERTX.remove(v);
        completion.succeed();
      });
      return shared;
    });
  }

  /** The shared informer of a resource (not started: call {@link Informer#start()}). */
  public Informer informer(String bootstrapServers, ResourceType type) {
    String key = bootstrapServers + "|" + type.resourceName();
    return informers.computeIfAbsent(key, k -> new Informer(vertx, bootstrapServers, type, InformerOptions.defaults(),
        () -> informers.remove(k)));
  }

  /** The informers created so far. */
  public List<Informer> all() {
    return new ArrayList<>(informers.values());
  }

  /** Closes every informer of this registry. */
  public Future<Void> close() {
    return Future.all(all().stream().map(Informer::close).toList()).mapEmpty();
  }
}
