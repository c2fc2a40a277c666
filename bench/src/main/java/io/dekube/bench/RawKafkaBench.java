package io.dekube.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The ceiling the store is measured against: one transactional producer appending records of
 * the same size to a compacted single-partition topic, {@code batch} records per transaction,
 * as fast as the broker commits. Runs on the calling thread (plain Java, no Vert.x).
 */
final class RawKafkaBench {

  private RawKafkaBench() {
  }

  static LatencyRecorder.Result run(String bootstrap, String topic, String value, int batch, Duration duration)
      throws Exception {
    Map<String, Object> cfg = Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dekube-bench-raw-" + UUID.randomUUID(),
        ProducerConfig.LINGER_MS_CONFIG, 0,
        ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5,
        ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class);
    LatencyRecorder rec = new LatencyRecorder();
    try (KafkaProducer<String, String> producer = new KafkaProducer<>(cfg)) {
      producer.initTransactions();
      long start = System.nanoTime();
      long end = start + duration.toNanos();
      long n = 0;
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        producer.beginTransaction();
        List<Future<RecordMetadata>> sent = new ArrayList<>(batch);
        for (int i = 0; i < batch; i++) {
          sent.add(producer.send(new ProducerRecord<>(topic, "bench/raw-" + n++, value)));
        }
        for (Future<RecordMetadata> f : sent) {
          f.get();
        }
        producer.commitTransaction();
        long dt = System.nanoTime() - t0;
        for (int i = 0; i < batch; i++) {
          rec.record(dt);
        }
      }
      return rec.result("raw Kafka, " + batch + " records/txn", 1, (System.nanoTime() - start) / 1e9);
    }
  }
}
