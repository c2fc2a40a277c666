package io.dekube.core.controller;

import io.micrometer.core.instrument.Counter;
import io.dekube.core.metrics.Metrics;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A controller's work queue, as client-go's: a key added many times before it is processed is
 * processed once; a key is never processed by two workers at once (one added while it is being
 * processed is processed again afterwards); a failed sync is retried with per-key exponential
 * back-off ({@link RateLimiter}), a successful one resets it.
 *
 * <p>Threading. {@link #add}, {@link #addAfter}, {@link #addRateLimited} may be called from any
 * thread. The sync function runs on the Vert.x context that called {@link #start}, at most
 * {@code workers} keys at a time, and returns a {@code Future}: the key counts as processing
 * until that future completes.
 *
 * @param <K> the key type (e.g. {@code ObjectKey}); must have value equality
 */
public final class WorkQueue<K> {

  private static final Logger LOG = LoggerFactory.getLogger(WorkQueue.class);

  private final Vertx vertx;
  private final String name;
  private final RateLimiter<K> limiter;
  private final Counter adds;
  private static final int QUIET_CONFLICT_RETRIES = 5;

  private final Counter retries;
  // guarded by this
  private final LinkedHashSet<K> queue = new LinkedHashSet<>();
  private final Set<K> processing = new HashSet<>();
  private final Set<K> dirty = new HashSet<>();
  private final Map<K, Waiting> waiting = new HashMap<>();
  private Context context;
  private Function<K, Future<Void>> sync;
  private int workers;
  private int active;
  private boolean shutDown;
  private Promise<Void> drained;

  /** A queue named for logs and metrics, with the given retry back-off. */
  public WorkQueue(Vertx vertx, String name, RateLimiter<K> limiter) {
    this.vertx = vertx;
    this.name = name;
    this.limiter = limiter;
    this.adds = Metrics.registry().counter("dekube.workqueue.adds", "name", name);
    this.retries = Metrics.registry().counter("dekube.workqueue.retries", "name", name);
  }

  /** A queue with client-go's default back-off (5 ms doubling to 1000 s). */
  public WorkQueue(Vertx vertx, String name) {
    this(vertx, name, RateLimiter.defaults());
  }

  /**
   * Starts processing on the caller's context (call it on a Vert.x context) with at most
   * {@code workers} keys at a time. Keys added before are processed now.
   */
  public void start(int workers, Function<K, Future<Void>> syncFn) {
    synchronized (this) {
      this.context = vertx.getOrCreateContext();
      this.sync = syncFn;
      this.workers = Math.max(1, workers);
    }
    pump();
  }

  /** Adds a key; a no-op when it is already waiting. Idempotent; any thread. */
  public void add(K key) {
    synchronized (this) {
      if (shutDown) {
        return;
      }
      adds.increment();
      if (processing.contains(key)) {
        dirty.add(key);
        return;
      }
      queue.add(key);
    }
    pump();
  }

  /**
   * Adds a key after a delay (a requeue, e.g. to check a deadline later). A key waits once, as in
   * client-go's delaying queue: while it already waits to be added no later than this, the call does
   * nothing; an earlier one replaces the wait. Any thread.
   */
  public void addAfter(K key, Duration delay) {
    long ms = delay.toMillis();
    if (ms <= 0) {
      add(key);
      return;
    }
    synchronized (this) {
      if (shutDown) {
        return;
      }
      long readyAt = System.nanoTime() + ms * 1_000_000;
      Waiting before = waiting.get(key);
      if (before != null && before.readyAt() - readyAt <= 0) {
        return;
      }
      if (before != null) {
        vertx.cancelTimer(before.timer());
      }
      long[] id = new long[1];
      id[0] = vertx.setTimer(ms, t -> {
        synchronized (this) {
          Waiting now = waiting.get(key);
          if (now != null && now.timer() == id[0]) {
            waiting.remove(key);
          }
        }
        add(key);
      });
      waiting.put(key, new Waiting(id[0], readyAt));
    }
  }

  /** A key's pending delayed add: its timer and when it fires ({@link System#nanoTime()}). */
  private record Waiting(long timer, long readyAt) {
  }

  /** Adds a key after its back-off delay (the rate limiter's next one). Any thread. */
  public void addRateLimited(K key) {
    retries.increment();
    addAfter(key, limiter.when(key));
  }

  /** Resets the key's back-off. Any thread. */
  public void forget(K key) {
    limiter.forget(key);
  }

  /** How many times the key was retried since it last synced successfully. */
  public int retries(K key) {
    return limiter.retries(key);
  }

  /** The number of keys waiting (not counting those being processed). */
  public synchronized int length() {
    return queue.size();
  }

  /** Whether the key waits or is being processed. */
  public synchronized boolean contains(K key) {
    return queue.contains(key) || processing.contains(key);
  }

  /**
   * Stops: no key is handed out any more, pending delays are cancelled; completes once the syncs in
   * flight are done. Idempotent; any thread.
   */
  public Future<Void> shutdown() {
    Promise<Void> p;
    synchronized (this) {
      shutDown = true;
      queue.clear();
      dirty.clear();
      waiting.values().forEach(w -> vertx.cancelTimer(w.timer()));
      waiting.clear();
      if (drained == null) {
        drained = Promise.promise();
      }
      p = drained;
      if (active == 0) {
        p.tryComplete();
      }
    }
    return p.future();
  }

  private void pump() {
    while (true) {
      K key;
      Context ctx;
      synchronized (this) {
        if (shutDown || sync == null || active >= workers || queue.isEmpty()) {
          return;
        }
        var it = queue.iterator();
        key = it.next();
        it.remove();
        processing.add(key);
        active++;
        ctx = context;
      }
      ctx.runOnContext(v -> process(key));
    }
  }

  private void process(K key) {
    Future<Void> f;
    try {
      f = sync.apply(key);
      if (f == null) {
        f = Future.failedFuture(new IllegalStateException("sync returned null"));
      }
    } catch (RuntimeException e) {
      f = Future.failedFuture(e);
    }
    f.onComplete(ar -> done(key, ar.cause()));
  }

  private void done(K key, Throwable failure) {
    boolean retry;
    synchronized (this) {
      processing.remove(key);
      active--;
      retry = failure != null && !shutDown;
      if (dirty.remove(key) && !shutDown) {
        queue.add(key);
      }
      if (shutDown && active == 0 && drained != null) {
        drained.tryComplete();
      }
    }
    if (failure == null) {
      limiter.forget(key);
    } else if (retry) {
      int attempt = limiter.retries(key) + 1;
      if (routineRetry(failure, attempt)) {
        LOG.debug("{}: sync {} failed (retry {}): {}", name, key, attempt, failure.toString());
      } else {
        LOG.info("{}: sync {} failed (retry {}): {}", name, key, attempt, failure.toString());
      }
      addRateLimited(key);
    }
    pump();
  }

  /**
   * A write that lost an optimistic-concurrency race (409 Conflict) is routine: the retry reads the
   * newer object. kube's controllers log those below the default verbosity; so do we, until the
   * same key keeps losing.
   */
  private static boolean routineRetry(Throwable failure, int attempt) {
    return attempt <= QUIET_CONFLICT_RETRIES && failure instanceof io.dekube.core.model.StatusException e
        && e.code() == 409 && "Conflict".equals(e.reason());
  }
}
