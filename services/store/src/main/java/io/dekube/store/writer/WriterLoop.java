package io.dekube.store.writer;

import io.dekube.core.bus.Topics;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.BusPartitioner;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The writer's Kafka loop, on its own thread: polls {@code dekube.requests} in the
 * {@code dekube-writers} group, keeps a {@link PartitionWriter} per owned partition, rebuilds new
 * partitions incrementally while still polling (their partitions paused, writer rule 3), and commits
 * each poll batch per partition with the {@link BatchCommitter}. All Kafka clients are used on this
 * thread only; other threads call {@link #stop}, {@link #kill} and read {@link #readyPartitions}.
 */
final class WriterLoop implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(WriterLoop.class);
  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  /** Writer rule 7: a poll answered from the fetch that arrived during the last transaction returns this fast. */
  private static final long AT_ONCE_NANOS = 1_000_000;
  /** Writer rule 7: how long the second poll waits for the requests that landed during that transaction. */
  private static final Duration FILL_POLL = Duration.ofMillis(2);
  private static final Duration REBUILD_POLL = Duration.ofMillis(5);
  private static final Duration REBUILD_STEP = Duration.ofMillis(50);
  /** Consecutive aborts after which a partition's batches are cut to one request. */
  static final int ISOLATE_AFTER = 3;
  /** Consecutive aborts after which that one request is answered 500 and skipped. */
  static final int GIVE_UP_AFTER = 5;

  private final WriterConfig config;
  private final ResourceRegistry registry;
  private final RequestProcessor processor;
  private final WriterTestHooks hooks;
  private final KafkaClients clients;
  private final Map<Integer, PartitionWriter> writers = new TreeMap<>();
  private final CompletableFuture<Void> firstAssignment = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private volatile boolean stopping;
  private volatile boolean killed;
  private volatile Set<Integer> ready = Set.of();
  private final java.util.concurrent.atomic.AtomicInteger fatalRecoveries = new java.util.concurrent.atomic.AtomicInteger();
  private volatile KafkaConsumer<byte[], byte[]> consumer;
  private boolean assignedOnce;
  private long joinedAt;
  private long polls;
  private long initRetryAt;
  private int requestPartitions;
  private int replyPartitions;
  private StoreRebuilder rebuilder;
  private KafkaProducer<byte[], byte[]> readReplies;
  private BatchCommitter committer;
  /** Whether the admission's caches are synced; rebuilt partitions answer only once it is true. */
  private volatile java.util.function.BooleanSupplier admissionReady = () -> true;
  /** Partitions rebuilt while the admission's caches were still syncing: they answer once those are. */
  private final List<PartitionWriter> held = new java.util.ArrayList<>();

  WriterLoop(WriterConfig config, ResourceRegistry registry, RequestProcessor processor, WriterTestHooks hooks) {
    this.config = config;
    this.registry = registry;
    this.processor = processor;
    this.hooks = hooks;
    this.clients = new KafkaClients(config);
  }

  /** Completes once the first assignment (possibly empty) is rebuilt and answered from. */
  CompletableFuture<Void> firstAssignment() {
    return firstAssignment;
  }

  /** Completes when the loop thread has closed its clients. */
  CompletableFuture<Void> stopped() {
    return stopped;
  }

  /** The partitions this writer currently answers. Any thread. */
  Set<Integer> readyPartitions() {
    return ready;
  }

  /** How often a producer was fenced or failed fatally and its partition re-initialized. Any thread. */
  int fatalRecoveries() {
    return fatalRecoveries.get();
  }

  /** Clean stop: finishes the batch in hand, closes the producers, leaves the group. Any thread. */
  void stop() {
    stopping = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }

  /**
   * For tests: dies like a crashed process: the next commit (or loop turn) stops without committing,
   * producers close without aborting, the consumer closes without leaving the group. Any thread.
   */
  void kill() {
    killed = true;
    stop();
  }

  @Override
  public void run() {
    Admin admin = null;
    KafkaConsumer<byte[], byte[]> c = null;
    try {
      admin = clients.admin();
      c = clients.groupConsumer();
      consumer = c;
      rebuilder = new StoreRebuilder(clients, admin);
      requestPartitions = c.partitionsFor(Topics.REQUESTS).size();
      replyPartitions = c.partitionsFor(Topics.REPLIES).size();
      committer = new BatchCommitter(new RequestParser(registry, config.maxRequestBytes()), processor, rebuilder,
          new RecentReplies(config.recentRequests(), config.recentReplyBytes()), new WriterMetrics(), hooks,
          () -> killed, config.maxReplyBytes(), this::readReplies);
      c.subscribe(List.of(Topics.REQUESTS), new Listener());
      joinedAt = System.nanoTime();
      LOG.info("writer {} joined group {} ({} request partitions{})", config.writerId(), Topics.WRITERS_GROUP,
          requestPartitions, config.groupInstanceId() == null ? "" : ", static member " + config.groupInstanceId());
      loop(c);
    } catch (Failures.Killed e) {
      // close() below says so
    } catch (RuntimeException e) {
      LOG.error("writer {} loop failed", config.writerId(), e);
      firstAssignment.completeExceptionally(e);
    } finally {
      close(c, admin);
      ready = Set.of();
      firstAssignment.completeExceptionally(new IllegalStateException("writer stopped"));
      stopped.complete(null);
    }
  }

  private KafkaProducer<byte[], byte[]> readReplies() {
    if (readReplies == null) {
      readReplies = clients.replyProducer();
    }
    return readReplies;
  }

  /** Clean: producers flush and close, the consumer leaves the group. Killed: nothing is waited for. */
  private void close(KafkaConsumer<byte[], byte[]> c, Admin admin) {
    Duration wait = killed ? Duration.ZERO : Duration.ofSeconds(5);
    writers.values().forEach(w -> w.closeProducer(wait));
    if (readReplies != null) {
      readReplies.close(wait);
    }
    try {
      if (c != null) {
        // clean: leave the group even as a static member (rule 9), so the partitions move at once
        c.close(killed ? CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.REMAIN_IN_GROUP)
            .withTimeout(Duration.ZERO) : CloseOptions.groupMembershipOperation(
            CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(wait));
      }
    } catch (RuntimeException e) {
      LOG.debug("closing the group consumer: {}", e.toString());
    }
    if (rebuilder != null) {
      rebuilder.close();
    }
    if (producerInits != null) {
      producerInits.shutdownNow();
    }
    if (admin != null) {
      admin.close(wait);
    }
    LOG.info("writer {} {}", config.writerId(), killed ? "killed" : "stopped");
  }

  private void loop(KafkaConsumer<byte[], byte[]> c) {
    while (!stopping) {
      try {
        Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> batches = pollBatches(c);
        for (Map.Entry<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> e : batches.entrySet()) {
          commitBatch(c, e.getKey(), e.getValue());
        }
        advanceRebuilds(c);
        publishReady();
      } catch (WakeupException e) {
        // stop() or kill()
      } catch (Failures.Killed e) {
        throw e;
      } catch (RuntimeException e) {
        if (killed) {
          throw new Failures.Killed();
        }
        LOG.error("writer {} loop error; continuing", config.writerId(), e);
        sleepQuietly(500);
      }
    }
    if (killed) {
      throw new Failures.Killed();
    }
  }

  /**
   * One poll, and (writer rule 7) when it returned at once with several records — fetched while the last
   * transaction ran — a second short one, so that the requests that landed during that transaction join this one
   * instead of waiting for the next. Records per partition, in offset order.
   */
  private Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> pollBatches(KafkaConsumer<byte[], byte[]> c) {
    long t0 = System.nanoTime();
    ConsumerRecords<byte[], byte[]> records = c.poll(rebuilder.active() || anyInit() ? REBUILD_POLL : IDLE_POLL);
    polls++;
    Map<TopicPartition, List<ConsumerRecord<byte[], byte[]>>> batches = new java.util.LinkedHashMap<>();
    for (TopicPartition tp : records.partitions()) {
      batches.put(tp, new java.util.ArrayList<>(records.records(tp)));
    }
    // a single request that came during the last transaction says requests arrive slowly: waiting
    // FILL_POLL for a second one would only delay it (a lone client would wait 2 ms on every create)
    if (records.count() >= 2 && System.nanoTime() - t0 < AT_ONCE_NANOS) {
      ConsumerRecords<byte[], byte[]> more = c.poll(FILL_POLL);
      polls++;
      for (TopicPartition tp : more.partitions()) {
        batches.computeIfAbsent(tp, k -> new java.util.ArrayList<>()).addAll(more.records(tp));
      }
    }
    return batches;
  }

  private void commitBatch(KafkaConsumer<byte[], byte[]> c, TopicPartition tp,
                           List<ConsumerRecord<byte[], byte[]>> records) {
    if (!c.assignment().contains(tp)) {
      return; // revoked during the second poll: its next owner reads these from the committed offset
    }
    PartitionWriter pw = writers.get(tp.partition());
    if (pw == null || pw.phase() != PartitionWriter.Phase.READY) {
      c.seek(tp, records.get(0).offset()); // not ours to answer yet: read these again later
      c.pause(List.of(tp));
      return;
    }
    // a batch that keeps aborting is split, then its first request is answered 500 and skipped
    List<ConsumerRecord<byte[], byte[]>> batch = pw.abortStreak() >= ISOLATE_AFTER ? records.subList(0, 1) : records;
    try {
      if (pw.abortStreak() >= GIVE_UP_AFTER) {
        committer.commitAsFailed(pw, batch.get(0), c.groupMetadata(), requestPartitions, replyPartitions,
            pw.lastAbort());
      } else {
        committer.commit(pw, batch, c.groupMetadata(), requestPartitions, replyPartitions);
      }
      pw.committed();
      if (batch.size() < records.size()) {
        c.seek(tp, records.get(batch.size()).offset());
      }
    } catch (Failures.Killed e) {
      throw e;
    } catch (Exception e) {
      if (killed) {
        throw new Failures.Killed();
      }
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      recover(c, pw, e, batch.get(0).offset());
    }
  }

  /**
   * Writer rule 4: abort and read the batch again (from {@code batchStart}, where the last commit left
   * the partition), or, when fatal, a new producer and a rebuild (then the committed offset decides,
   * since a failed commit may still have committed).
   */
  private void recover(KafkaConsumer<byte[], byte[]> c, PartitionWriter pw, Exception e, long batchStart) {
    TopicPartition tp = pw.topicPartition();
    if (e instanceof Failures.ReadsNotAnswered) {
      c.seek(tp, batchStart);
      LOG.warn("request partition {}: replies to reads not sent ({}); reading again", pw.partition(), e.toString());
      return;
    }
    if (!Failures.fatal(e)) {
      try {
        pw.producer().abortTransaction();
        pw.aborted(e.toString());
        c.seek(tp, batchStart);
        LOG.warn("request partition {}: transaction aborted ({}); reading the batch again",
            pw.partition(), e.toString());
        return;
      } catch (RuntimeException abortFailed) {
        LOG.warn("request partition {}: abort failed ({})", pw.partition(), abortFailed.toString());
      }
    }
    LOG.warn("request partition {}: producer fenced or failed ({}); re-initializing and rebuilding", pw.partition(),
        e.toString());
    fatalRecoveries.incrementAndGet();
    rebuilder.cancel(pw);
    held.remove(pw);
    pw.reset(polls);
    c.pause(List.of(tp));
  }

  private void advanceRebuilds(KafkaConsumer<byte[], byte[]> c) {
    if (System.currentTimeMillis() >= initRetryAt) {
      List<PartitionWriter> starting = writers.values().stream()
          .filter(pw -> pw.phase() == PartitionWriter.Phase.INIT && polls > pw.resetAtPoll() && stillMember(c)
              && c.assignment().contains(pw.topicPartition())).toList();
      startRebuilds(starting);
    }
    if (rebuilder.active()) {
      List<PartitionWriter> rebuilt = rebuilder.step(REBUILD_STEP);
      if (!rebuilt.isEmpty()) {
        try {
          seekToCommitted(c, rebuilt.stream().map(PartitionWriter::topicPartition).collect(Collectors.toSet()));
        } catch (RuntimeException e) {
          LOG.warn("request partitions {}: cannot read their committed offsets ({}); retrying",
              rebuilt.stream().map(PartitionWriter::partition).toList(), e.toString());
          rebuilt.forEach(pw -> pw.reset(polls));
          initRetryAt = System.currentTimeMillis() + 1000;
          rebuilt = List.of();
        }
      }
      held.addAll(rebuilt);
    }
    if (!held.isEmpty() && admissionReady.getAsBoolean()) {
      for (PartitionWriter pw : held) {
        // still this writer's, and not started again meanwhile (a fatal error resets it to INIT)
        if (writers.get(pw.partition()) == pw && pw.phase() == PartitionWriter.Phase.REBUILDING
            && c.assignment().contains(pw.topicPartition())) {
          pw.ready();
          c.resume(List.of(pw.topicPartition()));
        }
      }
      held.clear();
    }
    if (assignedOnce && !firstAssignment.isDone()
        && writers.values().stream().allMatch(w -> w.phase() == PartitionWriter.Phase.READY)) {
      LOG.info("writer {} answers request partitions {}", config.writerId(), writers.keySet());
      firstAssignment.complete(null);
    }
  }

  /**
   * Starts rebuilding {@code starting}. Their transactional producers are initialised side by side
   * (each {@code initTransactions} is a round trip to the coordinator, which also fences the previous
   * incarnation): after a restart the twelve partitions wait for one round trip, not for twelve.
   */
  private void startRebuilds(List<PartitionWriter> starting) {
    if (starting.isEmpty()) {
      return;
    }
    Map<PartitionWriter, CompletableFuture<Void>> inits = new java.util.LinkedHashMap<>();
    for (PartitionWriter pw : starting) {
      inits.put(pw, CompletableFuture.runAsync(() -> pw.initProducer(clients), producerInits()));
    }
    inits.forEach((pw, init) -> {
      try {
        init.join();
        rebuilder.start(pw, resourcesOf(pw.partition()));
      } catch (Exception e) {
        if (e instanceof InterruptedException) {
          Thread.currentThread().interrupt();
        }
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null
            ? e.getCause() : e;
        LOG.warn("request partition {}: cannot start rebuilding ({}); retrying", pw.partition(), cause.toString());
        rebuilder.cancel(pw);
        pw.reset(polls);
        initRetryAt = System.currentTimeMillis() + 1000;
      }
    });
  }

  private java.util.concurrent.ExecutorService producerInits;

  /** Threads for initialising producers side by side, made on first use and ended with the loop. */
  private java.util.concurrent.ExecutorService producerInits() {
    if (producerInits == null) {
      producerInits = java.util.concurrent.Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "dekube-writer-" + config.writerId() + "-producer-init");
        t.setDaemon(true);
        return t;
      });
    }
    return producerInits;
  }

  /** False after the group dropped this member (e.g. it was frozen past max.poll.interval.ms). */
  private static boolean stillMember(KafkaConsumer<byte[], byte[]> c) {
    return c.groupMetadata().generationId() > 0;
  }

  /** The resources whose requests land on {@code partition} (keyed by resource name). */
  private Collection<ResourceType> resourcesOf(int partition) {
    return registry.all().stream()
        .filter(t -> BusPartitioner.partition(t.resourceName(), requestPartitions) == partition).toList();
  }

  /** Seeks each partition to its committed offset (one round trip for all), or to its start. */
  private void seekToCommitted(KafkaConsumer<byte[], byte[]> c, Set<TopicPartition> tps) {
    Map<TopicPartition, OffsetAndMetadata> committed = c.committed(tps);
    for (TopicPartition tp : tps) {
      OffsetAndMetadata at = committed.get(tp);
      if (at != null) {
        c.seek(tp, at);
      } else {
        c.seekToBeginning(List.of(tp));
      }
    }
  }

  private boolean anyInit() {
    return !held.isEmpty() || writers.values().stream().anyMatch(w -> w.phase() == PartitionWriter.Phase.INIT);
  }

  /** Rebuilt partitions answer only once {@code ready} says the admission's caches are synced; before start. */
  void answerOnceAdmissionReady(java.util.function.BooleanSupplier ready) {
    this.admissionReady = ready;
  }

  private void publishReady() {
    Set<Integer> r = new TreeSet<>();
    writers.values().stream().filter(w -> w.phase() == PartitionWriter.Phase.READY).forEach(w -> r.add(w.partition()));
    if (!r.equals(ready)) {
      ready = Set.copyOf(r);
    }
  }

  private static void sleepQuietly(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Runs inside {@code poll()} on the loop thread. */
  private final class Listener implements ConsumerRebalanceListener {

    @Override
    public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
      if (killed) {
        return;
      }
      assignedOnce = true;
      for (TopicPartition tp : partitions) {
        writers.put(tp.partition(), new PartitionWriter(tp.partition()));
      }
      consumer.pause(partitions);
      if (!partitions.isEmpty()) {
        LOG.info("writer {} assigned request partitions {} {} ms after joining the group", config.writerId(),
            partitions.stream().map(TopicPartition::partition).sorted().toList(),
            (System.nanoTime() - joinedAt) / 1_000_000);
      }
    }

    @Override
    public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
      release(partitions, Duration.ofSeconds(5), "revoked");
    }

    @Override
    public void onPartitionsLost(Collection<TopicPartition> partitions) {
      release(partitions, Duration.ZERO, "lost");
    }

    /** A revoked partition hands over the offsets of reads answered since its last transaction. */
    private void commitAnsweredReads(PartitionWriter pw, Duration timeout) {
      if (pw.readsAnsweredUpTo() < 0 || timeout.isZero()) {
        return;
      }
      try {
        consumer.commitSync(Map.of(pw.topicPartition(), new OffsetAndMetadata(pw.readsAnsweredUpTo())), timeout);
      } catch (RuntimeException e) {
        LOG.debug("request partition {}: offsets of answered reads not committed: {}", pw.partition(), e.toString());
      }
    }

    private void release(Collection<TopicPartition> partitions, Duration timeout, String how) {
      if (killed) {
        return;
      }
      for (TopicPartition tp : partitions) {
        PartitionWriter pw = writers.remove(tp.partition());
        if (pw != null) {
          commitAnsweredReads(pw, timeout);
          rebuilder.cancel(pw);
          pw.closeProducer(timeout); // between batches: no transaction is open
        }
      }
      if (!partitions.isEmpty()) {
        LOG.info("writer {} {} request partitions {}", config.writerId(), how,
            partitions.stream().map(TopicPartition::partition).sorted().toList());
        publishReady();
      }
    }
  }
}
