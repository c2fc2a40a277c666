package io.dekube.apiserver.bus;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.ApiServerFixture;
import io.dekube.core.bus.Topics;
import io.dekube.core.encryption.BusEncryption;
import io.dekube.core.encryption.EncryptionConfig;
import io.dekube.core.encryption.StoreEncryption;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBootstrap;
import io.dekube.kafka.WithKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With an EncryptionConfiguration for Secrets, no Secret value is in clear on any topic of the bus: a Secret
 * created, replaced, patched (merge, JSON, strategic merge, apply), read and listed through the apiserver, and
 * written straight through the bus with a StoreClient and ingested with {@code ./dekube ingest}'s client, then every record of every topic read back with a plain
 * consumer (uncommitted records too) — the requests, the replies, the store, the ingest topics — holds neither a
 * value nor its base64.
 */
@WithKafka
class BusEncryptionIT {

  private static final ResourceType SECRETS = ResourceRegistry.builtIn().byResourceName("secrets").orElseThrow();
  private static final String KEY1 = "c2VjcmV0IGlzIHNlY3VyZSwgb3IgaXMgaXQ/Pz8/Pz8=";

  private final String run = UUID.randomUUID().toString().substring(0, 8);
  private final List<String> values = new ArrayList<>();

  @AfterEach
  void none() {
    StoreEncryption.install(null);
  }

  /** A value of this run, remembered for the scan; its base64 as Secret data carries it. */
  private String value(String what) {
    String v = what + "-" + run;
    values.add(v);
    return Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void noSecretValueIsInClearOnAnyTopic(@KafkaBootstrap String bootstrap, @TempDir Path dir) throws Exception {
    StoreEncryption.install(EncryptionConfig.load(Files.writeString(dir.resolve("enc.yaml"), "apiVersion: "
        + "apiserver.config.k8s.io/v1\nkind: EncryptionConfiguration\nresources:\n- resources: [secrets]\n"
        + "  providers:\n  - aescbc:\n      keys:\n      - {name: key1, secret: " + KEY1 + "}\n  - identity: {}\n")));
    String ns = "busenc-" + run;
    String base = "/api/v1/namespaces/" + ns + "/secrets";
    try (ApiServerFixture server = ApiServerFixture.start(false)) {
      HttpClient admin = server.client(server.pki.adminClientCertificate());
      server.send(admin, "POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + ns + "\"}}", 201);
      server.send(admin, "POST", base, "{\"apiVersion\":\"v1\",\"kind\":\"Secret\",\"metadata\":{\"name\":\"s1\"},"
          + "\"data\":{\"password\":\"" + value("created") + "\"},\"stringData\":{\"token\":\"" + raw("string-data")
          + "\"}}", 201);
      ObjectNode current = (ObjectNode) Json.MAPPER.readTree(server.get(admin, base + "/s1").body());
      ((ObjectNode) current.path("data")).put("replaced", value("replaced"));
      server.send(admin, "PUT", base + "/s1", current.toString(), 200);
      patch(server, admin, base + "/s1", "application/merge-patch+json",
          "{\"data\":{\"merged\":\"" + value("merged") + "\"}}");
      patch(server, admin, base + "/s1", "application/json-patch+json",
          "[{\"op\":\"add\",\"path\":\"/data/jsonpatched\",\"value\":\"" + value("json-patched") + "\"}]");
      patch(server, admin, base + "/s1", "application/strategic-merge-patch+json",
          "{\"data\":{\"strategic\":\"" + value("strategic") + "\"}}");
      patch(server, admin, base + "/s2?fieldManager=test", "application/apply-patch+yaml",
          "apiVersion: v1\nkind: Secret\nmetadata:\n  name: s2\ndata:\n  applied: " + value("applied") + "\n");
      String got = server.get(admin, base + "/s1").body();
      assertTrue(got.contains(Base64.getEncoder().encodeToString(("strategic-" + run).getBytes(StandardCharsets.UTF_8))),
          "read back in clear through the apiserver: " + got);
      assertEquals(200, server.get(admin, base).statusCode());
      server.send(admin, "DELETE", base + "/s2", "{}", 200);

      throughTheBus(bootstrap, ns);
    }
    int sealed = scan(bootstrap);
    assertTrue(sealed >= 10, "sealed requests and replies of secrets seen: " + sealed);
  }

  private void patch(ApiServerFixture server, HttpClient client, String path, String type, String body)
      throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(server.server() + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", type)
        .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    assertTrue(r.statusCode() == 200 || r.statusCode() == 201, type + ": " + r.statusCode() + " " + r.body());
  }

  /** A value written as it is (stringData), remembered for the scan. */
  private String raw(String what) {
    String v = what + "-" + run;
    values.add(v);
    return v;
  }

  /** Create, update, patch, get, list and delete of a Secret with a StoreClient, as controllers and kubelets write. */
  private void throughTheBus(String bootstrap, String ns) throws Exception {
    Vertx vertx = Vertx.vertx();
    try {
      StoreClient c = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)
          .withRequesterId("busenc-" + run)));
      ObjectNode s = Json.object().put("apiVersion", "v1").put("kind", "Secret");
      s.putObject("metadata").put("name", "bus").put("namespace", ns);
      s.putObject("data").put("password", value("bus-created"));
      ObjectNode created = await(c.create(SECRETS, ns, s, WriteOptions.none()));
      ((ObjectNode) created.path("data")).put("updated", value("bus-updated"));
      await(c.update(SECRETS, created, WriteOptions.none()));
      String patched = value("bus-patched");
      await(c.patch(SECRETS, ns, "bus", "application/merge-patch+json", Json.MAPPER.readTree(
          "{\"data\":{\"patched\":\"" + patched + "\"}}"), WriteOptions.none()));
      assertEquals(patched, await(c.get(SECRETS, ns, "bus")).path("data").path("patched").asText(), "the reply opens");
      assertEquals(2, await(c.list(SECRETS, ns)).path("items").size(), "s1 and bus");
      // `./dekube ingest` of a Secret manifest: the record is sealed, the apiserver's ingest opens and applies it
      io.dekube.core.informer.SharedInformers informers = io.dekube.core.informer.SharedInformers.of(vertx);
      await(vertx.deployVerticle(new io.dekube.apiserver.ingest.IngestVerticle(bootstrap,
          ResourceRegistry.builtIn(), c, t -> informers.informer(bootstrap, t))));
      try (io.dekube.apiserver.ingest.IngestClient ingest = new io.dekube.apiserver.ingest.IngestClient(bootstrap)) {
        List<ObjectNode> results = ingest.ingest("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: plain\n"
            + "  namespace: " + ns + "\n---\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ingested\n  namespace: "
            + ns + "\ndata:\n  password: " + value("ingested") + "\n", Duration.ofSeconds(60));
        assertEquals("secret/ingested created",
            io.dekube.apiserver.ingest.IngestClient.describe(results.get(1)), results.toString());
      }
      await(c.delete(SECRETS, ns, "bus", WriteOptions.none()));
      await(c.close());
    } finally {
      await(vertx.close());
    }
  }

  /** Reads every record of every topic; fails on a value of this run in clear; answers how many were sealed. */
  private int scan(String bootstrap) throws Exception {
    List<TopicPartition> parts = new ArrayList<>();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      for (var d : admin.describeTopics(admin.listTopics().names().get(30, TimeUnit.SECONDS)).allTopicNames()
          .get(30, TimeUnit.SECONDS).values()) {
        d.partitions().forEach(p -> parts.add(new TopicPartition(d.name(), p.partition())));
      }
    }
    List<byte[]> needles = new ArrayList<>();
    for (String v : values) {
      needles.add(v.getBytes(StandardCharsets.UTF_8));
      needles.add(Base64.getEncoder().encodeToString(v.getBytes(StandardCharsets.UTF_8))
          .getBytes(StandardCharsets.UTF_8));
    }
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    int sealed = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (parts.stream().anyMatch(p -> c.position(p) < end.get(p))) {
        assertTrue(System.nanoTime() < deadline, "read every topic within 60 s");
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          byte[] v = r.value();
          if (v == null) {
            continue;
          }
          for (byte[] n : needles) {
            assertTrue(indexOf(v, n) < 0, () -> r.topic() + "-" + r.partition() + "@" + r.offset() + " has \""
                + new String(n, StandardCharsets.UTF_8) + "\" in clear: " + new String(v, StandardCharsets.UTF_8));
          }
          String text = new String(v, StandardCharsets.ISO_8859_1);
          if ((r.topic().equals(Topics.REQUESTS) || r.topic().equals(Topics.REPLIES))
              && text.contains("\"" + BusEncryption.SEALED + "\"") && text.contains("busenc-" + run)) {
            sealed++;
          }
        }
      }
    }
    return sealed;
  }

  private static int indexOf(byte[] hay, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= hay.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (hay[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  private static <T> T await(Future<T> f) throws Exception {
    try {
      return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof Exception c ? c : e;
    }
  }
}
