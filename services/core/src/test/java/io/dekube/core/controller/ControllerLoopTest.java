package io.dekube.core.controller;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.InMemoryStore;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ControllerLoopTest {

  private final Vertx vertx = Vertx.vertx();
  private final InMemoryStore store = new InMemoryStore();
  private final ResourceType rs = store.type("replicasets.apps");
  private final ResourceType pods = store.type("pods");
  private final List<ObjectKey> synced = new CopyOnWriteArrayList<>();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private ControllerLoop loop(Duration resync) {
    ControllerLoop loop = new ControllerLoop(vertx, "test", k -> {
      synced.add(k);
      return Future.succeededFuture();
    }, store.cache(rs), resync, 2);
    loop.watch(store.cache(pods), p -> List.of(new ObjectKey(ObjectKey.of(p).namespace(),
        p.path("metadata").path("labels").path("owner").asText())));
    return loop;
  }

  @Test
  void primaryAndSecondaryChangesBecomePrimaryKeys() {
    store.put(rs, object("web"));
    ControllerLoop loop = loop(Duration.ZERO);
    vertx.runOnContext(v -> loop.start());
    await().until(() -> synced.contains(new ObjectKey("ns", "web")));
    ObjectNode pod = object("p1");
    Json.metadata(pod).putObject("labels").put("owner", "api");
    store.create(pods, "ns", pod, WriteOptions.none());
    await().until(() -> synced.contains(new ObjectKey("ns", "api")));
  }

  @Test
  void resyncSyncsEveryPrimaryKeyAgain() {
    store.put(rs, object("web"));
    ControllerLoop loop = loop(Duration.ofMillis(20));
    vertx.runOnContext(v -> loop.start());
    await().until(() -> synced.stream().filter(k -> k.name().equals("web")).count() >= 3);
    loop.stop();
    assertTrue(synced.size() >= 3);
  }

  private static ObjectNode object(String name) {
    ObjectNode o = Json.object();
    Json.metadata(o).put("name", name).put("namespace", "ns");
    return o;
  }
}
