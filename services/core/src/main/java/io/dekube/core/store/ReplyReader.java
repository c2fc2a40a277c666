package io.dekube.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.KafkaClientConfigs;
import io.dekube.core.bus.ReplyEnvelope;
import io.dekube.core.bus.Topics;
import io.dekube.core.encryption.BusEncryption;
import io.dekube.core.encryption.ValueTransformer;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the one {@code dekube.replies} partition a requester id hashes to, from its end, with
 * {@code read_committed}, on a dedicated thread, and hands each reply addressed to this requester to
 * a callback (on that thread). Started once, closed once.
 */
final class ReplyReader implements Runnable {

  private static final Logger LOG = LoggerFactory.getLogger(ReplyReader.class);

  private final String requesterId;
  private final Map<String, Object> config;
  private final Consumer<ReplyEnvelope> onReply;
  private final CompletableFuture<Void> ready = new CompletableFuture<>();
  private final CompletableFuture<Void> stopped = new CompletableFuture<>();
  private final Thread thread;
  private volatile boolean closing;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  ReplyReader(String bootstrapServers, String requesterId, Map<String, Object> overrides,
              Consumer<ReplyEnvelope> onReply) {
    this.requesterId = requesterId;
    this.onReply = onReply;
    Map<String, Object> c = KafkaClientConfigs.base(bootstrapServers);
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "dekube-replies-" + requesterId);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    // rule 6: woken by the commit marker, idle when idle
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, io.dekube.core.informer.Informer.IDLE_FETCH_WAIT_MS);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.putAll(overrides);
    this.config = c;
    this.thread = new Thread(this, "dekube-store-client-replies-" + requesterId);
    this.thread.setDaemon(true);
  }

  /** Starts the thread; the future completes once the reader sits at the partition's end. */
  CompletableFuture<Void> start() {
    thread.start();
    return ready;
  }

  /** Stops the thread; the future completes when the consumer is closed. Idempotent. */
  CompletableFuture<Void> close() {
    closing = true;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    if (!thread.isAlive() && !stopped.isDone()) {
      stopped.complete(null);
    }
    return stopped;
  }

  @Override
  public void run() {
    KafkaConsumer<byte[], byte[]> c = null;
    try {
      c = new KafkaConsumer<>(config);
      consumer = c;
      TopicPartition tp = seekToEnd(c);
      ready.complete(null);
      LOG.debug("requester {} reads replies from {}", requesterId, tp);
      while (!closing) {
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          dispatch(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      if (!ready.isDone()) {
        ready.completeExceptionally(e);
      } else if (!closing) {
        LOG.error("reply reader of requester {} failed", requesterId, e);
      }
    } finally {
      if (c != null) {
        // no group, nothing to commit: no need to wait for the broker to end the fetch session, whose
        // request queues behind the fetch parked up to IDLE_FETCH_WAIT_MS (20 s a close otherwise)
        c.close(CloseOptions.timeout(Duration.ZERO));
      }
      stopped.complete(null);
    }
  }

  private TopicPartition seekToEnd(KafkaConsumer<byte[], byte[]> c) {
    List<PartitionInfo> parts = c.partitionsFor(Topics.REPLIES);
    if (parts == null || parts.isEmpty()) {
      throw new IllegalStateException("topic " + Topics.REPLIES + " does not exist");
    }
    TopicPartition tp = new TopicPartition(Topics.REPLIES, BusPartitioner.partition(requesterId, parts.size()));
    c.assign(List.of(tp));
    c.seekToEnd(List.of(tp));
    c.position(tp); // resolve the lazy seek now: replies to requests sent after start are never missed
    return tp;
  }

  /** The reply with its sealed payload opened; one that cannot be read answers its request 500 with the error. */
  private static ReplyEnvelope open(ObjectNode n) {
    try {
      return ReplyEnvelope.fromJson(BusEncryption.openReply(n));
    } catch (ValueTransformer.TransformException e) {
      LOG.warn("unable to transform the reply to request {} ({}): {}", n.path("requestId").asText(),
          n.path("resource").asText(), e.getMessage());
      return new ReplyEnvelope(n.path("requestId").asText(""), n.path("requester").asText(""), 500, null,
          StatusException.internal("Internal error occurred: unable to transform the reply for "
              + n.path("resource").asText() + ": " + e.getMessage()).toStatus());
    }
  }

  private void dispatch(ConsumerRecord<byte[], byte[]> r) {
    if (r.value() == null) {
      return;
    }
    try {
      JsonNode n = Json.MAPPER.readTree(r.value());
      if (!requesterId.equals(n.path("requester").asText())) {
        return; // another requester hashing to the same partition
      }
      onReply.accept(open((ObjectNode) n));
    } catch (Exception e) {
      LOG.warn("unreadable reply at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(), e.toString());
    }
  }
}
