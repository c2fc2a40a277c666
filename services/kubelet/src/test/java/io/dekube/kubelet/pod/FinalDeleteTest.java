package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kubelet's final delete: which answers end it, how long it waits between tries, when it stops. */
class FinalDeleteTest {

  private static final Duration MS = Duration.ofMillis(1);
  private Vertx vertx;
  private Context context;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    context = vertx.getOrCreateContext();
  }

  @AfterEach
  void stop() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void passingFailuresAreTriedAgainOthersEndIt() {
    record Case(Throwable failure, FinalDelete.Result end) {
    }
    for (Case c : List.of(
        new Case(status(404, null), FinalDelete.Result.GONE),
        new Case(status(409, null), FinalDelete.Result.REPLACED),
        new Case(status(403, null), FinalDelete.Result.REFUSED),
        new Case(status(422, null), FinalDelete.Result.REFUSED),
        new Case(status(400, null), FinalDelete.Result.REFUSED),
        new Case(status(503, 1L), null),
        new Case(status(504, 1L), null),
        new Case(status(500, null), null),
        new Case(status(408, null), null),
        new Case(status(429, 3L), null),
        new Case(new IOException("connection reset"), null))) {
      assertEquals(c.end(), FinalDelete.settled(c.failure()), String.valueOf(c.failure()));
    }
  }

  @Test
  void theWaitDoublesToItsMaximumAndIsNeverShorterThanRetryAfter() {
    StringBuilder waits = new StringBuilder();
    for (int failures = 1; failures <= 6; failures++) {
      waits.append(StoreRetry.delay(status(500, null), failures, StoreRetry.FIRST, StoreRetry.MAX).toSeconds())
          .append(' ');
    }
    assertEquals("1 2 4 5 5 5 ", waits.toString());
    assertEquals(Duration.ofSeconds(3), StoreRetry.delay(status(429, 3L), 1, StoreRetry.FIRST, StoreRetry.MAX));
    assertEquals(Duration.ofSeconds(4), StoreRetry.delay(status(503, 1L), 3, StoreRetry.FIRST, StoreRetry.MAX));
    assertEquals(Duration.ofSeconds(1), StoreRetry.delay(new IOException("refused"), 1, StoreRetry.FIRST,
        StoreRetry.MAX));
  }

  @Test
  void triesUntilTheDeleteGoesThrough() throws Exception {
    Deque<Throwable> answers = new ArrayDeque<>(List.of(status(500, null), status(504, null), status(408, null)));
    AtomicInteger tries = new AtomicInteger();
    FinalDelete d = new FinalDelete(vertx, "ns/p (uid u)", () -> {
      tries.incrementAndGet();
      Throwable next = answers.poll();
      return next == null ? Future.succeededFuture(Json.object()) : Future.failedFuture(next);
    }, MS, MS.multipliedBy(4));
    assertEquals(FinalDelete.Result.DELETED, await(onContext(d)));
    assertEquals(4, tries.get());
  }

  @Test
  void aTombstoneOrTheKubeletsStopEndsTheTries() throws Exception {
    for (FinalDelete.Result end : List.of(FinalDelete.Result.GONE, FinalDelete.Result.STOPPED)) {
      AtomicInteger tries = new AtomicInteger();
      FinalDelete d = new FinalDelete(vertx, "ns/p (uid u)", () -> {
        tries.incrementAndGet();
        return Future.failedFuture(status(503, null));
      }, Duration.ofMillis(20), Duration.ofMillis(20));
      Future<FinalDelete.Result> result = onContext(d);
      org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> tries.get() >= 2);
      context.runOnContext(v -> {
        if (end == FinalDelete.Result.GONE) {
          d.gone();
        } else {
          d.stop();
        }
      });
      assertEquals(end, await(result));
      int after = tries.get();
      org.awaitility.Awaitility.await(end + ": no try after the end").during(Duration.ofMillis(200))
          .atMost(Duration.ofSeconds(5)).until(() -> tries.get() == after);
    }
  }

  @Test
  void aRefusalOrAReplacedPodIsTriedOnce() throws Exception {
    for (int code : new int[] {403, 409}) {
      AtomicInteger tries = new AtomicInteger();
      FinalDelete d = new FinalDelete(vertx, "ns/p (uid u)", () -> {
        tries.incrementAndGet();
        return Future.failedFuture(status(code, null));
      }, MS, MS);
      FinalDelete.Result r = await(onContext(d));
      assertEquals(code == 403 ? FinalDelete.Result.REFUSED : FinalDelete.Result.REPLACED, r);
      assertEquals(1, tries.get());
    }
    assertNull(FinalDelete.settled(status(502, null)));
  }

  private Future<FinalDelete.Result> onContext(FinalDelete d) {
    io.vertx.core.Promise<FinalDelete.Result> p = io.vertx.core.Promise.promise();
    context.runOnContext(v -> d.run().onComplete(p));
    return p.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static StatusException status(int code, Long retryAfter) {
    var details = retryAfter == null ? null : Json.object().put("retryAfterSeconds", retryAfter);
    return new StatusException(code, "Reason" + code, "answer " + code, details);
  }
}
