package io.dekube.store.writer;

import static io.dekube.store.writer.WriterItSupport.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A request above the broker's default record size (1 MB) but within kube-apiserver's body limit (3 MiB) reaches the
 * writer through the request topic as the catalog creates it, so a ConfigMap over 1 MiB gets kube's 422 ("The data
 * stored in a ConfigMap cannot exceed 1 MiB"), not the broker's "message larger than the max message size".
 */
@WithKafka
class WriterLargeRequestsIT {

  private static final ResourceType CM = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();
  private static Vertx vertx;
  private static List<StoreClient> clients;

  @BeforeAll
  static void start(@KafkaBootstrap String bootstrap) throws Exception {
    WriterItSupport.ensureTopics(bootstrap);
    vertx = Vertx.vertx();
    await(vertx.deployVerticle(new WriterVerticle(WriterItSupport.config(bootstrap, "large"),
        ResourceRegistry.builtIn(), new BasicAdmission().andThen(new KubernetesAdmission()))));
    clients = WriterItSupport.clients(vertx, bootstrap, 1, "large-" + UUID.randomUUID());
  }

  @AfterAll
  static void stop() throws Exception {
    WriterItSupport.close(clients, vertx);
  }

  @Test
  void aConfigMapOfNearlyOneMebibyteIsStoredAndAnsweredWhole() throws Exception {
    // over the broker's default 1 MB record limit, within kube's 1 MiB of data and etcd's 1.5 MiB request limit: the
    // store record and the reply that carries the object back both hold it
    String data = "a".repeat(1_040_000);
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "nearly").put("namespace", "large");
    cm.putObject("data").put("big.txt", data);
    ObjectNode created = await(clients.get(0).create(CM, "large", cm, WriteOptions.none()));
    assertEquals(data, created.path("data").path("big.txt").asText());
    ObjectNode read = await(clients.get(0).get(CM, "large", "nearly"));
    assertEquals(data, read.path("data").path("big.txt").asText());
    assertEquals(created.path("metadata").path("resourceVersion").asText(),
        read.path("metadata").path("resourceVersion").asText());
  }

  @Test
  void anObjectOverEtcdsRequestLimitIsTooLarge() {
    // a kind whose validation puts no bound on its size, so the store's limit is what answers
    ResourceType revisions = ResourceRegistry.builtIn().byResourceName("controllerrevisions.apps").orElseThrow();
    ObjectNode revision = Json.object().put("apiVersion", "apps/v1").put("kind", "ControllerRevision")
        .put("revision", 1);
    revision.putObject("metadata").put("name", "huge").put("namespace", "large");
    revision.putObject("data").put("blob", "a".repeat(WriterConfig.MAX_OBJECT_BYTES));
    StatusException e = assertThrows(StatusException.class,
        () -> await(clients.get(0).create(revisions, "large", revision, WriteOptions.none())));
    assertEquals(413, e.code(), e.getMessage());
  }

  @Test
  void aConfigMapOverOneMebibyteIsInvalidAsKubeSays() {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "big").put("namespace", "large");
    cm.putObject("data").put("big.txt", "a".repeat(1_100_000));
    StatusException e = assertThrows(StatusException.class,
        () -> await(clients.get(0).create(CM, "large", cm, WriteOptions.none())));
    assertEquals(422, e.code(), e.getMessage());
    assertEquals("ConfigMap \"big\" is invalid: []: Too long: may not be more than 1048576 bytes", e.getMessage());
  }
}
