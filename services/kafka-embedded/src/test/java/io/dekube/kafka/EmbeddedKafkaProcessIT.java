package io.dekube.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaProcessIT {

    @Test
    void childProcessBrokerRoundTripsARecordAndStopsOnClose(@TempDir Path tmp) throws Exception {
        Path data = tmp.resolve("kafka");
        EmbeddedKafkaProcess kafka = EmbeddedKafkaProcess.builder()
                .dataDir(data)
                .jvmOptions(List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-XX:TieredStopAtLevel=1"))
                .start();
        long pid = kafka.pid();
        try {
            assertTrue(kafka.isAlive());
            assertTrue(kafka.bootstrapServers().matches("127\\.0\\.0\\.1:\\d+"), kafka.bootstrapServers());
            assertEquals(tmp.resolve("kafka.log"), kafka.logFile());

            String topic = "it.child";
            TestClients.createTopic(kafka.bootstrapServers(), topic, Map.of());
            try (KafkaProducer<String, String> producer = TestClients.producer(kafka.bootstrapServers(), Map.of())) {
                producer.send(new ProducerRecord<>(topic, "k", "from-parent")).get();
            }
            try (KafkaConsumer<String, String> consumer = TestClients.consumer(kafka.bootstrapServers(), Map.of())) {
                consumer.assign(List.of(new TopicPartition(topic, 0)));
                List<ConsumerRecord<String, String>> records =
                        TestClients.pollUntil(consumer, seen -> !seen.isEmpty(), Duration.ofSeconds(30));
                assertEquals(List.of("from-parent"), TestClients.values(records));
            }
        } finally {
            kafka.close();
        }
        assertFalse(kafka.isAlive());
        Optional<ProcessHandle> handle = ProcessHandle.of(pid);
        assertTrue(handle.isEmpty() || !handle.get().isAlive());
        assertTrue(Files.exists(data.resolve("meta.properties")));
        assertTrue(Files.exists(kafka.logFile()));
    }

    @Test
    void aChildNotReadyWithinTheTimeoutFailsTheStartAndIsStopped(@TempDir Path tmp) {
        long before = childrenOfThisJvm();
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> EmbeddedKafkaProcess.builder()
                .dataDir(tmp.resolve("kafka"))
                .jvmOptions(List.of("-Xmx256m", "-XX:TieredStopAtLevel=1"))
                .readyTimeout(Duration.ofMillis(300))
                .start());
        assertTrue(e.getMessage().startsWith("Kafka child did not become ready within PT0.3S"), e.getMessage());
        assertTrue(e.getMessage().contains("starting Kafka child"), e.getMessage());
        assertEquals(before, childrenOfThisJvm());
    }

    private static long childrenOfThisJvm() {
        return ProcessHandle.current().children().filter(ProcessHandle::isAlive).count();
    }
}
