package io.dekube.controllermanager.plugins;

import io.dekube.controller.api.ApiException;
import io.dekube.core.model.StatusException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;

/**
 * Between the store's Vert.x futures and the plugin API's {@link CompletionStage}s: store errors become
 * {@link ApiException}s on the way out, and back into {@link StatusException}s on the way in (so the work
 * queue logs a lost 409 race below INFO, as for the built-in controllers). Stateless.
 */
final class Stages {

  private Stages() {
  }

  /** The future as a stage that fails with an ApiException where the store answered an error. */
  static <T> CompletionStage<T> toStage(Future<T> f) {
    return f.recover(e -> Future.failedFuture(e instanceof StatusException se
        ? new ApiException(se.code(), se.reason(), se.getMessage()) : e)).toCompletionStage();
  }

  /** A plugin's stage as a future completing on {@code context}, its failure unwrapped. */
  static <T> Future<T> fromStage(CompletionStage<T> stage, Context context) {
    return Future.fromCompletionStage(stage, context).recover(e -> Future.failedFuture(unwrap(e)));
  }

  /** The failure a stage wrapped, as the store's StatusException when it is an ApiException. */
  static Throwable unwrap(Throwable failure) {
    Throwable t = failure;
    while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
      t = t.getCause();
    }
    return t instanceof ApiException e ? new StatusException(e.code(), e.reason(), e.getMessage()) : t;
  }
}
