package io.dekube.controllermanager.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.controllermanager.common.ControllerContext;
import io.dekube.controllermanager.common.EventRecorder;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.InMemoryStore;
import io.dekube.core.testing.TestClock;
import io.vertx.core.Future;
import java.time.Clock;
import java.time.Instant;
import java.util.List;

/** A controller context over an {@link InMemoryStore} with a settable clock, for table-driven sync tests. */
public final class Fake {

  public final InMemoryStore store = new InMemoryStore();
  public final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:10:00Z"));
  public final ControllerContext ctx;

  public Fake() {
    store.setNow(clock.instant());
    ResourceRegistry registry = ResourceRegistry.builtIn();
    ctx = new ControllerContext(null, store, store::cache, registry,
        new EventRecorder(store, registry.byResourceName("events").orElseThrow(), clock, "test"), clock);
  }

  /** Waits for a sync (the in-memory store completes at once) and asserts it succeeded. */
  public static <T> T done(Future<T> f) {
    assertTrue(f.isComplete(), "sync did not complete");
    if (f.failed()) {
      throw new AssertionError("sync failed: " + f.cause(), f.cause());
    }
    return f.result();
  }

  /** Forgets the writes so far. */
  public void clearWritesForDebug() {
    store.clearActions();
  }

  /** The writes other than events. */
  public List<String> writes() {
    return store.actions().stream().filter(a -> !a.startsWith("create events")).toList();
  }

  /** The reasons of the events written, in order. */
  public List<String> eventReasons() {
    return store.items(store.type("events"), "").stream()
        .sorted((a, b) -> a.path("metadata").path("resourceVersion").asInt() - b.path("metadata").path("resourceVersion").asInt())
        .map(e -> e.path("reason").asText() + ": " + e.path("message").asText()).toList();
  }
}
