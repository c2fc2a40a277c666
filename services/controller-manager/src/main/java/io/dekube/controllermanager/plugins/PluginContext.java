package io.dekube.controllermanager.plugins;

import io.dekube.controller.api.ControllerContext;
import io.dekube.controller.api.EventRecorder;
import io.dekube.controller.api.Loop;
import io.dekube.controller.api.Reconciler;
import io.dekube.controller.api.Resource;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * The {@link ControllerContext} of one plugin controller, built for each {@code create}: resolves
 * resources in the registry (the plugin's own kinds are served by then), and remembers which ones the
 * controller asked for (their informers are started before its loop) and the loop it built. Thread-safe
 * for the controller; the controller-manager reads what it recorded after {@code create}.
 */
final class PluginContext implements ControllerContext {

  private final Vertx vertx;
  private final String name;
  private final StoreApi store;
  private final ResourceRegistry registry;
  private final Function<ResourceType, ObjectCache> caches;
  private final EventRecorder events;
  private final Clock clock;
  private final Duration resync;
  private final int workers;
  private final Set<ResourceType> reads = new LinkedHashSet<>();
  private final List<PluginLoop> loops = new ArrayList<>();

  /**
   * @param resync  the controller-manager's resync period
   * @param workers the syncs at once of the controller's loop
   */
  PluginContext(Vertx vertx, String name, StoreApi store, ResourceRegistry registry,
                Function<ResourceType, ObjectCache> caches, io.dekube.core.event.EventRecorder events, Clock clock,
                Duration resync, int workers) {
    this.vertx = vertx;
    this.name = name;
    this.store = store;
    this.registry = registry;
    this.caches = caches;
    this.events = new PluginEvents(events, name);
    this.clock = clock;
    this.resync = resync;
    this.workers = workers;
  }

  @Override
  public <T> Resource<T> resource(String resourceName, Class<T> model) {
    ResourceType type = registry.byResourceName(resourceName)
        .orElseThrow(() -> new IllegalArgumentException("the cluster does not serve " + resourceName));
    synchronized (reads) {
      reads.add(type);
    }
    return new PluginResource<>(type, model, caches.apply(type), store, name);
  }

  @Override
  public Loop loop(Resource<?> primary, Reconciler reconciler) {
    if (!(primary instanceof PluginResource<?> r)) {
      throw new IllegalArgumentException("not a resource of this context: " + primary);
    }
    PluginLoop loop = new PluginLoop(vertx, name, r, reconciler, resync, workers);
    synchronized (loops) {
      loops.add(loop);
    }
    return loop;
  }

  @Override
  public EventRecorder events() {
    return events;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /** The resources the controller asked for. */
  List<ResourceType> reads() {
    synchronized (reads) {
      return List.copyOf(reads);
    }
  }

  /** The loop {@code create} returned, when this context built it. */
  PluginLoop built(Loop returned) {
    synchronized (loops) {
      for (PluginLoop l : loops) {
        if (l == returned) {
          return l;
        }
      }
    }
    throw new IllegalStateException("create did not return the loop of ControllerContext.loop");
  }
}
