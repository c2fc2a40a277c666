package io.dekube.launcher;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.admission.webhook.AdmissionWebhookServer;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kafka.KafkaExitTrap;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * What the tests of a component's writes through the bus admission stand on: a real broker with the store's topics, a
 * writer, a store client, and the namespaces the apiserver would have made (with the label kube-apiserver's namespace
 * strategy gives them, which webhooks' namespaceSelectors read). Closes in reverse.
 */
final class BusAdmissionBroker implements AutoCloseable {

  static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();

  final EmbeddedKafka broker;
  final Vertx vertx = Vertx.vertx();
  final StoreClient client;

  BusAdmissionBroker(Path tmp, String writerId, String... namespaces) throws Exception {
    KafkaExitTrap.install();
    broker = EmbeddedKafka.builder().port(0).dataDir(tmp.resolve("kafka")).build().start();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
      TopicCatalog.load().ensureTopics(broker.bootstrapServers(), admin, REGISTRY.all(), (short) 1);
    }
    Cluster.await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(broker.bootstrapServers())
        .withWriterId(writerId))));
    client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())
        .withRequesterId(writerId + "-test")));
    for (String name : namespaces) {
      ObjectNode namespace = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      namespace.putObject("metadata").put("name", name).putObject("labels").put("kubernetes.io/metadata.name", name);
      Cluster.await(client.create(REGISTRY.byResourceName("namespaces").orElseThrow(), "", namespace,
          WriteOptions.none()));
    }
  }

  String bootstrap() {
    return broker.bootstrapServers();
  }

  /** The object as the writer has it, or null while there is none. */
  ObjectNode present(ResourceType type, String namespace, String name) {
    try {
      return Cluster.await(client.get(type, namespace, name));
    } catch (Exception e) {
      if (e instanceof StatusException s && s.code() == 404
          || e.getCause() instanceof StatusException c && c.code() == 404) {
        return null;
      }
      throw new IllegalStateException(e);
    }
  }

  /** The webhook's first review of the create of {@code resource} {@code name}, once it came. */
  static JsonNode createReview(AdmissionWebhookServer webhook, String resource, String name) {
    return await("the review of the create of " + resource + "/" + name).atMost(Duration.ofSeconds(60))
        .until(() -> webhook.seen("CREATE", name).stream()
            .filter(r -> r.at("/resource/resource").asText().equals(resource)).findFirst().orElse(null),
            r -> r != null);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get();
    broker.close();
  }
}
