package io.dekube.apiserver.bus;

import io.dekube.core.bus.BusCapture;
import io.dekube.core.bus.BusSchemas;

import static io.dekube.apiserver.bus.WriterBusContractIT.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerOptions;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * The informer acceptance test: an informer started from zero after 10,000 writes (creates,
 * updates, deletes) through StoreClient holds exactly the writer's state, with the same
 * resourceVersions as a StoreClient list.
 */
@WithKafka
class InformerWriterAcceptanceIT {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();
  private static final int WRITES = 10_000;
  private static final int IN_FLIGHT = 64;

  @Test
  void informerFromZeroAfterTenThousandWritesHoldsTheWritersState(@KafkaBootstrap String bootstrap) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, ResourceRegistry.builtIn().all(), (short) 1);
    }
    String ns = "accept-" + UUID.randomUUID().toString().substring(0, 8);
    Vertx writerVertx = Vertx.vertx();
    ObjectNode writersList;
    try {
      await(writerVertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap).withWriterId("accept")
          .withSessionTimeout(Duration.ofSeconds(6)).withMaxPollInterval(Duration.ofSeconds(6)))));
      StoreClient client = await(StoreClient.start(writerVertx, StoreClientOptions.of(bootstrap)
          .withRequesterId("accept-" + UUID.randomUUID())));
      writeRandomHistory(client, ns);
      writersList = await(client.list(CM, ns));
      await(client.close());
    } finally {
      await(writerVertx.close());
    }
    Vertx vertx = Vertx.vertx();
    try {
      Informer informer = Informer.create(vertx, bootstrap, CM, InformerOptions.defaults());
      await(informer.start());
      await(informer.waitForCurrent());
      Map<String, JsonNode> expected = new TreeMap<>();
      writersList.path("items").forEach(o -> expected.put(ObjectKey.of(o).toString(), withKind(o)));
      Map<String, JsonNode> actual = new TreeMap<>();
      informer.list(ns).forEach(o -> actual.put(ObjectKey.of(o).toString(), o));
      assertTrue(expected.size() > 100, "live objects: " + expected.size());
      assertEquals(expected.keySet(), actual.keySet());
      for (String key : expected.keySet()) {
        assertEquals(expected.get(key), actual.get(key), key);
      }
      assertTrue(informer.resourceVersion() >= Long.parseLong(writersList.path("metadata").path("resourceVersion")
          .asText()));
    } finally {
      await(vertx.close());
    }
  }

  /** List items may leave out apiVersion/kind, as Kubernetes lists do; the store keeps them. */
  private static JsonNode withKind(JsonNode item) {
    ObjectNode o = (ObjectNode) item.deepCopy();
    if (!o.has("apiVersion")) {
      ObjectNode first = Json.object().put("apiVersion", CM.apiVersion()).put("kind", CM.kind());
      first.setAll(o);
      return first;
    }
    return o;
  }

  /** Rounds of up to 64 concurrent writes on distinct keys: creates, updates and deletes. */
  private static void writeRandomHistory(StoreClient c, String ns) throws Exception {
    Random random = new Random(7);
    List<String> live = new ArrayList<>();
    int created = 0;
    for (int written = 0; written < WRITES; ) {
      List<Future<?>> round = new ArrayList<>();
      List<String> touched = new ArrayList<>();
      for (int i = 0; i < IN_FLIGHT && written < WRITES; i++, written++) {
        double r = random.nextDouble();
        if (live.size() < 100 || r < 0.45) {
          String name = "cm-" + created++;
          live.add(name);
          touched.add(name);
          round.add(c.create(CM, ns, configMap(ns, name, "0"), WriteOptions.none()));
        } else {
          String name = live.get(random.nextInt(live.size()));
          if (touched.contains(name)) {
            continue;
          }
          touched.add(name);
          if (r < 0.8) {
            round.add(c.update(CM, configMap(ns, name, String.valueOf(written)), WriteOptions.none()));
          } else {
            live.remove(name);
            round.add(c.delete(CM, ns, name, WriteOptions.none()));
          }
        }
      }
      await(Future.all(round));
    }
  }

  private static ObjectNode configMap(String ns, String name, String value) {
    ObjectNode o = Json.object();
    o.putObject("metadata").put("name", name).put("namespace", ns);
    o.putObject("data").put("v", value);
    return o;
  }
}
