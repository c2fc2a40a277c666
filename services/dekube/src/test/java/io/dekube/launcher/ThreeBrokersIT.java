package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kafka.EmbeddedKafkaQuorum;
import io.dekube.kafka.KafkaExitTrap;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * dekube on a Kafka cluster of three brokers, as its users run it once they outgrow one machine: the bus topics are
 * replicated on every broker (the cluster's {@code default.replication.factor}), and when the broker that leads the
 * ConfigMaps' store topic is killed (SIGKILL: no controlled shutdown; its partitions' leadership moves once the
 * controller misses its heartbeats), a client creating ConfigMaps over HTTPS without a pause sees every create answered
 * — some a few seconds late — and every one it saw acknowledged is stored.
 */
class ThreeBrokersIT {

  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @Test
  void oneBrokerOfThreeIsKilledAndTheApiserverGoesOnLosingNoAcknowledgedWrite(@TempDir Path tmp) throws Exception {
    KafkaExitTrap.install();
    try (EmbeddedKafkaQuorum kafka = EmbeddedKafkaQuorum.startProcesses(tmp.resolve("kafka"), 3);
         Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", kafka.bootstrapServers(), "--ops-port", "0",
          "--api-port", "0", "--data-dir", tmp.resolve("state").toString())),
          List.of(new StoreComponent(), new ApiServerComponent()));
      try {
        Cluster.Endpoints endpoints = cluster.start();
        TopicDescription store = admin.describeTopics(List.of("dekube.store.configmaps")).allTopicNames().get()
            .get("dekube.store.configmaps");
        assertEquals(3, store.partitions().get(0).replicas().size(), "the store topic is on every broker");
        assertEquals(3, admin.describeTopics(List.of("dekube.requests")).allTopicNames().get().get("dekube.requests")
            .partitions().get(0).replicas().size(), "so are the requests");
        int leader = store.partitions().get(0).leader().id();

        Config config = Config.fromKubeconfig(Files.readString(endpoints.kubeconfig()));
        config.setRequestRetryBackoffLimit(0);
        config.setConnectionTimeout(60_000);
        config.setRequestTimeout(60_000);
        List<String> acknowledged = java.util.Collections.synchronizedList(new ArrayList<>());
        List<String> failed = java.util.Collections.synchronizedList(new ArrayList<>());
        try (KubernetesClient kube = new KubernetesClientBuilder().withConfig(config).build()) {
          // one client creating without a pause, before the kill and after it
          java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
          Thread writer = new Thread(() -> {
            for (int i = 0; writing.get(); i++) {
              create(kube, "cm-" + i, acknowledged, failed);
            }
          }, "three-brokers-writer");
          writer.start();
          await("creates before the kill").atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() >= 10);
          int beforeKill = acknowledged.size();
          long killedAt = System.nanoTime();
          kafka.kill(leader);
          await("creates after broker " + leader + " was killed").atMost(Duration.ofSeconds(90))
              .until(() -> acknowledged.size() >= beforeKill + 20);
          System.err.println("ThreeBrokersIT: 20 creates " + (System.nanoTime() - killedAt) / 1_000_000
              + " ms after the kill");
          writing.set(false);
          writer.join(120_000);

          String ready = "http://127.0.0.1:" + endpoints.opsPort() + "/readyz";
          HttpResponse<String> readyz = HTTP.send(HttpRequest.newBuilder(URI.create(ready + "?verbose")).build(),
              HttpResponse.BodyHandlers.ofString());
          assertEquals(200, readyz.statusCode(), readyz.body());
          Set<String> stored = kube.configMaps().inNamespace("default").list().getItems().stream()
              .map(c -> c.getMetadata().getName()).collect(Collectors.toSet());
          assertTrue(stored.containsAll(acknowledged), "lost: " + acknowledged.stream()
              .filter(n -> !stored.contains(n)).toList());
          assertEquals(List.of(), failed, "creates refused while one broker of three was gone");
        }
      } finally {
        cluster.stop();
      }
    }
  }

  private static void create(KubernetesClient kube, String name, List<String> acknowledged, List<String> failed) {
    try {
      ConfigMap cm = new ConfigMapBuilder().withNewMetadata().withName(name).endMetadata()
          .addToData("n", name).build();
      kube.configMaps().inNamespace("default").resource(cm).create();
      acknowledged.add(name);
    } catch (RuntimeException e) {
      failed.add(name + ": " + e.getMessage());
    }
  }
}
