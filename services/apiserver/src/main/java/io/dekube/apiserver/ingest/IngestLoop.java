package io.dekube.apiserver.ingest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Topics;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest consumer's own thread: polls {@code dekube.ingest} one record at a time, has the
 * {@link IngestApplier} apply it on the verticle's context, writes its results and only then
 * commits the record's offset (at least once: a record whose results were not written is applied
 * again, which server-side apply makes harmless). Never runs on an event loop.
 */
final class IngestLoop {

  private static final Logger LOG = LoggerFactory.getLogger(IngestLoop.class);
  private static final long RECORD_TIMEOUT_S = 600;

  private final String bootstrapServers;
  private final Context context;
  private final IngestApplier applier;
  private volatile boolean running = true;
  private KafkaConsumer<String, String> consumer;
  private KafkaProducer<String, String> producer;
  private Thread thread;

  IngestLoop(String bootstrapServers, Context context, IngestApplier applier) {
    this.bootstrapServers = bootstrapServers;
    this.context = context;
    this.applier = applier;
  }

  /** Blocking: creates the clients and starts the thread. */
  void start() {
    consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, IngestVerticle.GROUP,
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1,
        ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) TimeUnit.SECONDS.toMillis(RECORD_TIMEOUT_S + 60),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        // an idle cluster stays idle: the broker answers a parked fetch as soon as a record lands
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, Informer.IDLE_FETCH_WAIT_MS),
        new StringDeserializer(), new StringDeserializer());
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 0),
        new StringSerializer(), new StringSerializer());
    consumer.subscribe(List.of(Topics.INGEST));
    thread = new Thread(this::run, "dekube-ingest");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofSeconds(30))) {
          handle(r);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      LOG.error("ingest consumer stopped: {}", e.toString(), e);
    } finally {
      // leaving the group takes milliseconds; what a longer close waits for is the fetch session's end,
      // whose request queues behind the fetch parked up to IDLE_FETCH_WAIT_MS (5 s of every stop before)
      consumer.close(Duration.ofSeconds(1));
      producer.close(Duration.ofSeconds(5));
    }
  }

  private void handle(ConsumerRecord<String, String> r) {
    TopicPartition tp = new TopicPartition(r.topic(), r.partition());
    String key = r.key() == null ? "" : r.key();
    try {
      IngestResults.Source source = new IngestResults.Source(key, r.topic(), r.partition(), r.offset());
      org.apache.kafka.common.header.Header sealed = r.headers().lastHeader(
          io.dekube.core.encryption.BusEncryption.INGEST_HEADER);
      List<ObjectNode> results;
      if (sealed == null) {
        results = applyOnContext(source, r.value());
      } else {
        String resource = new String(sealed.value(), java.nio.charset.StandardCharsets.UTF_8);
        try {
          results = applyOnContext(source, io.dekube.core.encryption.BusEncryption.openIngest(resource, key,
              r.value() == null ? "" : r.value()));
        } catch (io.dekube.core.encryption.ValueTransformer.TransformException e) {
          results = List.of(IngestResults.failed(source, 0, 1, io.dekube.core.model.StatusException.internal(
              "Internal error occurred: unable to transform the ingest record for " + resource + ": "
              + e.getMessage())));
        }
      }
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (ObjectNode result : results) {
        sent.add(producer.send(new ProducerRecord<>(Topics.INGEST_RESULTS, key, Json.MAPPER.writeValueAsString(result))));
      }
      for (Future<RecordMetadata> f : sent) {
        f.get(RECORD_TIMEOUT_S, TimeUnit.SECONDS);
      }
      consumer.commitSync(Map.of(tp, new OffsetAndMetadata(r.offset() + 1)));
      LOG.info("ingest {} (key {}): {} document(s) applied, {} failed", tp + "@" + r.offset(), key,
          results.stream().filter(n -> n.path("ok").asBoolean()).count(),
          results.stream().filter(n -> !n.path("ok").asBoolean()).count());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    } catch (WakeupException e) {
      throw e;
    } catch (Exception e) {
      // not applied or results not written: read the record again
      LOG.warn("ingest {}@{} failed, retried: {}", tp, r.offset(), e.toString());
      consumer.seek(tp, r.offset());
      pause();
    }
  }

  /** A second before the retry (this thread only, never an event loop). */
  private void pause() {
    try {
      Thread.sleep(1000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  private List<ObjectNode> applyOnContext(IngestResults.Source source, String text) throws Exception {
    Promise<List<ObjectNode>> done = Promise.promise();
    context.runOnContext(v -> applier.apply(source, text).onComplete(done));
    return done.future().toCompletionStage().toCompletableFuture().get(RECORD_TIMEOUT_S, TimeUnit.SECONDS);
  }

  /** Blocking: stops the thread and closes the clients. */
  void close() throws InterruptedException {
    running = false;
    if (consumer != null) {
      consumer.wakeup();
    }
    if (thread != null) {
      thread.join(TimeUnit.SECONDS.toMillis(15));
    }
  }
}
