package io.dekube.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three KRaft nodes in one JVM: a topic replicated on all three keeps every acknowledged record while one stops. */
class EmbeddedKafkaQuorumIT {

  @Test
  void aTopicKeepsEveryAcknowledgedRecordWhileItsLeaderStopsAndComesBack(@TempDir Path dir) throws Exception {
    try (EmbeddedKafkaQuorum kafka = EmbeddedKafkaQuorum.start(dir, 3);
         Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      assertEquals(3, admin.describeCluster().nodes().get().size());
      // no replication factor given: the cluster's default, every node
      admin.createTopics(List.of(new NewTopic("it.quorum", Optional.of(1), Optional.empty()))).all().get();
      // the node the admin asks may learn of the new topic a moment after the controller created it
      TopicDescription topic = Awaitility.await("the topic's metadata on every node").atMost(Duration.ofSeconds(30))
          .ignoreExceptions().until(() -> admin.describeTopics(List.of("it.quorum")).allTopicNames().get()
              .get("it.quorum"), t -> t.partitions().get(0).leader() != null);
      assertEquals(3, topic.partitions().get(0).replicas().size());
      int leader = topic.partitions().get(0).leader().id();

      List<String> sent = new ArrayList<>();
      try (KafkaProducer<String, String> producer = TestClients.producer(kafka.bootstrapServers(),
          Map.of(ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000))) {
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("it.quorum", "k" + i, "before-" + i)).get();
          sent.add("before-" + i);
        }
        kafka.stop(leader);
        for (int i = 0; i < 10; i++) {
          producer.send(new ProducerRecord<>("it.quorum", "k" + i, "without-" + leader + "-" + i)).get();
          sent.add("without-" + leader + "-" + i);
        }
        int newLeader = admin.describeTopics(List.of("it.quorum")).allTopicNames().get().get("it.quorum")
            .partitions().get(0).leader().id();
        assertTrue(newLeader != leader, "leadership moved from node " + leader);
        kafka.restart(leader);
        producer.send(new ProducerRecord<>("it.quorum", "k", "after")).get();
        sent.add("after");
      }
      try (KafkaConsumer<String, String> consumer = TestClients.consumer(kafka.bootstrapServers(),
          Map.of("group.id", "it.quorum.group"))) {
        consumer.subscribe(List.of("it.quorum"));
        assertEquals(sent, TestClients.values(TestClients.pollUntil(consumer, seen -> seen.size() >= sent.size(),
            Duration.ofSeconds(60))));
      }
      Awaitility.await("the restarted node caught up").atMost(Duration.ofSeconds(10)).until(() -> admin
          .describeTopics(List.of("it.quorum")).allTopicNames().get().get("it.quorum").partitions().get(0).isr().size(),
          n -> n == 3);
    }
  }
}
