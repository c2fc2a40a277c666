package io.dekube.core.informer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.bus.StoreMarker;
import io.dekube.core.model.ObjectKey;
import io.micrometer.core.instrument.Counter;
import io.vertx.core.Context;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of an informer: a {@code read_committed} KafkaConsumer assigned to the single
 * partition of a store topic, on a dedicated thread (never an event loop). It announces the end
 * offset found at start, then decodes each poll into {@link StoreRecord}s and hands the batch with
 * the new position to the informer's context. At most {@value #MAX_IN_FLIGHT} batches wait there,
 * so a slow context slows the consumer instead of filling the heap. End-offset requests
 * ({@link #endOffset()}) wake the poll and are answered from this thread. After a consumer failure
 * it reconnects and resumes at the last position handed over. When that position is no longer in
 * the topic ({@code OffsetOutOfRange}: the topic was recreated, or the broker lost its data) it
 * re-reads the topic from its beginning and hands the whole of it over as a relist.
 */
final class StoreTail implements Runnable {

  /** Where decoded batches go; both methods run on the informer's context. */
  interface Sink {
    /** The end offset (last stable offset) at start, before the first batch. */
    void onEnd(long end);

    /** Records in offset order and the consumer position after them. */
    void onBatch(List<StoreRecord> records, long position);

    /**
     * The offsets this tail was at are gone (the topic was recreated, or the broker lost data):
     * every record of the topic from its beginning up to {@code position}, to replace the cache.
     */
    void onRelist(List<StoreRecord> records, long position);
  }

  private static final Logger LOG = LoggerFactory.getLogger(StoreTail.class);
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final int MAX_IN_FLIGHT = 4;
  private static final long RETRY_MS = 1000;

  private final String resource;
  private final TopicPartition partition;
  private final Map<String, Object> config;
  /** Where the high watermark is asked for (shared by the informers of the process); set by start. */
  private HighWatermarks highWatermarks;
  private final Duration pollTimeout;
  private final Context context;
  private final Sink sink;
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
  private final Queue<CompletableFuture<Long>> endRequests = new ConcurrentLinkedQueue<>();
  private final CountDownLatch stopSignal = new CountDownLatch(1);
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicLong lag;
  private final Counter badRecords;
  /** The resource's encryption at rest, resolved once: null when it is kept in clear. */
  /** The resource's transformer under {@link #transformerOf} (resolved again when the configuration is reloaded). */
  private volatile io.dekube.core.encryption.ValueTransformer transformer;
  private volatile io.dekube.core.encryption.EncryptionConfig transformerOf;
  private volatile boolean running = true;
  private volatile KafkaConsumer<String, byte[]> consumer;
  // consumer thread only
  private long sentPosition = -1;
  private boolean endAnnounced;
  private boolean relistNext;

  StoreTail(String resource, String topic, Map<String, Object> config, Duration pollTimeout, Context context,
            Sink sink) {
    this.resource = resource;
    this.partition = new TopicPartition(topic, 0);
    this.config = config;
    this.pollTimeout = pollTimeout;
    this.context = context;
    this.sink = sink;
    this.lag = InformerMetrics.lag(resource);
    this.badRecords = InformerMetrics.badRecords(resource);
    this.transformerOf = io.dekube.core.encryption.StoreEncryption.config();
    this.transformer = io.dekube.core.encryption.StoreEncryption.transformer(transformerOf, resource);
  }

  /** Starts the consumer thread. */
  void start() {
    highWatermarks = HighWatermarks.acquire(config);
    Thread t = new Thread(this, "dekube-informer-" + resource + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    t.start();
  }

  /** Asks the broker for the partition's end offset (last stable offset) from the consumer thread. */
  CompletableFuture<Long> endOffset() {
    CompletableFuture<Long> f = new CompletableFuture<>();
    endRequests.add(f);
    if (!running) {
      failEndRequests();
    }
    wakeup();
    return f;
  }

  /** Stops the thread; completes once the consumer is closed. Idempotent, any thread. */
  CompletableFuture<Void> stop() {
    running = false;
    stopSignal.countDown();
    wakeup();
    return done;
  }

  private void wakeup() {
    KafkaConsumer<String, byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  @Override
  public void run() {
    try {
      while (running) {
        try {
          tail();
        } catch (WakeupException e) {
          // stopping, or a wake-up that landed outside poll: the loop decides
        } catch (OffsetOutOfRangeException e) {
          relistNext = true; // reconnect and read the topic from its beginning
        } catch (RuntimeException e) {
          if (running) {
            LOG.warn("informer {}: consumer failed at offset {}, reconnecting in {} ms: {}", resource,
                Math.max(sentPosition, 0), RETRY_MS, e.toString());
            failEndRequests();
            await(RETRY_MS);
          }
        }
      }
    } finally {
      failEndRequests();
      highWatermarks.release();
      done.complete(null);
    }
  }

  private void tail() {
    KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(config);
    consumer = c;
    try {
      c.assign(List.of(partition));
      if (relistNext) {
        relist(c);
      } else {
        c.seek(partition, Math.max(sentPosition, 0));
      }
      if (!endAnnounced) {
        long end = endOffsetOf();
        lag.set(end);
        endAnnounced = post(() -> sink.onEnd(end));
      }
      while (running) {
        pollOnce(c);
      }
    } finally {
      consumer = null;
      // no group, nothing to commit: no need to wait for the broker to end the fetch session, whose
      // request queues behind the fetch parked up to IDLE_FETCH_WAIT_MS (up to a 5 s close timeout otherwise)
      c.close(CloseOptions.timeout(Duration.ZERO));
    }
  }

  /**
   * Reads the topic from its beginning up to its current end (the last stable offset) and hands
   * all of it over at once. The end offset is announced first when it was not yet.
   */
  private void relist(KafkaConsumer<String, byte[]> c) {
    long end = endOffsetsOf(c);
    LOG.warn("informer {}: offset {} is gone from {} (the topic was recreated or the broker lost data);"
        + " re-listing it from the beginning up to offset {}", resource, sentPosition, partition.topic(), end);
    c.seekToBeginning(List.of(partition));
    List<StoreRecord> all = new ArrayList<>();
    long position = positionOf(c);
    while (running && position < end) {
      ConsumerRecords<String, byte[]> polled;
      try {
        polled = c.poll(pollTimeout);
      } catch (WakeupException e) {
        continue;
      }
      for (ConsumerRecord<String, byte[]> r : polled.records(partition)) {
        StoreRecord decoded = decode(r);
        if (decoded != null) {
          all.add(decoded);
        }
      }
      position = positionOf(c);
    }
    long at = position;
    if (!endAnnounced) {
      endAnnounced = post(() -> sink.onEnd(at));
    }
    if (post(() -> sink.onRelist(all, at))) {
      sentPosition = at;
      relistNext = false;
    }
  }

  /** The read_committed end (last stable offset) of the partition. */
  private long endOffsetsOf(KafkaConsumer<String, byte[]> c) {
    while (true) {
      try {
        return c.endOffsets(List.of(partition)).get(partition);
      } catch (WakeupException e) {
        if (!running) {
          throw e;
        }
      }
    }
  }

  private void pollOnce(KafkaConsumer<String, byte[]> c) {
    serveEndRequests(c);
    ConsumerRecords<String, byte[]> polled;
    try {
      polled = c.poll(pollTimeout);
    } catch (WakeupException e) {
      return;
    } catch (OffsetOutOfRangeException e) {
      if (sentPosition <= 0) { // nothing cached yet: start at the beginning, whatever it is
        c.seekToBeginning(List.of(partition));
        return;
      }
      relist(c);
      return;
    }
    List<StoreRecord> records = new ArrayList<>(polled.count());
    for (ConsumerRecord<String, byte[]> r : polled.records(partition)) {
      StoreRecord decoded = decode(r);
      if (decoded != null) {
        records.add(decoded);
      }
    }
    long position = positionOf(c);
    c.currentLag(partition).ifPresent(lag::set);
    if (!records.isEmpty() || position != sentPosition) {
      if (post(() -> sink.onBatch(records, position))) {
        sentPosition = position;
      }
    }
  }

  private void serveEndRequests(KafkaConsumer<String, byte[]> c) {
    if (endRequests.isEmpty()) {
      return;
    }
    List<CompletableFuture<Long>> waiting = new ArrayList<>();
    for (CompletableFuture<Long> f; (f = endRequests.poll()) != null; ) {
      waiting.add(f);
    }
    try {
      long end = endOffsetOf();
      waiting.forEach(f -> f.complete(end));
    } catch (RuntimeException e) {
      waiting.forEach(f -> f.completeExceptionally(e));
      throw e;
    }
  }

  /**
   * The partition's high watermark, not the read_committed end (the last stable offset): a
   * transaction's commit returns before its markers are written, so right after a write was
   * acknowledged the LSO may still be behind it. Waiting for the high watermark gives
   * read-your-writes; it waits out a transaction in flight (its commit or abort), as the writer's
   * rebuild does (DESIGN.md writer rule 2).
   */
  private long endOffsetOf() {
    CompletableFuture<Long> end = highWatermarks.of(partition);
    while (true) {
      try {
        return end.get(100, TimeUnit.MILLISECONDS); // a stop is noticed within 100 ms
      } catch (java.util.concurrent.TimeoutException e) {
        if (!running) {
          throw new WakeupException();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new WakeupException();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
      }
    }
  }

  private long positionOf(KafkaConsumer<String, byte[]> c) {
    while (true) {
      try {
        return c.position(partition);
      } catch (WakeupException e) {
        if (!running) {
          throw e;
        }
      }
    }
  }

  /** The record as the cache holds it, or null (counted and logged) when it is not a valid store value. */
  private StoreRecord decode(ConsumerRecord<String, byte[]> r) {
    if (StoreMarker.isMarker(r.key())) {
      return null;
    }
    ObjectKey key;
    try {
      key = ObjectKey.parse(r.key() == null ? "" : r.key());
    } catch (IllegalArgumentException e) {
      return bad(r, "key is not <namespace>/<name>");
    }
    if (r.value() == null) {
      return new StoreRecord(key, null, r.offset());
    }
    byte[] bytes;
    try {
      bytes = io.dekube.core.encryption.StoreEncryption.read(transformer(), resource, r.key(), r.value()).data();
    } catch (io.dekube.core.encryption.ValueTransformer.TransformException e) {
      return unreadable(r, key, e.getMessage());
    }
    JsonNode value;
    try {
      value = Json.MAPPER.readTree(bytes);
    } catch (IOException e) {
      return bad(r, "value is not JSON: " + (e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage()));
    }
    if (!(value instanceof ObjectNode object)) {
      return bad(r, "value is not a JSON object");
    }
    if (object.path("metadata").path("name").asText("").isEmpty()) {
      return bad(r, "value has no metadata.name");
    }
    if (!ObjectKey.of(object).equals(key)) {
      return bad(r, "key does not match metadata (" + ObjectKey.of(object) + ")");
    }
    Json.metadata(object).put("resourceVersion", Long.toString(r.offset()));
    return new StoreRecord(key, object, r.offset());
  }

  /**
   * A value no configured provider can read: the cache keeps the object it had (as kube's informers keep their
   * last list when a watch fails), and the apiserver answers kube's Internal error for it and for lists that
   * include it, until a readable record or a tombstone comes for the key.
   */
  /** The transformer of the configuration in use: one reference compare per record, a lookup after a reload. */
  private io.dekube.core.encryption.ValueTransformer transformer() {
    io.dekube.core.encryption.EncryptionConfig c = io.dekube.core.encryption.StoreEncryption.config();
    if (c != transformerOf) {
      transformer = io.dekube.core.encryption.StoreEncryption.transformer(c, resource);
      transformerOf = c;
    }
    return transformer;
  }

  private StoreRecord unreadable(ConsumerRecord<String, byte[]> r, ObjectKey key, String error) {
    badRecords.increment();
    String path = io.dekube.core.encryption.StoreEncryption.path(resource, r.key());
    LOG.warn("informer {}: unable to transform key \"{}\" ({}@{}): {}", resource, path, r.topic(), r.offset(), error);
    return new StoreRecord(key, null, r.offset(), new Informer.Unreadable(path, error));
  }

  private StoreRecord bad(ConsumerRecord<String, byte[]> r, String why) {
    badRecords.increment();
    LOG.warn("informer {}: skipping bad store record {}@{} key {}: {}", resource, r.topic(), r.offset(), r.key(), why);
    return null;
  }

  /** Hands a task to the informer's context, waiting while too many are queued; false when stopping. */
  private boolean post(Runnable task) {
    try {
      while (running) {
        if (inFlight.tryAcquire(100, TimeUnit.MILLISECONDS)) {
          context.runOnContext(v -> {
            try {
              task.run();
            } finally {
              inFlight.release();
            }
          });
          return true;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return false;
  }

  private void failEndRequests() {
    for (CompletableFuture<Long> f; (f = endRequests.poll()) != null; ) {
      f.completeExceptionally(new IllegalStateException("informer " + resource + " is not consuming"));
    }
  }

  private void await(long millis) {
    try {
      stopSignal.await(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }
}
