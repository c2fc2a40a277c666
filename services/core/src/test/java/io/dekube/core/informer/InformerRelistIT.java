package io.dekube.core.informer;

import static io.dekube.core.informer.InformerIT.join;
import static io.dekube.core.informer.InformerIT.names;
import static io.dekube.core.informer.RawStore.widget;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;

/**
 * Issue 13: an informer whose offsets are gone — here its store topic deleted and created again
 * with less in it, as after a broker that lost its data — re-lists: the cache becomes what the
 * topic holds, handlers get what changed, open watches end with 410 Expired (clients re-list), and
 * the watch window starts over at the new resource version.
 */
@WithKafka
class InformerRelistIT {

  private final String bootstrap;

  InformerRelistIT(@KafkaBootstrap String bootstrap) {
    this.bootstrap = bootstrap;
  }

  @Test
  void goneOffsetsMakeTheInformerRelistAndEndItsWatches() throws Exception {
    ResourceType type = RawStore.newType(true);
    Vertx vertx = Vertx.vertx();
    try {
      try (RawStore store = new RawStore(bootstrap, type)) {
        for (String name : List.of("a", "b", "c", "e", "f")) {
          store.put(widget("ns", name, Map.of("v", "1"), null));
        }
      }
      Informer informer = Informer.shared(vertx, bootstrap, type);
      join(informer.start());
      long oldRv = informer.resourceVersion();
      InformerIT.Recorder handler = new InformerIT.Recorder();
      informer.addHandler(handler);
      await().atMost(Duration.ofSeconds(10)).until(() -> handler.events.size() == 5);
      List<String> watched = new CopyOnWriteArrayList<>();
      List<StatusException> ended = new CopyOnWriteArrayList<>();
      join(informer.watch(oldRv, e -> watched.add(e.type() + " " + ObjectKey.of(e.object())), ended::add));

      recreate(type);
      try (RawStore store = new RawStore(bootstrap, type)) {
        store.put(widget("ns", "b", Map.of("v", "2"), null));
        store.put(widget("ns", "d", Map.of("v", "1"), null));
      }

      await("the relist").atMost(Duration.ofSeconds(60)).until(() -> names(informer.list()).equals(Set.of("b", "d")));
      assertEquals("2", informer.get("ns", "b").path("metadata").path("labels").path("v").asText());
      assertNull(informer.get("ns", "a"));
      assertTrue(informer.resourceVersion() < oldRv, "the resource version starts over with the topic");
      // the relist may come before or after the new records: either way the handler's events, applied
      // to what it had, must give what the informer holds now
      await("the handler follows").atMost(Duration.ofSeconds(10)).until(() -> replay(handler.events)
          .equals(Set.of("ns/b", "ns/d")));
      assertTrue(handler.events.subList(5, handler.events.size()).stream().anyMatch(l -> l.startsWith("DELETED ns/a")),
          handler.events::toString);
      await().atMost(Duration.ofSeconds(10)).until(() -> ended.size() == 1);
      assertEquals(410, ended.get(0).code());
      assertEquals("Expired", ended.get(0).reason());
      assertEquals(List.of(), watched, "the watch got no event of the relist, only its end");
      assertTrue(informer.window().startRv() < oldRv, "the window starts over at the relist");

      List<String> after = new CopyOnWriteArrayList<>();
      join(informer.watch(informer.resourceVersion(), e -> after.add(e.type() + " " + ObjectKey.of(e.object()))));
      try (RawStore store = new RawStore(bootstrap, type)) {
        store.put(widget("ns", "g", Map.of(), null));
      }
      await("a new watch goes on from the new resource version").atMost(Duration.ofSeconds(20))
          .until(() -> after.equals(List.of("ADDED ns/g")));
    } finally {
      join(vertx.close());
    }
  }

  /** The keys a handler's event lines leave, applied in order. */
  private static Set<String> replay(List<String> events) {
    Set<String> keys = new TreeSet<>();
    for (String line : List.copyOf(events)) {
      String[] f = line.split(" ");
      if (f[0].equals("DELETED")) {
        keys.remove(f[1]);
      } else {
        keys.add(f[1]);
      }
    }
    return keys;
  }

  /** Deletes the store topic and creates it again, empty (the broker may take a moment to finish the delete). */
  private void recreate(ResourceType type) throws Exception {
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      admin.deleteTopics(List.of(type.storeTopic())).all().get();
      await("the topic gone").atMost(Duration.ofSeconds(30))
          .until(() -> !admin.listTopics().names().get().contains(type.storeTopic()));
      await("the topic created again").atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
        io.dekube.core.bus.TopicCatalog.load().ensureTopics(bootstrap, admin, List.of(type), (short) 1);
        return admin.listTopics().names().get().contains(type.storeTopic());
      });
    }
  }
}
