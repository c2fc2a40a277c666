package io.dekube.store.writer;

import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Shared set-up of the writer ITs: topics, test-sized writer configs, blocking waits. */
final class WriterItSupport {

  private WriterItSupport() {
  }

  /** Creates every bus and store topic (idempotent). */
  static void ensureTopics(String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, ResourceRegistry.builtIn().all(), (short) 1);
    }
  }

  /** Writer settings for tests: fast failure detection (session and poll interval 6 s, the broker minimum). */
  static WriterConfig config(String bootstrap, String id) {
    return WriterConfig.defaults(bootstrap).withWriterId(id).withSessionTimeout(Duration.ofSeconds(6))
        .withMaxPollInterval(Duration.ofSeconds(6)).withTransactionTimeout(Duration.ofSeconds(10));
  }

  /** Waits for {@code f}; throws its own failure (not wrapped). */
  static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(90, TimeUnit.SECONDS);
    } catch (java.util.concurrent.ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  /** Closes clients, then the Vert.x instance. */
  static void close(List<StoreClient> clients, Vertx vertx) throws Exception {
    if (clients != null) {
      await(Future.all(clients.stream().map(StoreClient::close).toList()));
    }
    if (vertx != null) {
      await(vertx.close());
    }
  }

  /** A read_committed reader of {@code requester}'s partition of dekube.replies, from its current end. */
  static org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> replyReader(String bootstrap,
                                                                                      String requester) {
    var c = new org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]>(Map.of(
        org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        org.apache.kafka.clients.consumer.ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        org.apache.kafka.clients.consumer.ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.ByteArrayDeserializer.class,
        org.apache.kafka.clients.consumer.ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
        org.apache.kafka.common.serialization.ByteArrayDeserializer.class));
    var tp = new org.apache.kafka.common.TopicPartition(io.dekube.core.bus.Topics.REPLIES,
        io.dekube.core.store.BusPartitioner.partition(requester, c.partitionsFor(io.dekube.core.bus.Topics.REPLIES).size()));
    c.assign(List.of(tp));
    c.seekToEnd(List.of(tp));
    c.position(tp);
    return c;
  }

  static List<StoreClient> clients(Vertx vertx, String bootstrap, int n, String prefix) throws Exception {
    List<Future<StoreClient>> fs = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      fs.add(StoreClient.start(vertx, StoreClientOptions.of(bootstrap).withRequesterId(prefix + "-" + i)));
    }
    List<StoreClient> out = new ArrayList<>();
    for (Future<StoreClient> f : fs) {
      out.add(await(f));
    }
    return out;
  }
}
