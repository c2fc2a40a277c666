package io.dekube.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;

@WithKafka
class EmbeddedKafkaIT {

    @Test
    void producesAndConsumesThroughAConsumerGroup(@KafkaBootstrap String bootstrap, EmbeddedKafka kafka)
            throws Exception {
        assertEquals(kafka.bootstrapServers(), bootstrap);
        assertEquals(bootstrap, KafkaBrokerExtension.bootstrapServers());
        assertSame(kafka, KafkaBrokerExtension.broker());
        assertTrue(kafka.port() > 0);
        assertEquals("127.0.0.1:" + kafka.port(), bootstrap);

        String topic = "it.roundtrip";
        TestClients.createTopic(bootstrap, topic, Map.of());
        RecordMetadata sent;
        try (KafkaProducer<String, String> producer = TestClients.producer(bootstrap, Map.of())) {
            sent = producer.send(new ProducerRecord<>(topic, "default/pod-a", "{\"kind\":\"Pod\"}")).get();
        }
        assertEquals(0, sent.offset());

        try (KafkaConsumer<String, String> consumer = TestClients.consumer(bootstrap,
                Map.of(ConsumerConfig.GROUP_ID_CONFIG, "it.roundtrip.group"))) {
            consumer.subscribe(List.of(topic));
            List<ConsumerRecord<String, String>> records =
                    TestClients.pollUntil(consumer, seen -> !seen.isEmpty(), Duration.ofSeconds(30));
            assertEquals(1, records.size());
            assertEquals("default/pod-a", records.get(0).key());
            assertEquals("{\"kind\":\"Pod\"}", records.get(0).value());
            consumer.commitSync();
        }
    }
}
