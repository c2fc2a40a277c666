package io.dekube.core.informer;

import static io.dekube.core.informer.RawStore.widget;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.metrics.Metrics;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@WithKafka
class InformerIT {

  private final String bootstrap;
  private Vertx vertx;

  InformerIT(@KafkaBootstrap String bootstrap) {
    this.bootstrap = bootstrap;
  }

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    join(vertx.close());
  }

  static <T> T join(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }

  static String rv(ObjectNode o) {
    return o.path("metadata").path("resourceVersion").asText();
  }

  static Set<String> names(List<ObjectNode> objects) {
    return objects.stream().map(o -> o.path("metadata").path("name").asText()).collect(Collectors.toSet());
  }

  /** A handler that writes one line per event, and the context each ran on. */
  static final class Recorder implements InformerHandler {
    final List<String> events = Collections.synchronizedList(new ArrayList<>());
    final List<Context> contexts = Collections.synchronizedList(new ArrayList<>());

    @Override
    public void onAdd(ObjectNode o) {
      record("ADDED " + ObjectKey.of(o) + " " + rv(o));
    }

    @Override
    public void onUpdate(ObjectNode old, ObjectNode o) {
      record("MODIFIED " + ObjectKey.of(o) + " " + rv(old) + "->" + rv(o));
    }

    @Override
    public void onDelete(ObjectNode last, long rv) {
      record("DELETED " + ObjectKey.of(last) + " " + rv + "=" + rv(last));
    }

    private void record(String line) {
      contexts.add(Vertx.currentContext());
      events.add(line);
    }
  }

  @Test
  void replaysThenTailsWithAddUpdateDeleteEvents() throws Exception {
    ResourceType type = RawStore.newType(true);
    try (RawStore store = new RawStore(bootstrap, type)) {
      store.put(widget("ns1", "a", Map.of("v", "1"), null));
      long b = store.put(widget("ns1", "b", Map.of(), null));
      long a2 = store.put(widget("ns1", "a", Map.of("v", "2"), null));
      long bGone = store.delete(new ObjectKey("ns1", "b"));

      Informer informer = Informer.shared(vertx, bootstrap, type);
      assertSame(informer, Informer.shared(vertx, bootstrap, type));
      join(informer.start());
      assertTrue(informer.synced());
      assertEquals(Set.of("a"), names(informer.list()));
      assertEquals(String.valueOf(a2), rv(informer.get("ns1", "a")));
      assertEquals("2", informer.get(new ObjectKey("ns1", "a")).path("metadata").path("labels").path("v").asText());
      assertNull(informer.get("ns1", "b"));
      assertTrue(informer.resourceVersion() >= bGone && b < bGone);
      assertEquals(informer.resourceVersion(), informer.snapshot().resourceVersion());

      Recorder recorder = new Recorder();
      informer.addHandler(recorder);
      long c = store.put(widget("ns1", "c", Map.of(), null));
      long c2 = store.put(widget("ns1", "c", Map.of("x", "y"), null));
      long cGone = store.delete(new ObjectKey("ns1", "c"));
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.events.size() >= 4);
      assertEquals(List.of("ADDED ns1/a " + a2, "ADDED ns1/c " + c, "MODIFIED ns1/c " + c + "->" + c2,
          "DELETED ns1/c " + cGone + "=" + cGone), recorder.events);
      assertEquals(Set.of("a"), names(informer.list()));
    }
  }

  @Test
  void handlersRunOnTheContextTheyWereAddedOnAndStopWhenRemoved() throws Exception {
    ResourceType type = RawStore.newType(true);
    try (RawStore store = new RawStore(bootstrap, type)) {
      store.put(widget("ns", "before", Map.of(), null));
      Informer informer = Informer.shared(vertx, bootstrap, type);
      join(informer.start());

      Context mine = vertx.getOrCreateContext();
      Recorder recorder = new Recorder();
      HandlerRegistration reg = join(Future.<HandlerRegistration>future(p -> mine.runOnContext(
          v -> p.complete(informer.addHandler(recorder)))));
      store.put(widget("ns", "after", Map.of(), null));
      await().atMost(Duration.ofSeconds(20)).until(() -> recorder.events.size() >= 2);
      assertTrue(recorder.events.get(0).startsWith("ADDED ns/before"), recorder.events.toString());
      assertTrue(recorder.events.get(1).startsWith("ADDED ns/after"), recorder.events.toString());
      recorder.contexts.forEach(ctx -> assertSame(mine, ctx));
      assertTrue(recorder.contexts.stream().allMatch(Context::isEventLoopContext));

      reg.remove();
      long last = store.put(widget("ns", "late", Map.of(), null));
      join(informer.waitFor(last));
      Recorder probe = new Recorder();
      informer.addHandler(probe); // its initial adds prove everything before is delivered to handlers
      await().atMost(Duration.ofSeconds(20)).until(() -> probe.events.size() >= 3);
      join(informer.waitForCurrent());
      assertEquals(2, recorder.events.size(), recorder.events.toString());
    }
  }

  @Test
  void indexesFollowUpdatesAndDeletes() throws Exception {
    ResourceType type = RawStore.newType(true);
    try (RawStore store = new RawStore(bootstrap, type)) {
      store.put(widget("ns1", "p1", Map.of("app", "web"), "node-1"));
      store.put(widget("ns1", "p2", Map.of("app", "db"), "node-2"));
      store.put(widget("ns2", "p3", Map.of("app", "web"), null));
      Informer informer = Informer.shared(vertx, bootstrap, type);
      informer.addIndex("uid", o -> List.of(o.path("metadata").path("uid").asText()));
      join(informer.start());

      assertEquals(Set.of("p1", "p2"), names(informer.byIndex(Indexers.NAMESPACE, "ns1")));
      assertEquals(Set.of("p1", "p2"), names(informer.list("ns1")));
      assertEquals(Set.of("p1", "p2", "p3"), names(informer.list("")));
      assertEquals(Set.of("p1"), names(informer.byIndex(Indexers.NODE_NAME, "node-1")));
      assertEquals(Set.of("p1", "p3"), names(informer.byIndex(Indexers.labelIndex("app"), "web")));
      String uid = informer.get("ns2", "p3").path("metadata").path("uid").asText();
      assertEquals(Set.of("p3"), names(informer.byIndex("uid", uid)));
      informer.addIndex(Indexers.LABELS, Indexers.labels());
      assertEquals(Set.of("p2"), names(informer.byIndex(Indexers.LABELS, "app=db")));
      assertThrows(IllegalArgumentException.class, () -> informer.byIndex("nope", "x"));

      store.put(widget("ns1", "p1", Map.of("app", "db"), "node-2"));
      long last = store.delete(new ObjectKey("ns2", "p3"));
      join(informer.waitFor(last));
      assertEquals(Set.of(), names(informer.byIndex(Indexers.NODE_NAME, "node-1")));
      assertEquals(Set.of("p1", "p2"), names(informer.byIndex(Indexers.NODE_NAME, "node-2")));
      assertEquals(Set.of(), names(informer.byIndex(Indexers.labelIndex("app"), "web")));
      assertEquals(Set.of("p1", "p2"), names(informer.byIndex(Indexers.LABELS, "app=db")));
      assertEquals(Set.of(), names(informer.byIndex(Indexers.NAMESPACE, "ns2")));
      assertEquals(Set.of(), names(informer.byIndex("uid", uid)));
      LabelSelector web = LabelSelector.parse("app in (db),!canary");
      assertEquals(Set.of("p1", "p2"), names(informer.list(web::matches)));
    }
  }

  @Test
  void waitForCurrentSeesEveryCommittedWrite() throws Exception {
    ResourceType type = RawStore.newType(false);
    try (RawStore store = new RawStore(bootstrap, type)) {
      Informer informer = Informer.shared(vertx, bootstrap, type);
      join(informer.start());
      assertEquals(0, informer.resourceVersion(), "an empty store is at the marker's offset 0");
      for (int i = 0; i < 20; i++) {
        long offset = store.put(widget("", "n" + i, Map.of(), null));
        join(informer.waitForCurrent());
        assertEquals(String.valueOf(offset), rv(informer.get("", "n" + i)), "write " + i);
        assertTrue(informer.resourceVersion() >= offset);
      }
      // from an event loop: completes there, without blocking it
      Context ctx = vertx.getOrCreateContext();
      long offset = store.put(widget("", "from-loop", Map.of(), null));
      Context completedOn = join(Future.<Context>future(p -> ctx.runOnContext(
          v -> informer.waitForCurrent().onSuccess(x -> p.complete(Vertx.currentContext())).onFailure(p::fail))));
      assertSame(ctx, completedOn);
      assertEquals(String.valueOf(offset), rv(informer.get("", "from-loop")));
      await().atMost(Duration.ofSeconds(10)).until(() -> lag(type) == 0);
    }
  }

  @Test
  void badRecordsAreCountedAndSkipped() throws Exception {
    ResourceType type = RawStore.newType(true);
    double before = bad(type);
    try (RawStore store = new RawStore(bootstrap, type)) {
      store.commit(t -> {
        t.raw("ns/garbage", "{not json".getBytes(StandardCharsets.UTF_8));
        t.raw("ns/array", "[1,2]".getBytes(StandardCharsets.UTF_8));
        t.raw("ns/noname", "{\"apiVersion\":\"v1\",\"kind\":\"Widget\",\"metadata\":{\"namespace\":\"ns\"}}"
            .getBytes(StandardCharsets.UTF_8));
        t.raw("ns/other", widget("ns", "mismatch", Map.of(), null).toString().getBytes(StandardCharsets.UTF_8));
        t.raw("no-slash", widget("ns", "no-slash", Map.of(), null).toString().getBytes(StandardCharsets.UTF_8));
        t.put(widget("ns", "good", Map.of(), null));
      });
      Informer informer = Informer.shared(vertx, bootstrap, type);
      join(informer.start());
      assertEquals(Set.of("good"), names(informer.list()));
      assertEquals(5.0, bad(type) - before);
      long after = store.put(widget("ns", "good2", Map.of(), null));
      join(informer.waitFor(after));
      assertEquals(Set.of("good", "good2"), names(informer.list()));
    }
  }

  @Test
  void abortedTransactionsNeverShow() throws Exception {
    ResourceType type = RawStore.newType(true);
    try (RawStore store = new RawStore(bootstrap, type)) {
      store.put(widget("ns", "kept", Map.of("v", "1"), null));
      store.abort(t -> {
        t.put(widget("ns", "phantom", Map.of(), null));
        t.put(widget("ns", "kept", Map.of("v", "aborted"), null));
        t.delete(new ObjectKey("ns", "kept"));
      });
      long last = store.put(widget("ns", "after", Map.of(), null));
      Informer informer = Informer.shared(vertx, bootstrap, type);
      Recorder recorder = new Recorder();
      informer.addHandler(recorder);
      join(informer.start());
      join(informer.waitFor(last));
      assertEquals(Set.of("kept", "after"), names(informer.list()));
      assertEquals("1", informer.get("ns", "kept").path("metadata").path("labels").path("v").asText());
      await().atMost(Duration.ofSeconds(10)).until(() -> recorder.events.size() >= 2);
      assertEquals(2, recorder.events.size(), recorder.events.toString());
      assertFalse(recorder.events.toString().contains("phantom"));
    }
  }

  @Test
  void watchesReplayTheWindowAndExpireOlderVersions() throws Exception {
    ResourceType type = RawStore.newType(true);
    try (RawStore store = new RawStore(bootstrap, type)) {
      long before = store.put(widget("ns", "old", Map.of(), null));
      Informer informer = Informer.create(vertx, bootstrap, type, InformerOptions.defaults().withWindowCapacity(3));
      try {
        join(informer.start());
        long syncRv = informer.resourceVersion();
        assertTrue(syncRv >= before);
        StatusException expired = assertThrows(StatusException.class, () -> join(informer.watch(before - 1, e -> { })));
        assertEquals(410, expired.code());
        assertEquals("Expired", expired.reason());

        List<Long> offsets = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
          offsets.add(store.put(widget("ns", "w" + i, Map.of(), null)));
        }
        join(informer.waitFor(offsets.get(4)));
        assertEquals(3, informer.window().size());
        assertThrows(StatusException.class, () -> join(informer.watch(offsets.get(0), e -> { })));

        List<InformerEvent> seen = Collections.synchronizedList(new ArrayList<>());
        join(informer.watch(offsets.get(1), seen::add));
        long gone = store.delete(new ObjectKey("ns", "w0"));
        await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() >= 4);
        assertEquals(List.of(offsets.get(2), offsets.get(3), offsets.get(4), gone),
            seen.stream().map(InformerEvent::rv).toList());
        assertEquals(InformerEvent.Type.DELETED, seen.get(3).type());
        assertEquals(String.valueOf(gone), rv(seen.get(3).object()));
      } finally {
        join(informer.close());
      }
    }
  }

  @Test
  void informersOfOneBusShareOneHighWatermarkReaderWhileAnyUsesIt() throws Exception {
    ResourceType type = RawStore.newType(false);
    try (RawStore store = new RawStore(bootstrap, type)) {
      long offset = store.put(widget("", "hw", Map.of(), null));
      Map<String, Object> config = Map.of("bootstrap.servers", bootstrap, "metadata.max.age.ms", 123_456,
          "key.deserializer", StringDeserializer.class, "value.deserializer", ByteArrayDeserializer.class);
      Map<String, Object> otherClientId = new java.util.HashMap<>(config);
      otherClientId.put("client.id", "another-informer");
      HighWatermarks first = HighWatermarks.acquire(config);
      HighWatermarks second = HighWatermarks.acquire(otherClientId);
      assertSame(first, second, "one reader for one bus, whatever the client ids");
      TopicPartition partition = new TopicPartition(type.storeTopic(), 0);
      assertTrue(first.of(partition).get(30, TimeUnit.SECONDS) > offset, "the high watermark is past the write");
      first.release();
      assertTrue(second.alive(), "still in use");
      assertTrue(second.of(partition).get(30, TimeUnit.SECONDS) > offset);
      second.release();
      await().atMost(Duration.ofSeconds(10)).until(() -> !second.alive());
      assertThrows(ExecutionException.class, () -> second.of(partition).get(5, TimeUnit.SECONDS));
      HighWatermarks again = HighWatermarks.acquire(config);
      assertFalse(again == first, "a stopped reader is replaced");
      again.release();
    }
  }

  @Test
  void closeStopsTheInformerAndFailsLaterWaits() throws Exception {
    ResourceType type = RawStore.newType(true);
    try (RawStore store = new RawStore(bootstrap, type)) {
      Informer informer = Informer.shared(vertx, bootstrap, type);
      join(informer.start());
      join(informer.close());
      assertThrows(Exception.class, () -> join(informer.start()));
      Informer again = Informer.shared(vertx, bootstrap, type);
      assertNotNull(again);
      assertFalse(again == informer, "a closed shared informer is replaced");
    }
  }

  @Test
  void startsOnceItsTopicExists() throws Exception {
    ResourceType type = RawStore.newType(true);
    Informer informer = Informer.create(vertx, bootstrap, type, InformerOptions.defaults()
        .withConsumerConfig(Map.of("default.api.timeout.ms", 500)));
    try {
      Future<Void> started = informer.start();
      await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(5)).until(() -> !started.isComplete());
      try (RawStore store = new RawStore(bootstrap, type)) {
        long offset = store.put(widget("ns", "late", Map.of(), null));
        join(started);
        join(informer.waitFor(offset));
        assertEquals(String.valueOf(offset), rv(informer.get("ns", "late")));
      }
    } finally {
      join(informer.close());
    }
  }

  private static double bad(ResourceType type) {
    Counter c = Metrics.registry().find(InformerMetrics.BAD_RECORDS).tag("resource", type.resourceName()).counter();
    return c == null ? 0 : c.count();
  }

  private static double lag(ResourceType type) {
    Gauge g = Metrics.registry().find(InformerMetrics.LAG).tag("resource", type.resourceName()).gauge();
    return g == null ? -1 : g.value();
  }
}
