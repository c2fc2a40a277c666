package io.dekube.apiserver.flowcontrol;

import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.ext.web.Router;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.function.Function;

/**
 * API Priority and Fairness in one apiserver process, wired once for all its apiserver verticle
 * instances: the {@link FlowController} (one 600-seat budget for the process, as kube's is per
 * kube-apiserver), the config controller that follows the FlowSchemas and PriorityLevelConfigurations
 * ({@link FlowControlConfigController}), the filter each instance mounts and the debug dumps.
 */
public final class FlowControl {

  private static final Map<ResourceRegistry, Future<FlowControl>> STARTED = new WeakHashMap<>();

  private final FlowController controller;

  private FlowControl(FlowController controller) {
    this.controller = controller;
  }

  /** Starts the process's APF on first call (later calls get the same); completes once configured. */
  public static Future<FlowControl> startOnce(Vertx vertx, ResourceRegistry registry, StoreApi store,
                                              Function<ResourceType, Informer> informers) {
    synchronized (STARTED) {
      return STARTED.computeIfAbsent(registry, r -> start(vertx, r, store, informers));
    }
  }

  private static Future<FlowControl> start(Vertx vertx, ResourceRegistry registry, StoreApi store,
                                           Function<ResourceType, Informer> informers) {
    ResourceType schemas = registry.byGroupPlural(FlowControlBootstrap.GROUP, "flowschemas").orElseThrow();
    ResourceType levels = registry.byGroupPlural(FlowControlBootstrap.GROUP, "prioritylevelconfigurations")
        .orElseThrow();
    Informer fs = informers.apply(schemas);
    Informer pl = informers.apply(levels);
    // the bootstrap objects are read from the class path at their first use: off the event loop
    return vertx.executeBlocking(FlowControlBootstrap::objects, false).compose(bootstrap -> {
      FlowController controller = new FlowController(System::nanoTime, FlowControlMetrics.shared(),
          FlowControlConfig.SERVER_CONCURRENCY_LIMIT);
      return Future.all(fs.start(), pl.start()).map(v -> controller);
    }).map(controller -> {
      FlowControlConfigController config = new FlowControlConfigController(vertx, store, schemas, levels, fs, pl,
          controller);
      InformerHandler changed = InformerHandler.keys(key -> config.changed());
      fs.addHandler(changed);
      pl.addHandler(changed);
      config.sync();
      return new FlowControl(controller);
    });
  }

  /** The filter: mount after impersonation, before authorization, as kube's handler chain runs it. */
  public PriorityAndFairnessFilter filter() {
    return new PriorityAndFairnessFilter(controller, System::nanoTime);
  }

  /** Adds {@code /debug/api_priority_and_fairness/*} (after the authorization filter). */
  public void mountDebug(Router router) {
    DebugDumps.mount(router, controller::dump);
  }
}
