package io.dekube.core.informer;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes store records the way the writer does (transactional producer, key {@code ns/name}, JSON
 * value without resourceVersion, null tombstones), for informer tests that need no writer. Blocking:
 * call from the test thread.
 */
final class RawStore implements AutoCloseable {

  private static final AtomicInteger TYPES = new AtomicInteger();

  private final ResourceType type;
  private final KafkaProducer<String, byte[]> producer;

  /** A fresh resource type of its own (its own store topic on the shared broker). */
  static ResourceType newType(boolean namespaced) {
    int n = TYPES.incrementAndGet();
    return new ResourceType("it" + n + "-" + UUID.randomUUID().toString().substring(0, 8) + ".dekube.io", "v1",
        "widgets", "widget", "Widget", namespaced, List.of(), List.of(), List.of());
  }

  RawStore(String bootstrap, ResourceType type) throws Exception {
    this.type = type;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, List.of(type), (short) 1);
    }
    producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + type.resourceName(),
        ProducerConfig.LINGER_MS_CONFIG, 0, ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 5,
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
        new StringSerializer(), new ByteArraySerializer());
    producer.initTransactions();
  }

  /** A widget object (no resourceVersion). */
  static ObjectNode widget(String namespace, String name, Map<String, String> labels, String nodeName) {
    ObjectNode o = Json.object();
    o.put("apiVersion", "v1").put("kind", "Widget");
    ObjectNode meta = o.putObject("metadata");
    meta.put("name", name);
    if (!namespace.isEmpty()) {
      meta.put("namespace", namespace);
    }
    meta.put("uid", UUID.nameUUIDFromBytes((namespace + "/" + name).getBytes(StandardCharsets.UTF_8)).toString());
    labels.forEach(meta.putObject("labels")::put);
    if (nodeName != null) {
      o.putObject("spec").put("nodeName", nodeName);
    }
    return o;
  }

  /** One transaction of writes. */
  final class Txn {
    private final List<Future<RecordMetadata>> sent = new ArrayList<>();

    void put(ObjectNode object) {
      raw(ObjectKey.of(object).toString(), object.toString().getBytes(StandardCharsets.UTF_8));
    }

    void delete(ObjectKey key) {
      raw(key.toString(), null);
    }

    void raw(String key, byte[] value) {
      sent.add(producer.send(new ProducerRecord<>(type.storeTopic(), 0, key, value)));
    }
  }

  /** Runs writes in one committed transaction; returns their offsets in order. */
  List<Long> commit(Consumer<Txn> writes) throws Exception {
    producer.beginTransaction();
    Txn txn = new Txn();
    writes.accept(txn);
    producer.commitTransaction();
    List<Long> offsets = new ArrayList<>();
    for (Future<RecordMetadata> f : txn.sent) {
      offsets.add(f.get().offset());
    }
    return offsets;
  }

  /** Runs writes in a transaction that is aborted: none of them may ever be visible. */
  void abort(Consumer<Txn> writes) throws Exception {
    producer.beginTransaction();
    Txn txn = new Txn();
    writes.accept(txn);
    producer.flush();
    producer.abortTransaction();
  }

  long put(ObjectNode object) throws Exception {
    return commit(t -> t.put(object)).get(0);
  }

  long delete(ObjectKey key) throws Exception {
    return commit(t -> t.delete(key)).get(0);
  }

  @Override
  public void close() {
    producer.close();
  }
}
