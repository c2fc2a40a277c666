package io.dekube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * {@code bench/run store} and {@code bench/run api}: in ONE run on this machine, the load average
 * before and after, a warm-up until the rate is stable, creates/s, p50/p99, requests per
 * transaction and CPU per create at 1, 16, 64 and 256 concurrent clients — through
 * {@link StoreClient} ({@code store}) or HTTPS POSTs to the apiserver ({@code api}) — and the raw
 * transactional append rate of the same broker with as many records per transaction as clients,
 * which each row is given as a ratio of. Prints a Markdown table.
 *
 * <p>Flags: {@code --seconds N} per run (default 10), {@code --clients 1,16,64,256},
 * {@code --api-instances N} (default: cores), {@code --kafka HOST:PORT} to measure an existing broker,
 * {@code --broker KEY=VALUE} (repeatable) to try a setting of the in-process broker.
 */
public final class StoreBench {

  private static final Duration WARM_WINDOW = Duration.ofSeconds(3);
  private static final int WARM_MAX_WINDOWS = 60; // HTTPS on a busy machine needed 28-30+ (3 min at most)

  private StoreBench() {
  }

  /** One measured load: {@code clients} loops of creates for {@code duration}. */
  interface Load {
    /** Creates for {@code duration}; {@code churn}: delete each object again (untimed), see the warm-up. */
    LatencyRecorder.Result run(int clients, Duration duration, boolean churn) throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String mode = args.length > 0 && !args[0].startsWith("--") ? args[0] : "store";
    int first = mode.equals(args.length > 0 ? args[0] : "") ? 1 : 0;
    int seconds = 10;
    String kafka = null;
    int instances = Runtime.getRuntime().availableProcessors();
    int[] clientCounts = {1, 16, 64, 256};
    Map<String, String> brokerProps = new java.util.LinkedHashMap<>();
    for (int i = first; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--seconds" -> seconds = Integer.parseInt(args[i + 1]);
        case "--kafka" -> kafka = args[i + 1];
        case "--api-instances" -> instances = Integer.parseInt(args[i + 1]);
        case "--broker" -> {
          int eq = args[i + 1].indexOf('=');
          if (eq <= 0) {
            throw new IllegalArgumentException("--broker takes KEY=VALUE, not " + args[i + 1]);
          }
          brokerProps.put(args[i + 1].substring(0, eq), args[i + 1].substring(eq + 1));
        }
        case "--clients" -> clientCounts = Arrays.stream(args[i + 1].split(",")).mapToInt(Integer::parseInt).toArray();
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    if (!mode.equals("store") && !mode.equals("api")) {
      throw new IllegalArgumentException("unknown benchmark " + mode + " (store, api)");
    }
    String loadBefore = RunProbe.loadAverage();
    Path data = Files.createTempDirectory("dekube-bench");
    EmbeddedKafka broker = kafka == null
        ? EmbeddedKafka.builder().dataDir(data).brokerProperties(brokerProps).build().start() : null;
    String bootstrap = broker != null ? broker.bootstrapServers() : kafka;
    List<BenchRow> rows;
    Vertx vertx = Vertx.vertx();
    try {
      rows = measure(vertx, bootstrap, mode, instances, clientCounts, Duration.ofSeconds(seconds));
    } finally {
      await(vertx.close());
      if (broker != null) {
        broker.close();
      }
    }
    System.out.println();
    System.out.printf("bench/run %s, %d s per run, %d cores, load average before %s, after %s%s%n", mode, seconds,
        Runtime.getRuntime().availableProcessors(), loadBefore, RunProbe.loadAverage(),
        mode.equals("api") ? ", " + instances + " apiserver instances" : "");
    System.out.println();
    System.out.println(BenchRow.header());
    rows.forEach(r -> System.out.println(r.row()));
    System.exit(0);
  }

  static List<BenchRow> measure(Vertx vertx, String bootstrap, String mode, int instances, int[] clientCounts,
                                Duration each) throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, registry.all(), (short) 1);
    }
    await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), registry,
        new BasicAdmission().andThen(new KubernetesAdmission()))));
    StoreClient client = await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    ResourceType configMaps = registry.byResourceName("configmaps").orElseThrow();
    ObjectNode template = configMap();
    Load load = mode.equals("store")
        ? (clients, d, churn) -> StoreClientBench.run(vertx, client, configMaps,
            namespace(vertx, client, registry, clients), template, clients, d, churn)
        : httpsLoad(vertx, bootstrap, client, registry, template, instances,
            Math.max(64, Arrays.stream(clientCounts).max().orElse(64)));
    // the raw ceiling after the warm-up (a warm JVM for both; the warm-up leaves the store small) and
    // before the rows, whose objects stay in the writer's memory
    warmUp(load);
    List<BenchRow> raws = rawCeiling(bootstrap, configMaps, Json.MAPPER.writeValueAsString(template), clientCounts,
        each);
    Map<Integer, BenchRow> measured = new HashMap<>();
    List<Integer> order = new ArrayList<>();
    for (int clients : clientCounts) {
      RunProbe probe = RunProbe.start();
      LatencyRecorder.Result r = load.run(clients, each, false);
      measured.put(clients, new BenchRow(r, probe.meanBatch(), probe.cpuMsPerOp(r.ok()), Double.NaN));
      order.add(clients);
      System.err.println(measured.get(clients).row());
      System.err.println("  broker requests per create: " + probe.brokerRequestsPerOp(r.ok()) + "; GC "
          + probe.gcMsSinceStart() + " ms");
    }
    LatencyRecorder.Result readAfterWrite = ConsistentReadBench.run(vertx, bootstrap, client, configMaps,
        namespace(vertx, client, registry, 1), template, 50);
    await(client.close());
    List<BenchRow> rows = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      BenchRow m = measured.get(order.get(i));
      rows.add(new BenchRow(m.result(), m.meanBatch(), m.cpuMsPerOp(),
          m.result().perSecond() / raws.get(i).result().perSecond()));
    }
    rows.addAll(raws);
    rows.add(new BenchRow(readAfterWrite, Double.NaN, Double.NaN, Double.NaN));
    return rows;
  }

  /**
   * Windows of 64 clients until the JIT has settled — two windows in a row within 5 % of each other,
   * the second with the compilers busy less than 5 % of it — at most {@code WARM_MAX_WINDOWS} windows.
   * A rate alone settles too early: two slow windows while C2 still compiles look stable. Each warm-up
   * create is deleted again, so the measured rows start from a store as small as a real cluster's, not
   * from hundreds of thousands of objects whose garbage collection they would measure instead.
   */
  private static void warmUp(Load load) throws Exception {
    java.lang.management.CompilationMXBean jit = java.lang.management.ManagementFactory.getCompilationMXBean();
    double previous = 0;
    for (int i = 1; i <= WARM_MAX_WINDOWS; i++) {
      long compiledBefore = jit.getTotalCompilationTime();
      double rate = load.run(64, WARM_WINDOW, true).perSecond();
      long compileMs = jit.getTotalCompilationTime() - compiledBefore;
      System.err.printf("warm-up window %d: %,.0f creates/s (each deleted again), JIT %d ms (load average %s)%n",
          i, rate, compileMs, RunProbe.loadAverage());
      boolean jitQuiet = compileMs < 0.05 * WARM_WINDOW.toMillis();
      if (i >= 3 && jitQuiet && Math.abs(rate - previous) < 0.05 * Math.max(rate, previous)) {
        return;
      }
      previous = rate;
    }
    System.err.println("warm-up: the rate did not settle; measuring anyway");
  }

  private static Load httpsLoad(Vertx vertx, String bootstrap, StoreClient client, ResourceRegistry registry,
                                ObjectNode template, int instances, int maxClients) throws Exception {
    Path dir = Files.createTempDirectory("dekube-bench-https");
    int port = HttpsCreateBench.deployApiServer(vertx, bootstrap, client, dir, instances);
    io.vertx.core.http.HttpClient http = HttpsCreateBench.client(vertx, dir.resolve("pki"), maxClients);
    return (clients, d, churn) -> HttpsCreateBench.run(vertx, http, port,
        namespace(vertx, client, registry, clients), template, clients, d, churn);
  }

  /** A fresh namespace per run, so every run creates into an empty one. */
  private static String namespace(Vertx vertx, StoreClient client, ResourceRegistry registry, int clients)
      throws Exception {
    String name = "bench-" + clients + "-" + System.nanoTime() % 1_000_000;
    ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    Json.metadata(ns).put("name", name);
    await(client.create(registry.byResourceName("namespaces").orElseThrow(), "", ns, WriteOptions.none()));
    return name;
  }

  /** The raw transactional append rate with 1 and with {@code clients} records per transaction. */
  private static List<BenchRow> rawCeiling(String bootstrap, ResourceType like, String value, int[] clientCounts,
                                           Duration each) throws Exception {
    String rawTopic = "dekube.bench.raw";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.TopicSpec store = TopicCatalog.load().storeTopic(like);
      admin.createTopics(List.of(new NewTopic(rawTopic, 1, (short) 1).configs(store.config()))).all().get();
    }
    List<BenchRow> rows = new ArrayList<>();
    for (int batch : clientCounts) {
      RunProbe probe = RunProbe.start();
      LatencyRecorder.Result r = RawKafkaBench.run(bootstrap, rawTopic, value, batch, each);
      rows.add(new BenchRow(r, batch, probe.cpuMsPerOp(r.ok()), Double.NaN));
      System.err.println(rows.get(rows.size() - 1).row());
      System.err.println("  broker requests per record: " + probe.brokerRequestsPerOp(r.ok()));
    }
    return rows;
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
