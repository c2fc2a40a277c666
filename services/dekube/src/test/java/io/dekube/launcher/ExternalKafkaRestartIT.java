package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kafka.KafkaExitTrap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 with an external Kafka ({@code up --kafka}): the broker, here in this JVM, is stopped
 * and started again on the same port and data. While it is down, writes and consistent reads
 * answer 503 (with Retry-After) at once, reads at resourceVersion 0 are served from the cache and
 * {@code /readyz?verbose} names the kafka check; once it is back, the same StoreClient, informer
 * and apiserver work again without a restart of the cluster.
 */
class ExternalKafkaRestartIT {

  private static final ResourceType CONFIGMAPS = ResourceRegistry.builtIn().byResourceName("configmaps").orElseThrow();
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void aRestartedExternalBrokerIsNoticedAndRecoveredFrom(@TempDir Path tmp) throws Exception {
    KafkaExitTrap.install();
    int port = DekubeProcess.freePort();
    Path kafkaData = tmp.resolve("external-kafka");
    EmbeddedKafka broker = EmbeddedKafka.builder().port(port).dataDir(kafkaData).build().start();
    List<String> flags = new java.util.ArrayList<>(List.of("--kafka", broker.bootstrapServers(), "--api-port", "0",
        "--ops-port", "0", "--dns-port", "0", "--ingress-http-port", "0", "--ingress-https-port", "0",
        "--data-dir", tmp.resolve("state").toString(), "--metrics-bind-address", "127.0.0.1:" + DekubeProcess.freePort()));
    flags.addAll(DekubeProcess.randomNodeAddresses()); // never the defaults: other runs may hold them
    Cluster cluster = new Cluster(UpOptions.parse(flags));
    Vertx vertx = Vertx.vertx();
    try {
      Cluster.Endpoints endpoints = cluster.start();
      String ready = "http://127.0.0.1:" + endpoints.opsPort() + "/readyz";
      StoreClient client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())));
      Config config = Config.fromKubeconfig(Files.readString(endpoints.kubeconfig()));
      config.setRequestRetryBackoffLimit(0);
      config.setConnectionTimeout(60_000); // 2 busy cores shared by many test JVMs: TLS handshakes may be slow
      try (KubernetesClient kube = new KubernetesClientBuilder().withConfig(config).build()) {
        ObjectNode before = configMap("before");
        ((ObjectNode) before.get("metadata")).remove("generateName");
        ((ObjectNode) before.get("metadata")).put("name", "before");
        Cluster.await(client.create(CONFIGMAPS, "default", before, WriteOptions.none()));
        assertTrue(kube.configMaps().inNamespace("default").list().getItems().stream()
            .anyMatch(c -> c.getMetadata().getName().equals("before")), "a list warms the watch cache");
        Informer informer = Informer.shared(vertx, broker.bootstrapServers(), CONFIGMAPS);
        Cluster.await(informer.start()); // started before the outage: it must resume after it

        broker.close();
        await("503 at once while the broker is down").atMost(Duration.ofSeconds(30))
            .until(() -> answerWithin5s(client.create(CONFIGMAPS, "default", configMap("down"), WriteOptions.none()))
                == 503);
        KubernetesClientException refused = org.junit.jupiter.api.Assertions.assertThrows(
            KubernetesClientException.class, () -> kube.configMaps().inNamespace("default").resource(
                new ConfigMapBuilder().withNewMetadata().withName("over-https").endMetadata().build()).create());
        assertEquals(503, refused.getCode(), () -> "over HTTPS: " + refused);
        assertEquals("ServiceUnavailable", refused.getStatus().getReason());
        assertEquals(1, refused.getStatus().getDetails().getRetryAfterSeconds(), "Retry-After");
        assertEquals(503, org.junit.jupiter.api.Assertions.assertThrows(KubernetesClientException.class,
            () -> kube.configMaps().inNamespace("default").list()).getCode(), "a consistent list");
        List<ConfigMap> cached = kube.configMaps().inNamespace("default")
            .list(new ListOptionsBuilder().withResourceVersion("0").build()).getItems();
        assertTrue(cached.stream().anyMatch(c -> c.getMetadata().getName().equals("before")), "served from the cache");
        HttpResponse<String> notReady = HTTP.send(HttpRequest.newBuilder(URI.create(ready + "?verbose")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(503, notReady.statusCode());
        assertTrue(notReady.body().contains("[-]kafka failed: "), notReady.body());

        broker = EmbeddedKafka.builder().port(port).dataDir(kafkaData).build().start();
        await("/readyz green again").atMost(Duration.ofSeconds(60)).until(() -> HTTP.send(
            HttpRequest.newBuilder(URI.create(ready)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        String[] after = new String[1];
        // a create in flight while the writer takes its partitions back may answer after 5 s on a loaded
        // machine: that try is given up and the next one made, until one answers 201
        await("creates succeed again").atMost(Duration.ofSeconds(120))
            .ignoreException(java.util.concurrent.TimeoutException.class).until(() -> {
          Future<ObjectNode> f = client.create(CONFIGMAPS, "default", configMap("after"), WriteOptions.none());
          if (answerWithin5s(f) != 201) {
            return false;
          }
          after[0] = f.result().path("metadata").path("name").asText();
          return true;
        });
        kube.configMaps().inNamespace("default").resource(
            new ConfigMapBuilder().withNewMetadata().withName("over-https").endMetadata().build()).create();
        await("the informer resumed").atMost(Duration.ofSeconds(60))
            .until(() -> informer.get("default", after[0]) != null && informer.get("default", "over-https") != null
                && informer.get("default", "before") != null);
      }
      Cluster.await(client.close());
    } finally {
      Cluster.await(vertx.close());
      cluster.stop();
      broker.close();
    }
  }

  /** The answer's code (201 for success); throws (failing the test) when no answer came within 5 s. */
  private static int answerWithin5s(Future<ObjectNode> f) throws Exception {
    try {
      f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return 201;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof StatusException se) {
        return se.code();
      }
      throw e;
    }
  }

  private static ObjectNode configMap(String name) {
    ObjectNode cm = Json.object();
    cm.put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("generateName", name + "-").put("namespace", "default");
    return cm;
  }
}
