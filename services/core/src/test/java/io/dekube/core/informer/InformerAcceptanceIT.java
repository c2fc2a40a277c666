package io.dekube.core.informer;

import static io.dekube.core.informer.InformerIT.join;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The informer acceptance test: an informer started from zero after 10,000 writes (creates,
 * updates, deletes, with aborted transactions in between) holds exactly the written state, with the
 * same resourceVersions. The writes are raw transactional store writes shaped like the writer's
 * (until the writer lands, when they go through StoreClient and the expected state is the
 * StoreClient's list).
 */
@WithKafka
class InformerAcceptanceIT {

  private static final int WRITES = 10_000;
  private static final int BATCH = 100;

  @Test
  void informerFromZeroAfterTenThousandWritesHoldsTheWrittenState(@KafkaBootstrap String bootstrap) throws Exception {
    ResourceType type = RawStore.newType(true);
    Map<ObjectKey, ObjectNode> expected = new HashMap<>();
    try (RawStore store = new RawStore(bootstrap, type)) {
      writeRandomHistory(store, expected);
    }
    Vertx vertx = Vertx.vertx();
    try {
      Informer informer = Informer.create(vertx, bootstrap, type, InformerOptions.defaults());
      join(informer.start());
      join(informer.waitForCurrent());
      Map<String, ObjectNode> actual = new TreeMap<>();
      informer.list().forEach(o -> actual.put(ObjectKey.of(o).toString(), o));
      Map<String, ObjectNode> want = new TreeMap<>();
      expected.forEach((k, o) -> want.put(k.toString(), o));
      assertEquals(want.keySet(), actual.keySet());
      for (Map.Entry<String, ObjectNode> e : actual.entrySet()) {
        assertEquals(want.get(e.getKey()), e.getValue(), "object " + e.getKey());
      }
      assertEquals(want.size(), informer.size());
    } finally {
      join(vertx.close());
    }
  }

  /** 10,000 committed writes in transactions of 100, with an aborted transaction after every tenth. */
  private static void writeRandomHistory(RawStore store, Map<ObjectKey, ObjectNode> expected) throws Exception {
    Random random = new Random(20240601);
    List<ObjectKey> live = new ArrayList<>();
    int created = 0;
    for (int written = 0, batch = 0; written < WRITES; written += BATCH, batch++) {
      List<ObjectKey> keys = new ArrayList<>();
      List<ObjectNode> values = new ArrayList<>();
      for (int i = 0; i < BATCH; i++) {
        double r = random.nextDouble();
        if (live.size() < 100 || r < 0.45) {
          ObjectKey key = new ObjectKey("ns" + random.nextInt(5), "w" + created++);
          live.add(key);
          keys.add(key);
          values.add(RawStore.widget(key.namespace(), key.name(), Map.of("gen", "0"), null));
        } else if (r < 0.8) {
          ObjectKey key = live.get(random.nextInt(live.size()));
          keys.add(key);
          values.add(RawStore.widget(key.namespace(), key.name(), Map.of("gen", String.valueOf(written + i)),
              "node-" + random.nextInt(3)));
        } else {
          keys.add(live.remove(random.nextInt(live.size())));
          values.add(null);
        }
      }
      List<Long> offsets = store.commit(t -> {
        for (int i = 0; i < keys.size(); i++) {
          if (values.get(i) == null) {
            t.delete(keys.get(i));
          } else {
            t.put(values.get(i));
          }
        }
      });
      for (int i = 0; i < keys.size(); i++) {
        if (values.get(i) == null) {
          expected.remove(keys.get(i));
        } else {
          ObjectNode stored = values.get(i).deepCopy();
          Json.metadata(stored).put("resourceVersion", String.valueOf(offsets.get(i)));
          expected.put(keys.get(i), stored);
        }
      }
      if (batch % 10 == 9) {
        ObjectKey victim = live.get(random.nextInt(live.size()));
        store.abort(t -> {
          t.put(RawStore.widget("ns0", "phantom-" + victim.name(), Map.of(), null));
          t.put(RawStore.widget(victim.namespace(), victim.name(), Map.of("gen", "aborted"), null));
          t.delete(live.get(random.nextInt(live.size())));
        });
      }
    }
  }
}
