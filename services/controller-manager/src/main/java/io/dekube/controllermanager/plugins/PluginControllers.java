package io.dekube.controllermanager.plugins;

import io.dekube.controller.api.ControllerFactory;
import io.dekube.controller.api.Loop;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The controllers of the plugin jars in one controller-manager. At start ({@link #prepare}) it applies each
 * jar's CRDs by server-side apply (field manager {@code plugin:<jar file>}, forced), waits until the cluster
 * serves their kinds, and builds each controller once: a failure there is a {@link PluginException} naming
 * the jar, which stops the controller-manager. While the controller-manager leads ({@link #start}) the
 * loops run: the ones built at start the first time, fresh ones later (a controller that fails to build
 * then is logged and left out). Runs on the controller-manager verticle's context.
 */
public final class PluginControllers {

  private static final Logger LOG = LoggerFactory.getLogger(PluginControllers.class);

  /** How long the start waits for the apiserver to establish a jar's CRDs. */
  static final Duration ESTABLISH_TIMEOUT = Duration.ofSeconds(40);

  /**
   * What plugin controllers are built from.
   *
   * @param store    the controller-manager's own writes (the CRDs)
   * @param storeOf  the writes of the controller of a name (its user's)
   * @param caches   the cache of a resource (its informer)
   * @param sync     syncs a resource's cache (starts its informer)
   * @param identity the controller-manager's identity (the Events' reporting instance)
   * @param resync   how often every primary object is synced again
   * @param workers  syncs at once per controller
   */
  public record Env(Vertx vertx, StoreApi store, Function<String, StoreApi> storeOf, ResourceRegistry registry,
                    Function<ResourceType, ObjectCache> caches, Function<ResourceType, Future<Void>> sync,
                    String identity, Clock clock, Duration resync, int workers) {
  }

  /** One built controller: its loop and the resources whose informers it needs. */
  private record Built(PluginJar jar, ControllerFactory factory, PluginLoop loop, List<ResourceType> reads) {
  }

  private final List<PluginJar> jars;
  private final Map<ControllerFactory, Built> prepared = new HashMap<>();
  private final List<String> owners = new ArrayList<>();
  private final List<String> dependents = new ArrayList<>();
  private Env env;

  public PluginControllers(List<PluginJar> jars) {
    this.jars = List.copyOf(jars);
  }

  /** Whether there is anything to run. */
  public boolean isEmpty() {
    return jars.isEmpty();
  }

  /** Applies the CRDs, waits for their kinds, builds every controller once; fails naming the jar. */
  public Future<Void> prepare(Env e) {
    this.env = e;
    Future<Void> chain = Future.succeededFuture();
    for (PluginJar jar : jars) {
      chain = chain.compose(v -> applyCrds(jar)).compose(v -> served(jar));
    }
    return chain.compose(v -> {
      for (PluginJar jar : jars) {
        for (ControllerFactory f : jar.factories()) {
          Built b;
          try {
            b = build(jar, f);
          } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError ex) {
            return Future.failedFuture(new PluginException(jar + ": controller \"" + f.name()
                + "\" failed to start: " + ex, ex));
          }
          prepared.put(f, b);
          addOnce(owners, b.loop().primary().resourceName());
          b.loop().owned().forEach(r -> addOnce(dependents, r));
        }
      }
      return Future.succeededFuture();
    });
  }

  /** The primary resources of the controllers: their objects own others (for the garbage collector). */
  public List<String> owners() {
    return List.copyOf(owners);
  }

  /** The resources the controllers own objects of ({@code watchOwned}; for the garbage collector). */
  public List<String> dependents() {
    return List.copyOf(dependents);
  }

  /** Starts every controller once its informers synced; answers the started loops (to stop them). */
  public Future<List<ControllerLoop>> start() {
    List<Future<ControllerLoop>> started = new ArrayList<>();
    for (PluginJar jar : jars) {
      for (ControllerFactory f : jar.factories()) {
        Built b = prepared.remove(f);
        if (b == null) {
          try {
            b = build(jar, f);
          } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError ex) {
            LOG.error("plugin {}: controller {} failed to start, left out: {}", jar, f.name(), ex.toString(), ex);
            continue;
          }
        }
        started.add(start(b));
      }
    }
    return Future.all(started).map(all -> all.<ControllerLoop>list());
  }

  private Future<ControllerLoop> start(Built b) {
    List<Future<Void>> synced = b.reads().stream().map(t -> env.sync().apply(t)).toList();
    return Future.all(synced).transform(ar -> {
      if (ar.failed()) {
        LOG.warn("plugin {}: controller {}: informers did not sync: {}", b.jar(), b.factory().name(),
            ar.cause().toString());
      }
      ControllerLoop loop = b.loop().loop();
      loop.start();
      LOG.info("plugin {}: started controller {} of {}", b.jar().jar().getFileName(), b.factory().name(),
          b.loop().primary().resourceName());
      return Future.succeededFuture(loop);
    });
  }

  private Built build(PluginJar jar, ControllerFactory f) {
    StoreApi own = env.storeOf().apply(f.name());
    io.dekube.core.event.EventRecorder events = new io.dekube.core.event.EventRecorder(own,
        env.registry().byResourceName("events").orElseThrow(), env.clock(), env.identity());
    PluginContext ctx = new PluginContext(env.vertx(), f.name(), own, env.registry(), env.caches(), events,
        env.clock(), env.resync(), env.workers());
    Loop returned = f.create(ctx);
    if (returned == null) {
      throw new IllegalStateException("create returned no loop");
    }
    return new Built(jar, f, ctx.built(returned), ctx.reads());
  }

  private Future<Void> applyCrds(PluginJar jar) {
    ResourceType crds = env.registry().byResourceName(CrdParser.CRDS).orElseThrow();
    WriteOptions o = WriteOptions.none().withFieldManager(jar.fieldManager()).withForce(true);
    Future<Void> chain = Future.succeededFuture();
    for (PluginJar.Crd crd : jar.crds()) {
      String name = crd.object().path("metadata").path("name").asText();
      chain = chain.compose(v -> env.store().patch(crds, "", name, Patches.APPLY, crd.object().deepCopy(), o)
          .<Void>mapEmpty()
          .recover(e -> Future.failedFuture(new PluginException(jar + ": " + crd.file() + ": CRD " + name
              + " cannot be applied: " + e.getMessage(), e)))
          .onSuccess(x -> LOG.info("plugin {}: applied CRD {}", jar.jar().getFileName(), name)));
    }
    return chain;
  }

  /** Completes once the registry serves every CRD of the jar (the apiserver established them). */
  private Future<Void> served(PluginJar jar) {
    List<String> names = jar.crds().stream().map(c -> CrdParser.resourceName(c.object())).toList();
    Promise<Void> p = Promise.promise();
    long deadline = System.nanoTime() + ESTABLISH_TIMEOUT.toNanos();
    checkServed(jar, names, deadline, p);
    return p.future();
  }

  private void checkServed(PluginJar jar, List<String> names, long deadline, Promise<Void> p) {
    List<String> missing = names.stream().filter(n -> env.registry().custom(n).isEmpty()).toList();
    if (missing.isEmpty()) {
      p.complete();
    } else if (System.nanoTime() - deadline > 0) {
      p.fail(new PluginException(jar + ": CRD " + String.join(", ", missing) + " not established after "
          + ESTABLISH_TIMEOUT.toSeconds() + " s (the apiserver establishes CRDs: is one running?)"));
    } else {
      env.vertx().setTimer(100, t -> checkServed(jar, names, deadline, p));
    }
  }

  private static void addOnce(List<String> list, String s) {
    if (!list.contains(s)) {
      list.add(s);
    }
  }
}
