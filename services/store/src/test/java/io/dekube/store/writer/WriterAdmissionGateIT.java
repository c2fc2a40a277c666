package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A writer started beside the caches its admission reads ({@link WriterVerticle#answeringAfter}) joins
 * its group and rebuilds meanwhile, but answers nothing until they are synced; a cache that cannot
 * sync fails its start at once.
 */
@WithKafka
class WriterAdmissionGateIT {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();
  private static String bootstrap;
  private static Vertx vertx;
  private static List<StoreClient> clients;

  @BeforeAll
  static void start(@KafkaBootstrap String kafka) throws Exception {
    bootstrap = kafka;
    WriterItSupport.ensureTopics(bootstrap);
    vertx = Vertx.vertx();
    clients = WriterItSupport.clients(vertx, bootstrap, 1, "gate-" + UUID.randomUUID());
  }

  @AfterAll
  static void stop() throws Exception {
    WriterItSupport.close(clients, vertx);
  }

  @Test
  void answersOnlyOnceTheAdmissionCachesAreSynced() throws Exception {
    Promise<Void> caches = Promise.promise();
    Future<String> deployed = vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "gate"))
        .answeringAfter(caches.future()));
    ObjectNode cm = Json.object();
    cm.putObject("metadata").put("name", "gated").put("namespace", "gate");
    Future<ObjectNode> created = clients.get(0).create(CM, "gate", cm, WriteOptions.none());

    // the writer has its partitions (it joined and rebuilt meanwhile) but holds them: no answer
    assertThrows(TimeoutException.class, () -> created.toCompletionStage().toCompletableFuture()
        .get(3, TimeUnit.SECONDS), "a writer whose admission caches are not synced answered");
    assertFalse(deployed.isComplete(), "the writer started before its admission caches were synced");

    caches.complete();
    await(deployed);
    assertEquals("gated", await(created).path("metadata").path("name").asText(), "held request answered after");
  }

  @Test
  void aCacheThatCannotSyncFailsTheStartAtOnce() {
    Future<String> deployed = vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "gate-fail"))
        .answeringAfter(Future.failedFuture(new IllegalStateException("the PriorityClass cache cannot sync"))));
    Exception e = assertThrows(Exception.class, () -> await(deployed));
    assertTrue(String.valueOf(e.getMessage()).contains("cannot sync")
        || String.valueOf(e.getCause()).contains("cannot sync"), "the cache's failure is the start's: " + e);
  }
}
