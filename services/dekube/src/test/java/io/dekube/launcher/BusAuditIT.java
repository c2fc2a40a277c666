package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kafka.KafkaExitTrap;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code ./dekube scheduler --audit-policy-file ...}: a component in a process of its own audits its calls on the bus
 * with the apiserver's flags, to {@code <data-dir>/audit-scheduler.log} by default — the scheduler's status patch of a
 * pod it cannot place, as kube-apiserver records kube-scheduler's request.
 */
class BusAuditIT {

  private static final ResourceType PODS = ResourceRegistry.builtIn().byResourceName("pods").orElseThrow();

  @Test
  void theSchedulerOfItsOwnProcessAuditsItsWritesToItsOwnLog(@TempDir Path tmp) throws Exception {
    KafkaExitTrap.install();
    Path policy = Files.writeString(tmp.resolve("policy.yaml"), """
        apiVersion: audit.k8s.io/v1
        kind: Policy
        omitStages: [RequestReceived]
        rules:
        - level: Request
          users: [system:kube-scheduler]
          resources: [{group: "", resources: [pods/status]}]
        """);
    Path data = tmp.resolve("state");
    EmbeddedKafka broker = EmbeddedKafka.builder().port(0).dataDir(tmp.resolve("kafka")).build().start();
    Cluster cluster = new Cluster(UpOptions.parse(List.of("--kafka", broker.bootstrapServers(), "--ops-port", "0",
        "--data-dir", data.toString(), "--audit-policy-file", policy.toString())),
        List.of(new StoreComponent(), new SchedulerComponent())).withAuditLog("audit-scheduler.log");
    Vertx vertx = Vertx.vertx();
    try {
      cluster.start();
      StoreClient client = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(broker.bootstrapServers())));
      ObjectNode account = Json.object().put("apiVersion", "v1").put("kind", "ServiceAccount");
      account.putObject("metadata").put("name", "default").put("namespace", "default");
      Cluster.await(client.create(ResourceRegistry.builtIn().byResourceName("serviceaccounts").orElseThrow(), "default",
          account, WriteOptions.none())); // what the controller-manager would have made
      ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
      pod.putObject("metadata").put("name", "nowhere").put("namespace", "default");
      pod.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "nginx");
      Cluster.await(client.create(PODS, "default", pod, WriteOptions.none()));
      Path log = data.resolve("audit-scheduler.log");
      JsonNode event = await("the scheduler's status patch in its log").atMost(Duration.ofSeconds(60))
          .until(() -> patchOf(log), Optional::isPresent).orElseThrow();
      assertEquals("/api/v1/namespaces/default/pods/nowhere/status", event.get("requestURI").asText());
      assertEquals("system:kube-scheduler", event.path("user").path("username").asText());
      assertTrue(event.get("userAgent").asText().matches("kube-scheduler/v1\\.32\\.0 \\(\\w+/\\w+\\) kubernetes/\\S+"
          + "/scheduler"), event.get("userAgent").asText());
      assertEquals("Request", event.get("level").asText());
      assertEquals("Unschedulable", event.path("requestObject").path("status").path("conditions").path(0).path("reason")
          .asText(), event.toString());
      assertEquals(200, event.path("responseStatus").path("code").asInt());
      assertFalse(Files.exists(data.resolve("audit.log")), "the apiserver's log is not this process's");
    } finally {
      cluster.stop();
      vertx.close();
      broker.close();
    }
  }

  private static Optional<JsonNode> patchOf(Path log) throws Exception {
    if (!Files.exists(log)) {
      return Optional.empty();
    }
    for (String line : Files.readAllLines(log)) {
      JsonNode e = Json.MAPPER.readTree(line);
      if (e.path("verb").asText().equals("patch")) {
        return Optional.of(e);
      }
    }
    return Optional.empty();
  }
}
