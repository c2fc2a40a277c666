package io.dekube.controllermanager.plugins;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.controller.api.ControllerContext;
import io.dekube.controller.api.ControllerFactory;
import io.dekube.controller.api.Key;
import io.dekube.controller.api.Loop;
import io.dekube.controller.api.Resource;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.InMemoryStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Plugin controllers in the controller-manager: one that throws at start is an error naming its jar; one
 * that throws in a sync is retried with back-off while the others go on.
 */
class PluginControllersTest {

  private final Vertx vertx = Vertx.vertx();
  private final InMemoryStore store = new InMemoryStore();
  private final ResourceRegistry registry = ResourceRegistry.builtIn();

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private static ControllerFactory factory(String name, Function<ControllerContext, Loop> create) {
    return new ControllerFactory() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public Loop create(ControllerContext ctx) {
        return create.apply(ctx);
      }
    };
  }

  private <T> Future<T> onContext(java.util.function.Supplier<Future<T>> code) throws Exception {
    CompletableFuture<Future<T>> f = new CompletableFuture<>();
    vertx.getOrCreateContext().runOnContext(v -> f.complete(code.get()));
    return f.get(30, TimeUnit.SECONDS);
  }

  private PluginControllers plugins(ControllerFactory f) {
    return new PluginControllers(List.of(new PluginJar(Path.of("plugins", "demo.jar"), List.of(), List.of(f))));
  }

  private PluginControllers.Env env() {
    return new PluginControllers.Env(vertx, store, name -> store, registry, store::cache,
        t -> Future.succeededFuture(), "test", Clock.systemUTC(), Duration.ZERO, 2);
  }

  @Test
  void aControllerThatThrowsAtStartIsAnErrorNamingTheJar() throws Exception {
    PluginControllers p = plugins(factory("boom", ctx -> {
      throw new IllegalStateException("no config");
    }));
    Future<Void> prepared = onContext(() -> p.prepare(env()));
    await().atMost(Duration.ofSeconds(10)).until(prepared::isComplete);
    assertInstanceOf(PluginException.class, prepared.cause());
    assertEquals(Path.of("plugins", "demo.jar") + ": controller \"boom\" failed to start: "
        + "java.lang.IllegalStateException: no config", prepared.cause().getMessage());
  }

  @Test
  void aSyncThatThrowsIsRetriedWithBackOffAndTheOthersGoOn() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    ConcurrentLinkedQueue<Key> synced = new ConcurrentLinkedQueue<>();
    PluginControllers p = plugins(factory("flaky", ctx -> {
      Resource<ConfigMap> maps = ctx.resource("configmaps", ConfigMap.class);
      return ctx.loop(maps, key -> {
        if (key.name().equals("flaky") && calls.incrementAndGet() <= 3) {
          throw new IllegalStateException("not yet (" + calls.get() + ")");
        }
        synced.add(key);
        return CompletableFuture.completedFuture(null);
      });
    }));
    store.put(store.type("configmaps"), new ConfigMapBuilder().withNewMetadata().withName("flaky").withNamespace("demo")
        .endMetadata().build());
    store.put(store.type("configmaps"), new ConfigMapBuilder().withNewMetadata().withName("calm").withNamespace("demo")
        .endMetadata().build());
    Future<List<ControllerLoop>> started = onContext(() -> p.prepare(env()).compose(v -> p.start()));
    await().atMost(Duration.ofSeconds(10)).until(started::succeeded);
    assertEquals(List.of("configmaps"), p.owners());
    await().atMost(Duration.ofSeconds(30)).until(() -> synced.contains(new Key("demo", "flaky")));
    assertEquals(4, calls.get(), "three throws, then a sync that succeeded");
    assertTrue(synced.contains(new Key("demo", "calm")));
    assertEquals(0, started.result().get(0).queue().retries(new io.dekube.core.model.ObjectKey("demo", "flaky")),
        "a success resets the back-off");
  }
}
