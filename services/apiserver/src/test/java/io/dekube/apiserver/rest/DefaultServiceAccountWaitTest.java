package io.dekube.apiserver.rest;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.backend.MemoryBackend;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A pod create in a new namespace waits until the serviceaccount controller made the namespace's
 * default account (here: a moment after the wait began), and does not wait in an old namespace nor
 * where no serviceaccount controller works.
 */
class DefaultServiceAccountWaitTest {

  private final ResourceType accounts = ResourceRegistry.builtIn().byResourceName("serviceaccounts").orElseThrow();
  private Vertx vertx;
  private MemoryBackend store;
  private DefaultServiceAccountWait wait;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    store = new MemoryBackend(100);
    wait = new DefaultServiceAccountWait(vertx, accounts, store::cache);
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private void account(String namespace) {
    store.create(accounts, namespace, Json.object().set("metadata", Json.object().put("name", "default")
        .put("namespace", namespace)), WriteOptions.none());
  }

  private static ObjectNode namespace(String name, Instant created) {
    return Json.object().set("metadata", Json.object().put("name", name).put("creationTimestamp",
        created.truncatedTo(ChronoUnit.SECONDS).toString()));
  }

  /**
   * Waits on an event loop, as the apiserver does, while the controller makes the account {@code controllerMs}
   * later (well within the wait's 5 s); the default account of {@code ns} when the wait ended.
   */
  private ObjectNode awaitOnTheLoop(ObjectNode namespace, String ns, long controllerMs) throws Exception {
    Future<ObjectNode> done = Future.future(p -> vertx.runOnContext(v -> {
      vertx.setTimer(controllerMs, t -> account(ns));
      wait.await(namespace).map(x -> store.cache(accounts).get(ns, "default")).onComplete(p);
    }));
    return done.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aPodInANewNamespaceWaitsForItsDefaultAccount() throws Exception {
    account("kube-system");
    assertNotNull(awaitOnTheLoop(namespace("fresh", Instant.now()), "fresh", 300));
  }

  @Test
  void aPodInAnOldNamespaceDoesNotWait() throws Exception {
    account("kube-system");
    assertNull(awaitOnTheLoop(namespace("old", Instant.now().minusSeconds(600)), "old", 3_000));
  }

  @Test
  void withoutAServiceAccountControllerNothingIsAwaited() throws Exception {
    assertNull(awaitOnTheLoop(namespace("bare", Instant.now()), "bare", 3_000));
  }
}
