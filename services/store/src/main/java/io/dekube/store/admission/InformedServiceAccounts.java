package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.informer.Informer;
import io.vertx.core.Context;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The ServiceAccounts of the store's informer; after a miss, a consistent read: the informer catches up
 * with the end of the store topic before it is asked again (kube's plugin asks the API). That read
 * waits for the broker, so it is made only off the event loops — on the writer's own thread, which
 * admits before its transaction begins — and an event loop gets the cache's answer.
 */
public final class InformedServiceAccounts implements ServiceAccountView {

  /** The longest wait for the informer to catch up: far below the writer's transaction and poll limits. */
  private static final long CATCH_UP_SECONDS = 5;

  private final Informer informer;

  public InformedServiceAccounts(Informer informer) {
    this.informer = informer;
  }

  @Override
  public JsonNode cached(String namespace, String name) {
    return informer.get(namespace, name);
  }

  @Override
  public JsonNode current(String namespace, String name) {
    if (Context.isOnEventLoopThread()) {
      return cached(namespace, name);
    }
    try {
      informer.waitForCurrent().toCompletionStage().toCompletableFuture().get(CATCH_UP_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading the serviceaccounts store", e);
    } catch (ExecutionException e) {
      throw new IllegalStateException(java.util.Objects.toString(e.getCause().getMessage(), e.getCause().toString()),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("the serviceaccounts store was not read within " + CATCH_UP_SECONDS + "s", e);
    }
    return cached(namespace, name);
  }
}
