package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Topics;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.BusPartitioner;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two writers in the group, eight clients creating distinct configmaps continuously, a fault on the
 * writer that owns the configmaps partition, and the checks: every acknowledged create is stored
 * exactly once, no key is answered 201 twice, clients are served again within 15 s.
 */
final class FencingScenario implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(FencingScenario.class);
  static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();
  static final int CLIENTS = 8;

  /** Test hooks of one writer: freeze or kill at the commit of a batch of the armed partition. */
  static final class Hooks implements WriterTestHooks {
    volatile int partition = -1;
    volatile boolean killArmed;
    volatile CountDownLatch release;
    final CountDownLatch hit = new CountDownLatch(1);
    volatile WriterVerticle self;

    @Override
    public void beforeCommit(int p) throws InterruptedException {
      if (p != partition) {
        return;
      }
      if (killArmed) {
        killArmed = false;
        partition = -1;
        self.kill();
        hit.countDown();
        return;
      }
      CountDownLatch r = release;
      if (r != null) {
        release = null;
        partition = -1;
        hit.countDown();
        LOG.info("writer frozen before commit of partition {}", p);
        r.await();
        LOG.info("writer released");
      }
    }
  }

  final String bootstrap;
  final String namespace;
  final Vertx clientVertx = Vertx.vertx();
  final Vertx[] writerVertx = {Vertx.vertx(), Vertx.vertx()};
  final Hooks[] hooks = {new Hooks(), new Hooks()};
  final WriterVerticle[] writers = new WriterVerticle[2];
  final int partition;
  List<StoreClient> clients;
  final Map<String, List<Integer>> codes = new ConcurrentHashMap<>();
  final List<Long> successTimes = new CopyOnWriteArrayList<>();
  final java.util.concurrent.atomic.AtomicLongArray firstSuccessAfterFault =
      new java.util.concurrent.atomic.AtomicLongArray(CLIENTS);
  final AtomicInteger successes = new AtomicInteger();
  final AtomicInteger inFlight = new AtomicInteger();
  volatile boolean running = true;
  final AtomicLong faultAt = new AtomicLong(Long.MAX_VALUE);

  FencingScenario(String bootstrap, String namespace) throws Exception {
    this.bootstrap = bootstrap;
    this.namespace = namespace;
    WriterItSupport.ensureTopics(bootstrap);
    this.partition = BusPartitioner.partition(CM.resourceName(), 12);
  }

  /** Deploys both writers and waits until they share the 12 partitions. */
  void startWriters() throws Exception {
    for (int i = 0; i < 2; i++) {
      writers[i] = new WriterVerticle(WriterItSupport.config(bootstrap, namespace + "-" + i)).hooks(hooks[i]);
      hooks[i].self = writers[i];
      await(writerVertx[i].deployVerticle(writers[i]));
    }
    await().atMost(Duration.ofSeconds(40)).until(() -> {
      Set<Integer> all = new HashSet<>(writers[0].ownedPartitions());
      all.addAll(writers[1].ownedPartitions());
      return all.size() == 12 && !writers[0].ownedPartitions().isEmpty() && !writers[1].ownedPartitions().isEmpty();
    });
    LOG.info("writers own {} and {}", writers[0].ownedPartitions(), writers[1].ownedPartitions());
  }

  /** The index of the writer owning the configmaps partition. */
  int victim() {
    return writers[0].ownedPartitions().contains(partition) ? 0 : 1;
  }

  void startClients() throws Exception {
    clients = WriterItSupport.clients(clientVertx, bootstrap, CLIENTS, namespace);
    for (int i = 0; i < CLIENTS; i++) {
      int client = i;
      clientVertx.runOnContext(v -> next(client, 0));
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> successes.get() >= 100);
  }

  private void next(int client, int n) {
    if (!running) {
      return;
    }
    String name = "c" + client + "-" + n;
    ObjectNode cm = Json.object();
    cm.putObject("metadata").put("name", name).put("namespace", namespace);
    cm.putObject("data").put("n", Integer.toString(n));
    inFlight.incrementAndGet();
    clients.get(client).create(CM, namespace, cm, WriteOptions.none()).onComplete(ar -> {
      inFlight.decrementAndGet();
      int code = ar.succeeded() ? 201 : ar.cause() instanceof StatusException se ? se.code() : -1;
      codes.computeIfAbsent(name, k -> new CopyOnWriteArrayList<>()).add(code);
      if (code == 201) {
        successes.incrementAndGet();
        long now = System.currentTimeMillis();
        if (now > faultAt.get()) {
          firstSuccessAfterFault.compareAndSet(client, 0, now);
        }
      }
      next(client, n + 1);
    });
  }

  /** Every client has had a success after the fault, within 15 s of it. */
  void assertServedAgainWithin15s() {
    long fault = faultAt.get();
    await().atMost(Duration.ofSeconds(25)).until(() -> IntStream.range(0, CLIENTS)
        .allMatch(i -> firstSuccessAfterFault.get(i) > 0));
    long worst = IntStream.range(0, CLIENTS).mapToLong(firstSuccessAfterFault::get).max().orElse(0) - fault;
    LOG.info("clients served again {} ms after the fault", worst);
    assertTrue(worst <= 15_000, "clients served again after " + worst + " ms");
  }

  void stopClients() {
    running = false;
    await().atMost(Duration.ofSeconds(40)).until(() -> inFlight.get() == 0);
  }

  /** The checks of the scenario; answers how many keys the zombie wrote uncommitted. */
  int verify() {
    Set<String> acknowledged = new HashSet<>();
    codes.forEach((k, v) -> {
      if (v.contains(201)) {
        acknowledged.add(k);
      }
      assertTrue(v.stream().filter(c -> c == 201).count() <= 1, k + " answered 201 twice to the client: " + v);
    });
    Map<String, Integer> committed = storeRecords("read_committed");
    for (String k : acknowledged) {
      assertEquals(1, committed.getOrDefault(k, 0), "acknowledged " + k + " stored exactly once");
    }
    committed.forEach((k, n) -> assertEquals(1, n, k + " stored " + n + " times"));
    Map<String, Integer> created = createdReplies();
    created.forEach((k, n) -> assertEquals(1, n, k + " answered Created " + n + " times on the bus"));
    assertTrue(created.keySet().containsAll(acknowledged));
    int zombie = (int) storeRecords("read_uncommitted").values().stream().filter(n -> n > 1).count();
    LOG.info("{} creates acknowledged, {} stored, {} keys written twice uncommitted (the zombie's, aborted)",
        acknowledged.size(), committed.size(), zombie);
    assertTrue(acknowledged.size() > 100);
    return zombie;
  }

  private Map<String, Integer> storeRecords(String isolation) {
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(CM.storeTopic(), isolation)) {
      String key = new String(r.key(), StandardCharsets.UTF_8);
      if (key.startsWith(namespace + "/")) {
        counts.merge(key.substring(namespace.length() + 1), 1, Integer::sum);
      }
    }
    return counts;
  }

  private Map<String, Integer> createdReplies() {
    Map<String, Integer> counts = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : readAll(Topics.REPLIES, "read_committed")) {
      try {
        JsonNode n = Json.MAPPER.readTree(r.value());
        JsonNode meta = n.path("object").path("metadata");
        if (n.path("code").asInt() == 201 && namespace.equals(meta.path("namespace").asText())) {
          counts.merge(meta.path("name").asText(), 1, Integer::sum);
        }
      } catch (Exception e) {
        // not a reply of ours
      }
    }
    return counts;
  }

  private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, String isolation) {
    Map<String, Object> c = Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation, ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000,
        ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(c)) {
      List<TopicPartition> tps = consumer.partitionsFor(topic).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(tps);
      consumer.seekToBeginning(tps);
      Map<TopicPartition, Long> end = consumer.endOffsets(tps);
      await().atMost(Duration.ofSeconds(30)).until(() -> {
        consumer.poll(Duration.ofMillis(100)).forEach(out::add);
        return tps.stream().allMatch(tp -> consumer.position(tp) >= end.get(tp));
      });
    }
    return out;
  }

  @Override
  public void close() throws Exception {
    running = false;
    for (Hooks h : hooks) {
      CountDownLatch r = h.release;
      if (r != null) {
        r.countDown();
      }
    }
    WriterItSupport.close(clients, clientVertx);
    for (Vertx v : writerVertx) {
      try {
        await(v.close());
      } catch (Exception e) {
        LOG.warn("closing a writer's Vert.x: {}", e.toString());
      }
    }
  }
}
