package io.dekube.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RestartIT {

    @Test
    void compactedTopicSurvivesARestartOnTheSameDataDir(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("kafka");
        String topic = "dekube.store.pods";
        String clusterId;
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(data).build().start()) {
            clusterId = kafka.clusterId();
            TestClients.createTopic(kafka.bootstrapServers(), topic, Map.of("cleanup.policy", "compact"));
            try (KafkaProducer<String, String> producer = TestClients.producer(kafka.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>(topic, "default/a", "a1"));
                producer.send(new ProducerRecord<>(topic, "default/b", "b1"));
                producer.send(new ProducerRecord<>(topic, "default/a", "a2")).get();
            }
        }
        assertTrue(Files.exists(data.resolve("meta.properties")));

        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(data).build().start()) {
            assertEquals(clusterId, kafka.clusterId());
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
                assertEquals("compact", config.get("cleanup.policy").value());
                assertEquals(clusterId, admin.describeCluster().clusterId().get());
            }
            try (KafkaConsumer<String, String> consumer = TestClients.consumer(kafka.bootstrapServers(), Map.of())) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                List<ConsumerRecord<String, String>> records = TestClients.pollUntil(consumer,
                        seen -> !seen.isEmpty() && seen.get(seen.size() - 1).offset() == 2, Duration.ofSeconds(30));
                Map<String, String> latest = new LinkedHashMap<>();
                records.forEach(r -> latest.put(r.key(), r.value()));
                assertEquals(Map.of("default/a", "a2", "default/b", "b1"), latest);
            }
        }
    }
}
