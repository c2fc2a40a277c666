package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend's queue and the thread that empties it, by the backend's mode ({@code --audit-<plugin>-mode}):
 * <ul>
 *   <li>{@code batch}: kube's buffered backend: a queue of {@code bufferSize} events (full: the event is dropped,
 *   plugin {@code buffered}, "audit buffer queue blocked"), batches of up to {@code maxBatchSize} collected for at
 *   most {@code maxBatchWait}, at most {@code throttleQPS} batches a second (burst {@code throttleBurst}); the
 *   webhook's batches are sent by a pool of {@value #SENDERS} threads, so one slow POST does not hold the next.</li>
 *   <li>{@code blocking}: kube's request goroutine processes its event itself; dekube never blocks an event loop,
 *   so the event is queued ({@value #CAPACITY}; full: dropped and counted under the backend's name) and processed
 *   in order by this one thread: the log's lines in runs, the webhook's events one POST each, as kube sends them.</li>
 *   <li>{@code blocking-strict}: as blocking, and the request waits (its event loop does not) until its
 *   RequestReceived event is stored; when it cannot be, the request fails as kube fails it.</li>
 * </ul>
 * {@link #shutdown} sends what is queued, as kube's {@code Shutdown}. Thread-safe; {@link #process} never blocks.
 */
final class BufferedSink implements AuditSink {

  static final int CAPACITY = 10_000;
  static final int SENDERS = 8;
  private static final AtomicInteger THREADS = new AtomicInteger();

  /** A queued event; {@code done} is set when a strict request waits for it. */
  private record Item(ObjectNode event, CompletableFuture<Boolean> done) {
  }

  /** Wakes the writer to send a partial batch at once (when the process stops). */
  private static final Item FLUSH = new Item(null, null);

  private final AuditBackend backend;
  private final AuditOptions.Batch config;
  private final boolean batching;
  private final int maxBatch;
  private final BlockingQueue<Item> queue;
  private final TokenBucket throttle;
  private final ExecutorService senders;
  /** Events handed over and not yet processed. */
  private final java.util.concurrent.atomic.AtomicLong pending = new java.util.concurrent.atomic.AtomicLong();
  private volatile boolean stopping;

  /**
   * @param runLength in the blocking modes, how many queued events the backend gets at once (the log: many; the
   *                  webhook: 1, one POST per event)
   * @param async     whether batches are handed to sender threads (the webhook's)
   */
  BufferedSink(AuditBackend backend, AuditOptions.Batch config, int runLength, boolean async) {
    this.backend = backend;
    this.config = config;
    this.batching = config.mode().equals("batch");
    this.maxBatch = batching ? config.maxBatchSize() : runLength;
    this.queue = new ArrayBlockingQueue<>(batching ? config.bufferSize() : CAPACITY);
    this.throttle = batching && config.throttleEnable() ? new TokenBucket(config.throttleQps(), config.throttleBurst())
        : null;
    this.senders = batching && async ? Executors.newFixedThreadPool(SENDERS, r -> daemon(r, "audit-" + backend.name()
        + "-sender-" + THREADS.incrementAndGet())) : null;
    daemon(this::drain, "audit-" + backend.name() + "-writer").start();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  @Override
  public void process(ObjectNode event) {
    offer(new Item(event, null));
  }

  @Override
  public CompletionStage<Boolean> processAndWait(ObjectNode event) {
    if (!strict()) {
      process(event);
      return CompletableFuture.completedFuture(true);
    }
    Item item = new Item(event, new CompletableFuture<>());
    offer(item);
    return item.done();
  }

  @Override
  public boolean strict() {
    return config.mode().equals("blocking-strict");
  }

  /** The stop begins: the queued events are sent now, without waiting for a batch to fill. Never blocks. */
  void flush() {
    stopping = true;
    queue.offer(FLUSH);
  }

  /**
   * kube's {@code Shutdown}: {@link #flush}, then returns once every event handed over is processed — sent, or
   * dropped after a webhook's last attempt — as kube waits for all. Events handed over later are still taken.
   * Blocking; for the stop hook.
   */
  void shutdown() throws InterruptedException {
    flush();
    while (pending.get() > 0) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
  }

  private void offer(Item item) {
    pending.incrementAndGet();
    if (!queue.offer(item)) {
      pending.decrementAndGet();
      AuditMetrics.error(batching ? "buffered" : backend.name(), "audit buffer queue blocked", List.of(item.event()));
      if (item.done() != null) {
        item.done().complete(false);
      }
    }
  }

  private void drain() {
    while (true) {
      try {
        List<Item> batch = collect();
        if (batch.isEmpty()) {
          continue;
        }
        if (throttle != null) {
          throttle.accept();
        }
        if (senders != null) {
          senders.execute(() -> send(batch));
        } else {
          send(batch);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        AuditMetrics.error(backend.name(), e.toString(), List.of());
      }
    }
  }

  /** kube's {@code collectEvents}: up to the batch size, for at most the batch wait when batches are more than one. */
  private List<Item> collect() throws InterruptedException {
    List<Item> batch = new ArrayList<>();
    if (!batching || maxBatch == 1 || config.maxBatchWait().isZero() || stopping) {
      batch.add(queue.take());
      queue.drainTo(batch, maxBatch - 1);
      batch.remove(FLUSH);
      return batch;
    }
    long deadline = System.nanoTime() + config.maxBatchWait().toNanos();
    while (batch.size() < maxBatch) {
      long left = deadline - System.nanoTime();
      Item item = left <= 0 ? null : queue.poll(left, TimeUnit.NANOSECONDS);
      if (item == null || item == FLUSH) {
        break;
      }
      batch.add(item);
      queue.drainTo(batch, maxBatch - batch.size());
      if (batch.remove(FLUSH)) {
        break;
      }
    }
    return batch;
  }

  private void send(List<Item> batch) {
    boolean ok;
    try {
      ok = backend.process(batch.stream().map(Item::event).toList());
    } catch (RuntimeException e) {
      AuditMetrics.error(backend.name(), e.toString(), batch.stream().map(Item::event).toList());
      ok = false;
    }
    for (Item i : batch) {
      if (i.done() != null) {
        i.done().complete(ok);
      }
    }
    pending.addAndGet(-batch.size());
  }

  /** client-go's token bucket rate limiter: {@code qps} tokens a second, at most {@code burst} saved. */
  static final class TokenBucket {
    private final double qps;
    private final double burst;
    private double tokens;
    private long last = System.nanoTime();

    TokenBucket(float qps, int burst) {
      this.qps = qps;
      this.burst = burst;
      this.tokens = burst;
    }

    /** Takes a token, sleeping until there is one. */
    void accept() throws InterruptedException {
      long now = System.nanoTime();
      tokens = Math.min(burst, tokens + (now - last) / 1e9 * qps);
      last = now;
      tokens -= 1;
      if (tokens < 0) {
        TimeUnit.NANOSECONDS.sleep((long) (-tokens / qps * 1e9));
      }
    }
  }
}
