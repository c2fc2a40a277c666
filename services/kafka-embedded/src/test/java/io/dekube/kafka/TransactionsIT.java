package io.dekube.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

@WithKafka
class TransactionsIT {

    private static final Logger LOG = LoggerFactory.getLogger(TransactionsIT.class);

    @Test
    void readCommittedSeesCommittedAndNotAbortedRecords(@KafkaBootstrap String bootstrap) throws Exception {
        String topic = "it.txn";
        TestClients.createTopic(bootstrap, topic, Map.of());
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of(
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "it-txn-writer",
                ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000,
                ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5))) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "committed"));
            producer.commitTransaction();

            producer.beginTransaction();
            producer.send(new ProducerRecord<>(topic, "k", "aborted"));
            producer.flush();
            producer.abortTransaction();

            // many small transactions, one after the other (the time is logged, not asserted)
            int n = 50;
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                producer.beginTransaction();
                producer.send(new ProducerRecord<>(topic, "k", "batch-" + i));
                producer.commitTransaction();
            }
            LOG.info("{} single-record transactions: {} ms each on average", n,
                    TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0) / (double) n);
        }

        TopicPartition tp = new TopicPartition(topic, 0);
        String last = "batch-49";
        try (KafkaConsumer<String, String> committed = TestClients.consumer(bootstrap,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"))) {
            committed.assign(List.of(tp));
            List<ConsumerRecord<String, String>> records = TestClients.pollUntil(committed,
                    seen -> TestClients.values(seen).contains(last), Duration.ofSeconds(30));
            List<String> values = TestClients.values(records);
            assertFalse(values.contains("aborted"), values.toString());
            assertEquals(1 + 50, values.size(), values.toString());
            assertEquals("committed", values.get(0));
            assertEquals("batch-0", values.get(1));
        }
        try (KafkaConsumer<String, String> uncommitted = TestClients.consumer(bootstrap,
                Map.of(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"))) {
            uncommitted.assign(List.of(tp));
            List<ConsumerRecord<String, String>> records = TestClients.pollUntil(uncommitted,
                    seen -> TestClients.values(seen).contains(last), Duration.ofSeconds(30));
            assertEquals(List.of("committed", "aborted", "batch-0"), TestClients.values(records).subList(0, 3));
        }
    }
}
