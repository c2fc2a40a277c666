package io.dekube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code bench/run store}: in ONE run on this machine, creates/s and p50/p99 through
 * {@link StoreClient} with 1, 16 and 64 concurrent clients, and the raw transactional append
 * rate of the same broker with the same record size. Prints a Markdown table.
 *
 * <p>Flags: {@code --seconds N} per run (default 10), {@code --kafka HOST:PORT} to measure an
 * existing broker instead of an in-process one.
 */
public final class StoreBench {

  private StoreBench() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = 10;
    String kafka = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--kafka" -> kafka = args[i + 1];
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Path data = Files.createTempDirectory("dekube-bench");
    EmbeddedKafka broker = kafka == null ? EmbeddedKafka.builder().dataDir(data).build().start() : null;
    String bootstrap = broker != null ? broker.bootstrapServers() : kafka;
    List<LatencyRecorder.Result> results = new ArrayList<>();
    Vertx vertx = Vertx.vertx();
    try {
      results.addAll(measure(vertx, bootstrap, Duration.ofSeconds(seconds)));
    } finally {
      await(vertx.close());
      if (broker != null) {
        broker.close();
      }
    }
    System.out.println();
    System.out.println(LatencyRecorder.Result.header());
    results.forEach(r -> System.out.println(r.row()));
    System.exit(0);
  }

  static List<LatencyRecorder.Result> measure(Vertx vertx, String bootstrap, Duration each) throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, registry.all(), (short) 1);
    }
    await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap))));
    StoreClient client = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    ResourceType configMaps = registry.byResourceName("configmaps").orElseThrow();
    ObjectNode template = configMap();
    String value = Json.MAPPER.writeValueAsString(template);
    List<LatencyRecorder.Result> results = new ArrayList<>();
    StoreClientBench.run(vertx, client, configMaps, "warmup", template, 16, Duration.ofSeconds(3));
    for (int clients : new int[] {1, 16, 64}) {
      results.add(StoreClientBench.run(vertx, client, configMaps, "bench-" + clients, template, clients, each));
    }
    ResourceType namespaces = registry.byResourceName("namespaces").orElseThrow();
    Path dir = Files.createTempDirectory("dekube-bench-https");
    int port = HttpsCreateBench.deployApiServer(vertx, bootstrap, client, dir);
    for (int clients : new int[] {0, 1, 16, 64}) { // 0: the warm-up (TLS, JIT, the informer's replay), not reported
      ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      Json.metadata(ns).put("name", "https-" + clients);
      await(client.create(namespaces, "", ns, io.dekube.core.store.WriteOptions.none()));
      LatencyRecorder.Result r = HttpsCreateBench.run(vertx, port, dir.resolve("pki"), "https-" + clients, template,
          clients == 0 ? 16 : clients, clients == 0 ? Duration.ofSeconds(3) : each);
      if (clients > 0) {
        results.add(r);
      }
    }
    String rawTopic = "dekube.bench.raw";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.TopicSpec store = TopicCatalog.load().storeTopic(configMaps);
      admin.createTopics(List.of(new NewTopic(rawTopic, 1, (short) 1).configs(store.config()))).all().get();
    }
    for (int batch : new int[] {1, 64}) {
      results.add(RawKafkaBench.run(bootstrap, rawTopic, value, batch, each));
    }
    await(client.close());
    return results;
  }

  /** A ConfigMap of about the size of a small Deployment (~600 bytes of JSON). */
  static ObjectNode configMap() {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    Json.metadata(cm).put("name", "template").putObject("labels").put("app", "kube-decon").put("tier", "web");
    ObjectNode data = cm.putObject("data");
    for (int i = 0; i < 8; i++) {
      data.put("key-" + i, "value-" + i + "-" + "x".repeat(48));
    }
    return cm;
  }

  static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
  }
}
