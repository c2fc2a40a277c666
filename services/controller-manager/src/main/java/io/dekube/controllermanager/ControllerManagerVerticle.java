package io.dekube.controllermanager;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.controllermanager.plugins.PluginControllers;
import io.dekube.controllermanager.plugins.PluginJar;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.crd.CustomKindSync;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.leader.LeaderElector;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager as one verticle: campaigns for the {@code kube-system/kube-controller-manager}
 * Lease and runs every controller of {@link Controllers}, and those of the plugin jars, only while it holds
 * it. At start it follows the established CRDs (so custom kinds resolve) and prepares the plugins (their
 * CRDs applied, their controllers built once; a failure fails the start, naming the jar) before it
 * campaigns. Wiring only: the controllers live in their own packages. Everything runs on this verticle's
 * context.
 */
public final class ControllerManagerVerticle extends VerticleBase {

  /** The leader Lease's name, as kube's. */
  public static final String LEASE = "kube-controller-manager";

  private static final Logger LOG = LoggerFactory.getLogger(ControllerManagerVerticle.class);

  private final ControllerManagerConfig config;
  private final ResourceRegistry registry;
  private final StoreApi store;
  private final Function<ResourceType, Informer> informers;
  private final List<ControllerLoop> loops = new ArrayList<>();
  private PluginControllers plugins = new PluginControllers(List.of());
  private HandlerRegistration crdFollow;
  private int term;
  private LeaderElector elector;
  private io.dekube.controllermanager.serviceaccount.TokenCredentials tokens;
  private io.dekube.controllermanager.podautoscaler.ApiCredentials api;
  private volatile boolean leading;
  private Function<UserInfo, StoreApi> stores;

  /**
   * @param informers the shared informer of each resource (started here when needed)
   */
  public ControllerManagerVerticle(ControllerManagerConfig config, ResourceRegistry registry, StoreApi store,
                                   Function<ResourceType, Informer> informers) {
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.informers = informers;
    this.stores = user -> store;
  }

  /**
   * Writes of each controller through {@code stores.apply(its user)} ({@link ControllerUsers}: its
   * service account), e.g. with the admission webhooks in front; without it every controller writes
   * through the store given. Call before deploying.
   */
  public ControllerManagerVerticle withStores(Function<UserInfo, StoreApi> stores) {
    this.stores = stores;
    return this;
  }

  /**
   * Runs the token controllers (legacy token Secrets, {@code kube-root-ca.crt}) with these
   * credentials; without them only the {@code default} ServiceAccounts are made. Call before deploying.
   */
  public ControllerManagerVerticle withTokenCredentials(io.dekube.controllermanager.serviceaccount.TokenCredentials c) {
    this.tokens = c;
    return this;
  }

  /** The apiserver client credentials of the HPA controller's metrics.k8s.io reads. */
  public ControllerManagerVerticle withApiCredentials(io.dekube.controllermanager.podautoscaler.ApiCredentials c) {
    this.api = c;
    return this;
  }

  /** Runs the CRDs and controllers of these plugin jars too ({@code PluginJars.load}). Call before deploying. */
  public ControllerManagerVerticle withPlugins(List<PluginJar> jars) {
    this.plugins = new PluginControllers(jars);
    return this;
  }

  /** Whether this instance holds the Lease and runs the controllers. */
  public boolean leading() {
    return leading;
  }

  @Override
  public Future<?> start() {
    Informer crds = informers.apply(registry.byResourceName(CrdParser.CRDS).orElseThrow());
    crdFollow = CustomKindSync.follow(crds, registry);
    if (plugins.isEmpty()) { // custom kinds still resolve (owners of garbage), once the informer has replayed
      crds.start().onFailure(e -> LOG.warn("controller-manager: CRD informer: {}", e.toString()));
      campaign();
      return Future.succeededFuture();
    }
    PluginControllers.Env env = new PluginControllers.Env(vertx, store, name -> stores.apply(ControllerUsers.of(name)),
        registry, informers::apply, t -> informers.apply(t).start(), config.identity(), Clock.systemUTC(),
        config.resync(), config.workers());
    return crds.start().compose(v -> plugins.prepare(env)).onSuccess(v -> campaign());
  }

  private void campaign() {
    LeaderElector.Config lc = new LeaderElector.Config("kube-system", LEASE, config.identity(),
        config.leaseDuration(), config.renewDeadline(), config.retryPeriod());
    elector = new LeaderElector(vertx, store, lc, new LeaderElector.Callbacks() {
      @Override
      public void onStartedLeading() {
        startControllers();
      }

      @Override
      public void onStoppedLeading() {
        stopControllers();
      }
    });
    elector.start();
  }

  @Override
  public Future<?> stop() {
    if (crdFollow != null) {
      crdFollow.remove();
    }
    return elector == null ? Future.succeededFuture() : elector.stop().compose(v -> stopControllers());
  }

  private void startControllers() {
    leading = true;
    int started = ++term;
    List<Controllers.Spec> specs = Controllers.all(config, tokens, api, served(plugins.owners()),
        served(plugins.dependents()));
    List<Future<Void>> synced = new ArrayList<>();
    for (Controllers.Spec s : specs) {
      for (String r : s.reads()) {
        synced.add(informers.apply(registry.byResourceName(r).orElseThrow()).start());
      }
    }
    Future.all(synced).onComplete(ar -> {
      if (!leading || term != started) {
        return;
      }
      if (ar.failed()) {
        LOG.warn("controller-manager: informers did not sync: {}", ar.cause().toString());
      }
      for (Controllers.Spec s : specs) {
        ControllerLoop loop = s.factory().apply(context(s.name()));
        loops.add(loop);
        loop.start();
      }
      LOG.info("controller-manager {}: started {} controllers", config.identity(), loops.size());
      plugins.start().onSuccess(pluginLoops -> {
        if (leading && term == started) {
          loops.addAll(pluginLoops);
        } else {
          pluginLoops.forEach(ControllerLoop::stop);
        }
      });
    });
  }

  /** What the controller named {@code controller} is built from: its own user's store and event recorder. */
  private ControllerContext context(String controller) {
    StoreApi own = stores.apply(ControllerUsers.of(controller));
    return new ControllerContext(vertx, own, informers::apply, registry,
        new EventRecorder(own, registry.byResourceName("events").orElseThrow(), Clock.systemUTC(), config.identity()),
        Clock.systemUTC());
  }

  /** The resources of {@code names} the cluster serves now (a plugin's CRD may have been deleted since). */
  private List<String> served(List<String> names) {
    return names.stream().filter(n -> registry.byResourceName(n).isPresent()).toList();
  }

  private Future<Void> stopControllers() {
    leading = false;
    term++;
    List<Future<Void>> stops = loops.stream().map(ControllerLoop::stop).toList();
    loops.clear();
    return Future.all(stops).mapEmpty();
  }
}
