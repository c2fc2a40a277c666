package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.function.Supplier;

/**
 * Runs a step again and again without blocking the event loop: steps that complete at once run in a plain loop (no
 * stack grows), and every {@link #YIELD_EVERY} of them the rest goes on from a later turn of {@code context}'s event
 * loop, so that a loop that never waits ({@code while true; do :; done}, {@code yes}) leaves other work running.
 * Used by the interpreter's loops and by the applets that read or write a pipe as it flows.
 */
public final class Repeat {

  /** Rounds that completed without waiting before the loop yields the event loop. */
  public static final int YIELD_EVERY = 64;

  private Repeat() {
  }

  /** Runs {@code step} on {@code context} until it gives false or fails. */
  public static Future<Void> until(Context context, Supplier<Future<Boolean>> step) {
    Promise<Void> done = Promise.promise();
    new Object() {
      void go() {
        for (int n = 0; ; n++) {
          Future<Boolean> f;
          try {
            f = step.get();
          } catch (RuntimeException e) {
            done.tryFail(e);
            return;
          }
          if (!f.isComplete()) {
            f.onComplete(ar -> {
              if (ar.failed()) {
                done.tryFail(ar.cause());
              } else if (!ar.result()) {
                done.tryComplete();
              } else {
                context.runOnContext(v -> go());
              }
            });
            return;
          }
          if (f.failed() || !f.result()) {
            if (f.failed()) {
              done.tryFail(f.cause());
            } else {
              done.tryComplete();
            }
            return;
          }
          if (n >= YIELD_EVERY) {
            context.runOnContext(v -> go());
            return;
          }
        }
      }
    }.go();
    return done.future();
  }
}
