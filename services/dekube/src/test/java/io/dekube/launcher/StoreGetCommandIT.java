package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** {@code ./dekube store-get}: the raw latest value of an object's store record, as etcdctl get prints it. */
@WithKafka
class StoreGetCommandIT {

  @Test
  void printsThePathAndTheLatestValueAsStored(@KafkaBootstrap String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, ResourceRegistry.builtIn().all(), (short) 1);
    }
    byte[] encrypted = "k8s:enc:aescbc:v1:key1:\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
    try (KafkaProducer<String, byte[]> p = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
        bootstrap, ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class,
        ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class))) {
      p.send(new ProducerRecord<>("dekube.store.secrets", 0, "getcmd/secret1", "{}".getBytes())).get();
      p.send(new ProducerRecord<>("dekube.store.secrets", 0, "getcmd/secret1", encrypted)).get();
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertEquals(0, StoreGetCommand.run(List.of("/registry/secrets/getcmd/secret1", "--kafka", bootstrap),
        new PrintStream(out)));
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write("/registry/secrets/getcmd/secret1\n".getBytes(StandardCharsets.UTF_8));
    expected.write(encrypted);
    expected.write('\n');
    assertArrayEquals(expected.toByteArray(), out.toByteArray());
    // an object not stored prints nothing, as etcdctl
    out.reset();
    assertEquals(0, StoreGetCommand.run(List.of("/registry/secrets/getcmd/none", "--kafka", bootstrap),
        new PrintStream(out)));
    assertEquals(0, out.size());
    assertThrows(IllegalArgumentException.class, () -> StoreGetCommand.run(List.of("secrets/x"), System.out));
  }
}
