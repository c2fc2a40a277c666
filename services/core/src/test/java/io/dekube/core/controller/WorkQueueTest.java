package io.dekube.core.controller;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkQueueTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void keysAddedManyTimesBeforeProcessingAreProcessedOnce() {
    WorkQueue<String> q = new WorkQueue<>(vertx, "t");
    List<String> seen = new CopyOnWriteArrayList<>();
    q.add("a");
    q.add("b");
    q.add("a");
    q.add("a");
    vertx.runOnContext(v -> q.start(1, k -> {
      seen.add(k);
      return Future.succeededFuture();
    }));
    await().until(() -> seen.size() == 2 && q.length() == 0);
    assertEquals(List.of("a", "b"), seen);
  }

  @Test
  void aKeyIsNeverProcessedTwiceAtOnceAndAnAddDuringProcessingRunsItAgain() {
    WorkQueue<String> q = new WorkQueue<>(vertx, "t");
    Map<String, Promise<Void>> inFlight = new ConcurrentHashMap<>();
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger maxConcurrent = new AtomicInteger();
    AtomicInteger runs = new AtomicInteger();
    vertx.runOnContext(v -> q.start(4, k -> {
      runs.incrementAndGet();
      maxConcurrent.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      Promise<Void> p = Promise.promise();
      inFlight.put(k + runs.get(), p);
      return p.future().andThen(ar -> concurrent.decrementAndGet());
    }));
    q.add("a");
    await().until(() -> runs.get() == 1);
    q.add("a");
    q.add("a");
    assertTrue(q.contains("a"));
    vertx.runOnContext(v -> inFlight.get("a1").complete());
    await().until(() -> runs.get() == 2);
    vertx.runOnContext(v -> inFlight.get("a2").complete());
    await().until(() -> !q.contains("a"));
    assertEquals(2, runs.get());
    assertEquals(1, maxConcurrent.get());
  }

  @Test
  void failuresRetryWithGrowingBackOffAndSuccessForgetsThem() {
    WorkQueue<String> q = new WorkQueue<>(vertx, "t", new RateLimiter<>(Duration.ofMillis(1), Duration.ofMillis(50)));
    AtomicInteger runs = new AtomicInteger();
    vertx.runOnContext(v -> q.start(1, k -> runs.incrementAndGet() < 4
        ? Future.failedFuture(new IllegalStateException("not yet")) : Future.succeededFuture()));
    q.add("a");
    await().until(() -> runs.get() == 4);
    await().until(() -> q.retries("a") == 0);
  }

  @Test
  void aSyncThatThrowsIsRetried() {
    WorkQueue<String> q = new WorkQueue<>(vertx, "t", new RateLimiter<>(Duration.ofMillis(1), Duration.ofMillis(5)));
    AtomicInteger runs = new AtomicInteger();
    vertx.runOnContext(v -> q.start(1, k -> {
      if (runs.incrementAndGet() == 1) {
        throw new IllegalStateException("boom");
      }
      return Future.succeededFuture();
    }));
    q.add("a");
    await().until(() -> runs.get() == 2);
  }

  @Test
  void limitsConcurrencyToTheWorkers() {
    WorkQueue<Integer> q = new WorkQueue<>(vertx, "t");
    AtomicInteger concurrent = new AtomicInteger();
    AtomicInteger max = new AtomicInteger();
    AtomicInteger done = new AtomicInteger();
    vertx.runOnContext(v -> q.start(3, k -> {
      max.accumulateAndGet(concurrent.incrementAndGet(), Math::max);
      Promise<Void> p = Promise.promise();
      vertx.setTimer(5, t -> {
        concurrent.decrementAndGet();
        done.incrementAndGet();
        p.complete();
      });
      return p.future();
    }));
    for (int i = 0; i < 20; i++) {
      q.add(i);
    }
    await().until(() -> done.get() == 20);
    assertEquals(3, max.get());
  }

  @Test
  void backOffDoublesUpToTheCap() {
    RateLimiter<String> r = new RateLimiter<>(Duration.ofMillis(5), Duration.ofMillis(30));
    assertEquals(List.of(Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(20), Duration.ofMillis(30)),
        List.of(r.when("k"), r.when("k"), r.when("k"), r.when("k")));
    assertEquals(Duration.ofMillis(5), r.when("other"));
    r.forget("k");
    assertEquals(Duration.ofMillis(5), r.when("k"));
  }

  @Test
  void shutdownWaitsForSyncsInFlightAndStopsHandingOut() {
    WorkQueue<String> q = new WorkQueue<>(vertx, "t");
    Promise<Void> first = Promise.promise();
    AtomicInteger runs = new AtomicInteger();
    vertx.runOnContext(v -> q.start(1, k -> {
      runs.incrementAndGet();
      return first.future();
    }));
    q.add("a");
    q.add("b");
    await().until(() -> runs.get() == 1);
    Future<Void> stopped = q.shutdown();
    assertFalse(stopped.isComplete());
    vertx.runOnContext(v -> first.complete());
    await().until(stopped::isComplete);
    q.add("c");
    assertEquals(1, runs.get());
  }

  /** client-go's delaying queue: a key waits once; an earlier delayed add replaces a later one. */
  @Test
  void aKeyWaitsForItsDelayedAddOnceAndTheEarliestWins() {
    WorkQueue<String> q = new WorkQueue<>(vertx, "t");
    java.util.concurrent.atomic.AtomicInteger runs = new java.util.concurrent.atomic.AtomicInteger();
    vertx.runOnContext(v -> q.start(1, k -> {
      runs.incrementAndGet();
      return Future.succeededFuture();
    }));
    // on one event-loop task, as a controller's handler adds: the 20 ms timer fires on that loop, so it cannot run
    // the key before the 40 ms add is made (from this thread a slow moment between the calls made it run twice)
    vertx.runOnContext(v -> {
      q.addAfter("a", Duration.ofSeconds(30));
      q.addAfter("a", Duration.ofMillis(20));
      q.addAfter("a", Duration.ofMillis(40));
    });
    await().atMost(Duration.ofSeconds(5)).until(() -> runs.get() == 1);
    await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> runs.get() == 1);
  }

  /** A lost optimistic-concurrency race is routine (kube logs it at V(2)); other failures show at INFO. */
  @Test
  void conflictRetriesAreLoggedAtDebugAndOtherFailuresAtInfo() {
    org.apache.logging.log4j.core.Logger logger =
        (org.apache.logging.log4j.core.Logger) org.apache.logging.log4j.LogManager.getLogger(WorkQueue.class);
    List<String> lines = new CopyOnWriteArrayList<>();
    org.apache.logging.log4j.core.appender.AbstractAppender appender =
        new org.apache.logging.log4j.core.appender.AbstractAppender("capture", null, null, true,
            org.apache.logging.log4j.core.config.Property.EMPTY_ARRAY) {
          @Override
          public void append(org.apache.logging.log4j.core.LogEvent event) {
            lines.add(event.getLevel() + " " + event.getMessage().getFormattedMessage());
          }
        };
    appender.start();
    org.apache.logging.log4j.Level level = logger.getLevel();
    logger.addAppender(appender);
    logger.setLevel(org.apache.logging.log4j.Level.DEBUG);
    try {
      WorkQueue<String> q = new WorkQueue<>(vertx, "t");
      Map<String, AtomicInteger> runs = new ConcurrentHashMap<>();
      vertx.runOnContext(v -> q.start(1, k -> runs.computeIfAbsent(k, x -> new AtomicInteger()).incrementAndGet() > 1
          ? Future.succeededFuture()
          : Future.failedFuture(k.equals("raced")
              ? new io.dekube.core.model.StatusException(409, "Conflict", "the object has been modified")
              : new io.dekube.core.model.StatusException(500, "InternalError", "broken"))));
      q.add("raced");
      q.add("broken");
      await().until(() -> lines.stream().filter(l -> l.contains("failed (retry")).count() == 2);
      assertTrue(lines.contains("DEBUG t: sync raced failed (retry 1): "
          + "io.dekube.core.model.StatusException: the object has been modified"), lines.toString());
      assertTrue(lines.contains("INFO t: sync broken failed (retry 1): io.dekube.core.model.StatusException: broken"),
          lines.toString());
    } finally {
      logger.removeAppender(appender);
      logger.setLevel(level);
    }
  }
}
