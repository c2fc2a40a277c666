package io.dekube.store.writer;

import io.dekube.core.bus.KafkaClientConfigs;
import io.dekube.core.bus.Topics;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The writer's Kafka clients and why each setting is what it is (DESIGN.md, "Writer rules").
 * Stateless apart from the config; any thread.
 */
final class KafkaClients {

  /** Transactional id of the producer owning request partition {@code p}: fixed, so a new owner fences the old. */
  static String transactionalId(int partition) {
    return "dekube-writer-" + partition;
  }

  private final WriterConfig config;

  KafkaClients(WriterConfig config) {
    this.config = config;
  }

  /** The bootstrap servers every client of this writer uses. */
  String bootstrapServers() {
    return config.bootstrapServers();
  }

  /** The transactional producer of one request partition. {@code initTransactions()} is the caller's. */
  KafkaProducer<byte[], byte[]> producer(int partition) {
    Map<String, Object> c = base();
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "dekube-" + config.writerId() + "-p" + partition);
    c.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId(partition));
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 0); // rule 6: the batch is the transaction, not the linger
    c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5); // rule 6: 100 ms default stalls on CONCURRENT_TRANSACTIONS
    c.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 10);
    c.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, (int) config.transactionTimeout().toMillis()); // rule 1
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.BATCH_SIZE_CONFIG, 64 * 1024);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.putAll(config.kafka());
    return new KafkaProducer<>(c);
  }

  /** The idempotent, non-transactional producer answering read-only batches. */
  KafkaProducer<byte[], byte[]> replyProducer() {
    Map<String, Object> c = base();
    c.put(ProducerConfig.CLIENT_ID_CONFIG, "dekube-" + config.writerId() + "-reads");
    c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    c.put(ProducerConfig.ACKS_CONFIG, "all");
    c.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    c.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5);
    c.put(ProducerConfig.RETRY_BACKOFF_MAX_MS_CONFIG, 100);
    c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000);
    c.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000);
    c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, 4 * 1024 * 1024);
    c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    c.putAll(config.kafka());
    return new KafkaProducer<>(c);
  }

  /** The group consumer of {@code dekube.requests}. */
  KafkaConsumer<byte[], byte[]> groupConsumer() {
    Map<String, Object> c = base();
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "dekube-" + config.writerId() + "-requests");
    c.put(ConsumerConfig.GROUP_ID_CONFIG, Topics.WRITERS_GROUP);
    if (config.groupInstanceId() != null) {
      c.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, config.groupInstanceId()); // rule 9: static membership
    }
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false); // offsets commit inside the transaction (KIP-447)
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, config.maxPollRecords());
    // rule 6: never 0 (busy polling); a waiting fetch is woken by new data, so it costs no latency
    // in steady state. Not longer: while a fetch is parked the consumer sends no other fetch to that
    // broker, so partitions resumed after a rebuild (a restart, a rebalance) would wait for it; at
    // 5 s a create after a broker restart took more than 5 s (ExternalKafkaRestartIT)
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 500);
    c.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) config.sessionTimeout().toMillis());
    c.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, (int) Math.max(500, config.sessionTimeout().toMillis() / 3));
    c.put(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, (int) config.maxPollInterval().toMillis());
    c.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.putAll(config.kafka());
    return new KafkaConsumer<>(c);
  }

  /** A group-less read_committed consumer for rebuilding state from store topics. */
  KafkaConsumer<byte[], byte[]> storeReader(String purpose) {
    Map<String, Object> c = base();
    c.put(ConsumerConfig.CLIENT_ID_CONFIG, "dekube-" + config.writerId() + "-" + purpose);
    c.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    c.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
    c.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    c.putAll(config.kafka());
    return new KafkaConsumer<>(c);
  }

  Admin admin() {
    Map<String, Object> c = base();
    c.put(AdminClientConfig.CLIENT_ID_CONFIG, "dekube-" + config.writerId() + "-admin");
    c.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
    c.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
    c.putAll(config.kafka());
    return Admin.create(c);
  }

  private Map<String, Object> base() {
    return KafkaClientConfigs.base(config.bootstrapServers());
  }
}
