package io.dekube.core.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The bus contract on a real broker: records are read back from their topics and each is checked
 * against the schema topics.yaml names for the topic. Here the capture itself is proven (a store
 * value with resourceVersion is caught, tombstones pass); the traffic of a real writer run is checked
 * where the writer lives (see the bus-schemas README).
 */
@WithKafka
class BusContractIT {

  private static final BusSchemas SCHEMAS = new BusSchemas();

  @Test
  void capturedRecordsAreCheckedAgainstTheirTopicsSchema(@KafkaBootstrap String bootstrap) throws Exception {
    ResourceType type = new ResourceType("contract-" + UUID.randomUUID().toString().substring(0, 8) + ".dekube.io",
        "v1", "gadgets", "gadget", "Gadget", true, List.of(), List.of(), List.of());
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, List.of(type), (short) 1);
    }
    ObjectNode good = Json.object();
    good.put("apiVersion", type.apiVersion()).put("kind", "Gadget");
    good.putObject("metadata").put("name", "g").put("namespace", "ns").put("uid", "u-1");
    ObjectNode withRv = good.deepCopy();
    Json.metadata(withRv).put("resourceVersion", "3");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(type.storeTopic(), "ns/g", Json.MAPPER.writeValueAsBytes(good))).get();
      producer.send(new ProducerRecord<>(type.storeTopic(), "ns/g", Json.MAPPER.writeValueAsBytes(withRv))).get();
      producer.send(new ProducerRecord<>(type.storeTopic(), "ns/g", null)).get();
      producer.send(new ProducerRecord<>(type.storeTopic(), "ns/h", "{oops".getBytes(StandardCharsets.UTF_8))).get();
    }
    List<ConsumerRecord<String, byte[]>> records = BusCapture.readAll(bootstrap, List.of(type.storeTopic()));
    assertEquals(5, records.size(), "the marker at offset 0, then the four records");
    assertEquals(StoreMarker.KEY, records.get(0).key());
    List<BusCapture.Violation> violations = BusCapture.violations(SCHEMAS, records);
    assertEquals(List.of(2L, 4L), violations.stream().map(BusCapture.Violation::offset).toList(),
        BusCapture.describe(violations));
    assertTrue(violations.get(0).errors().contains("metadata"), violations.get(0).errors());
  }
}
