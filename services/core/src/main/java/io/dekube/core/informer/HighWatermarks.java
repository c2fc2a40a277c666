package io.dekube.core.informer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * The high watermarks of store partitions for every informer of a process reading the same bus: one
 * {@code read_uncommitted} consumer on one thread answers all the requests waiting at once with one
 * {@code ListOffsets} call. Informers ask for it at start and for every consistent read
 * ({@link StoreTail#endOffset()}); one consumer each (~35 in {@code up}) cost a connection, metrics
 * and ~100 KB of heap apiece, and a start of dekube spent CPU creating them. Shared by reference count:
 * the first {@link #acquire} starts it, the last {@link #release} stops it.
 */
final class HighWatermarks implements Runnable {

  private static final Map<Map<String, Object>, HighWatermarks> SHARED = new HashMap<>();
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private record Request(TopicPartition partition, CompletableFuture<Long> answer) {
  }

  private final Map<String, Object> config;
  private final LinkedBlockingQueue<Request> requests = new LinkedBlockingQueue<>();
  private final Thread thread;
  private int users; // guarded by SHARED
  private volatile boolean running = true;

  private HighWatermarks(Map<String, Object> config) {
    this.config = config;
    this.thread = new Thread(this, "dekube-informer-ends-" + THREADS.incrementAndGet());
    thread.setDaemon(true);
  }

  /**
   * The shared reader for informers with this consumer config (its {@code client.id} aside); call
   * {@link #release} once for each call.
   */
  static HighWatermarks acquire(Map<String, Object> consumerConfig) {
    Map<String, Object> config = new HashMap<>(consumerConfig);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "dekube-informer-ends");
    synchronized (SHARED) {
      HighWatermarks h = SHARED.computeIfAbsent(Map.copyOf(config), HighWatermarks::new);
      if (h.users++ == 0) {
        h.thread.start();
      }
      return h;
    }
  }

  /** One user less; the last one stops the thread and closes the consumer. */
  void release() {
    synchronized (SHARED) {
      if (--users > 0) {
        return;
      }
      SHARED.remove(Map.copyOf(config), this);
    }
    running = false;
    thread.interrupt();
  }

  /** Whether the reader's thread runs (for tests). */
  boolean alive() {
    return thread.isAlive();
  }

  /** The partition's high watermark, as the next call of the reader's thread finds it. */
  CompletableFuture<Long> of(TopicPartition partition) {
    CompletableFuture<Long> f = new CompletableFuture<>();
    requests.add(new Request(partition, f));
    if (!running) {
      failAll(new IllegalStateException("the high-watermark reader is stopped"));
    }
    return f;
  }

  @Override
  public void run() {
    KafkaConsumer<String, byte[]> consumer = null;
    try {
      while (running) {
        Request first = requests.poll(1, TimeUnit.SECONDS);
        if (first == null) {
          continue;
        }
        List<Request> batch = new ArrayList<>(List.of(first));
        requests.drainTo(batch);
        Set<TopicPartition> partitions = new HashSet<>();
        batch.forEach(r -> partitions.add(r.partition()));
        try {
          if (consumer == null) {
            consumer = new KafkaConsumer<>(config);
          }
          Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
          batch.forEach(r -> r.answer().complete(ends.get(r.partition())));
        } catch (RuntimeException e) {
          batch.forEach(r -> r.answer().completeExceptionally(e));
          if (consumer != null) { // a fresh connection for the next batch (the broker may have restarted)
            consumer.close(CloseOptions.timeout(Duration.ZERO));
            consumer = null;
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      running = false;
      failAll(new IllegalStateException("the high-watermark reader is stopped"));
      if (consumer != null) {
        Thread.interrupted(); // a close of an interrupted thread's consumer would throw before closing
        consumer.close(CloseOptions.timeout(CLOSE_TIMEOUT));
      }
    }
  }

  private void failAll(RuntimeException e) {
    for (Request r; (r = requests.poll()) != null; ) {
      r.answer().completeExceptionally(e);
    }
  }
}
