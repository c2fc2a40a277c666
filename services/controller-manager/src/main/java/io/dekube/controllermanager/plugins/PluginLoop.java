package io.dekube.controllermanager.plugins;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controller.api.Key;
import io.dekube.controller.api.Loop;
import io.dekube.controller.api.Reconciler;
import io.dekube.controller.api.Resource;
import io.dekube.controller.api.ResourceHandler;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A plugin controller's {@link Loop}: core's {@link ControllerLoop} (the built-in controllers' work queue,
 * back-off and resync) over typed objects. What the plugin's code does — its sync, key functions, handlers
 * and periodic tasks — is guarded: a throw is logged, and a throwing or failing sync is retried with the
 * key's back-off, never thrown onto the event loop. Build in {@code create}; the controller-manager starts
 * and stops the {@link #loop()}.
 */
final class PluginLoop implements Loop {

  private static final Logger LOG = LoggerFactory.getLogger(PluginLoop.class);

  private final Vertx vertx;
  private final String name;
  private final ResourceType primary;
  private final ControllerLoop loop;
  private final List<String> owned = new ArrayList<>();

  PluginLoop(Vertx vertx, String name, PluginResource<?> primary, Reconciler reconciler, Duration resync, int workers) {
    this.vertx = vertx;
    this.name = name;
    this.primary = primary.type();
    this.loop = new ControllerLoop(vertx, name, key -> sync(reconciler, key), primary.cache(), resync, workers);
  }

  /** The core loop the controller-manager starts and stops. */
  ControllerLoop loop() {
    return loop;
  }

  /** The primary resource. */
  ResourceType primary() {
    return primary;
  }

  /** The resources of {@link #watchOwned}: the garbage collector follows their owner references. */
  List<String> owned() {
    return List.copyOf(owned);
  }

  private Future<Void> sync(Reconciler reconciler, ObjectKey key) {
    try {
      var stage = reconciler.sync(new Key(key.namespace(), key.name()));
      if (stage == null) {
        return Future.failedFuture(new IllegalStateException("sync of " + key + " returned no stage"));
      }
      return Stages.fromStage(stage, vertx.getOrCreateContext());
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      LOG.warn("{}: sync {} threw", name, key, e);
      return Future.failedFuture(e);
    }
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public <T> Loop watch(Resource<T> resource, Function<? super T, ? extends Collection<Key>> keys) {
    PluginResource<T> r = own(resource);
    loop.watch(r.cache(), tree -> guarded("keys of " + r.resourceName(), () -> keys.apply(r.typed(tree))).stream()
        .map(k -> new ObjectKey(k.namespace(), k.name())).toList());
    return this;
  }

  @Override
  public Loop watchOwned(Resource<?> resource) {
    PluginResource<?> r = own(resource);
    if (!owned.contains(r.resourceName())) {
      owned.add(r.resourceName());
    }
    loop.watch(r.cache(), this::owner);
    return this;
  }

  /** The primary key of the object's controller owner, when it is of the primary's kind. */
  private List<ObjectKey> owner(ObjectNode o) {
    for (JsonNode ref : o.path("metadata").path("ownerReferences")) {
      if (ref.path("controller").asBoolean(false) && primary.kind().equals(ref.path("kind").asText())
          && group(ref.path("apiVersion").asText()).equals(primary.group())) {
        String ns = primary.namespaced() ? o.path("metadata").path("namespace").asText("") : "";
        return List.of(new ObjectKey(ns, ref.path("name").asText()));
      }
    }
    return List.of();
  }

  private static String group(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  @Override
  public <T> Loop watch(Resource<T> resource, ResourceHandler<? super T> handler) {
    PluginResource<T> r = own(resource);
    String what = "handler of " + r.resourceName();
    loop.watch(r.cache(), new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        guarded(what, () -> {
          handler.onAdd(r.typed(object));
          return List.of();
        });
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        guarded(what, () -> {
          handler.onUpdate(oldObject == null ? null : r.typed(oldObject), r.typed(newObject));
          return List.of();
        });
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        guarded(what, () -> {
          handler.onDelete(r.typed(last));
          return List.of();
        });
      }
    });
    return this;
  }

  @Override
  public Loop every(Duration period, Runnable task) {
    loop.every(period, () -> guarded("periodic task", () -> {
      task.run();
      return List.of();
    }));
    return this;
  }

  @Override
  public void enqueue(Key key) {
    loop.enqueue(new ObjectKey(key.namespace(), key.name()));
  }

  @Override
  public void enqueueAfter(Key key, Duration delay) {
    loop.enqueueAfter(new ObjectKey(key.namespace(), key.name()), delay);
  }

  /** Runs plugin code; a throw is logged and yields no keys. */
  private <K> Collection<K> guarded(String what, java.util.function.Supplier<? extends Collection<K>> code) {
    try {
      Collection<K> out = code.get();
      return out == null ? List.of() : out;
    } catch (RuntimeException | LinkageError | AssertionError | StackOverflowError e) {
      LOG.warn("{}: {} threw", name, what, e);
      return List.of();
    }
  }

  private static <T> PluginResource<T> own(Resource<T> resource) {
    if (resource instanceof PluginResource<T> r) {
      return r;
    }
    throw new IllegalArgumentException("not a resource of the controller's context: " + resource);
  }
}
