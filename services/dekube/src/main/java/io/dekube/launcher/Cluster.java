package io.dekube.launcher;

import io.dekube.core.bus.BusMonitor;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.metrics.OpsHttpServer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.kafka.BrokerSupervisor;
import io.dekube.kafka.EmbeddedKafkaProcess;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole dekube in one process: the embedded broker (unless an existing Kafka is given), the
 * bus topics, and every component's verticles. {@link #start()} and {@link #stop()} block; call
 * them from a plain thread (main, a shutdown hook, a test), never from an event loop.
 */
final class Cluster {

  private static final Logger LOG = LoggerFactory.getLogger(Cluster.class);

  /** Where the running cluster can be reached. */
  record Endpoints(String kafka, String apiUrl, int opsPort, Path kubeconfig, String announced, String opsHost) {
    String readyLine() {
      if (apiUrl == null) { // a single component without the apiserver: ./dekube store
        return "dekube ready: kafka " + kafka + ", metrics http://" + opsHost + ":" + opsPort + "/metrics" + announced;
      }
      return "dekube ready: apiserver " + apiUrl + ", kafka " + kafka + ", metrics http://" + opsHost + ":" + opsPort
          + "/metrics" + announced + " — kubectl --kubeconfig " + kubeconfig + " get nodes";
    }
  }

  /**
   * The broker child's JVM: a small heap that gives memory back (serial GC, tight free ratios), so an
   * idle cluster stays within its RSS budget; the broker's working set is its page cache, not its heap.
   * Every 30 s the JVM hands glibc's freed native memory back to the system (the C2 compiler's arenas
   * and the network buffers leave ~20 MB per JVM that malloc keeps otherwise).
   */
  static final List<String> BROKER_JVM = List.of("-Xms32m", "-Xmx512m", "-XX:+UseSerialGC",
      "-XX:MinHeapFreeRatio=10", "-XX:MaxHeapFreeRatio=30", "-XX:ReservedCodeCacheSize=64m",
      "-XX:TrimNativeHeapInterval=30000", "-XX:+ExitOnOutOfMemoryError");

  /**
   * {@link #BROKER_JVM} and what the {@code dekube} script adds for the child in the system property
   * {@code dekube.kafka.jvm-options}, one option per line (its class-data-sharing archive).
   */
  static List<String> brokerJvm() {
    List<String> all = new ArrayList<>(BROKER_JVM);
    System.getProperty("dekube.kafka.jvm-options", "").lines().map(String::strip).filter(l -> !l.isEmpty())
        .forEach(all::add);
    return all;
  }

  private final UpOptions options;
  private final ResourceRegistry registry = ResourceRegistry.builtIn();
  private final List<String> deployments = new ArrayList<>();
  private BrokerSupervisor broker;
  private java.util.function.Consumer<String> onBrokerGiveUp = message -> { };
  private Vertx vertx;
  private OpsHttpServer ops;
  private BusMonitor bus;
  private LaunchContext launched;
  /** How long the stop waits for one component: one that hangs must not hold Ctrl-C up for minutes. */
  private static final long STOP_EACH_SECONDS = 15;

  private final List<Component> components;
  private String auditLog = "audit.log";

  Cluster(UpOptions options) {
    this(options, Components.ALL);
  }

  /** Runs only {@code components} (single-component modes: {@code ./dekube store}, {@code ./dekube apiserver}). */
  Cluster(UpOptions options, List<Component> components) {
    this.options = options;
    this.components = components;
  }

  /**
   * The file name of the audit log in the data dir when {@code --audit-log-path} is not given (default
   * {@code audit.log}): a process of its own without the apiserver writes its components' events beside the
   * apiserver's, not into its file.
   */
  Cluster withAuditLog(String fileName) {
    this.auditLog = fileName;
    return this;
  }

  synchronized Endpoints start() throws Exception {
    UpOptions.installEncryption(options.flags()); // before any writer or informer resolves its transformer
    Files.createDirectories(options.dataDir());
    // the broker child takes seconds to start and the components' preparations (keys, certificates,
    // cold TLS code) need no bus: both run at once, on their own threads
    CompletableFuture<String> brokerStarted = options.kafka() != null
        ? CompletableFuture.completedFuture(options.kafka())
        : CompletableFuture.supplyAsync(this::startBroker, thread("dekube-start-broker"));
    vertx = Vertx.vertx();
    List<CompletableFuture<Object>> prepared = new ArrayList<>();
    for (Component c : components) {
      Vertx v = vertx;
      prepared.add(CompletableFuture.supplyAsync(() -> prepare(c, v),
          thread("dekube-prepare-" + c.getClass().getSimpleName())));
    }
    String bootstrap = join(brokerStarted);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      // the broker's default.replication.factor (1 for the embedded broker, a cluster's own otherwise): a factor
      // of 1 on a cluster of three left every topic on one broker, and a broker's loss lost its objects
      TopicCatalog.load().ensureTopics(bootstrap, admin, registry.all(), (short) -1);
    }
    bus = BusMonitor.start(bootstrap); // one per process: StoreClient, informers and /readyz consult it
    ops = new OpsHttpServer();
    ops.readinessFailure("kafka", bus::failure);
    ProcessMetrics.bind();
    int opsPort = await(ops.listen(vertx, options.bindAddress(), options.opsPort()));
    LaunchContext ctx = new LaunchContext(vertx, bootstrap, options, registry, deployments, prepared, auditLog);
    launched = ctx;
    ctx.ops(ops);
    Components.deploy(ctx, components);
    return new Endpoints(bootstrap, ctx.apiUrl(), opsPort, ctx.kubeconfig(), ctx.announced(),
        UpOptions.reachableHost(options.flags()));
  }

  private Object prepare(Component c, Vertx v) {
    try {
      return c.prepare(v, options);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new java.util.concurrent.CompletionException(e);
    }
  }

  /** Runs each task on a daemon thread of its own named {@code name}. */
  private static java.util.concurrent.Executor thread(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      t.start();
    };
  }

  /** The future's value (blocking: never on an event loop); its failure's cause thrown as it is. */
  static <T> T join(CompletableFuture<T> f) throws Exception {
    try {
      return f.join();
    } catch (java.util.concurrent.CompletionException e) {
      throw e.getCause() instanceof Exception ex ? ex : e;
    }
  }

  /**
   * How long {@code up} waits for its broker: a first start after the build (no class-data archive yet) took over
   * 90 s at a load average of 26 on 2 cores, where a warm one takes 2–3 s; the child says every 30 s that it is still
   * starting, and a child that exits fails the start at once.
   */
  private static final Duration READY_TIMEOUT = Duration.ofMinutes(5);

  private String startBroker() {
    Path data = options.dataDir().resolve("kafka");
    LOG.info("starting the embedded Kafka broker on 127.0.0.1:{} (data {})", options.kafkaPort(), data);
    EmbeddedKafkaProcess.Builder child = EmbeddedKafkaProcess.builder().host("127.0.0.1").port(options.kafkaPort())
        .dataDir(data).logFile(options.dataDir().resolve("kafka.log")).readyTimeout(READY_TIMEOUT)
        .jvmOptions(brokerJvm())
        .stopWithJvm(false); // stop() closes it last, after the writers left their group (writer rule 9)
    broker = BrokerSupervisor.start(child, "127.0.0.1", options.kafkaPort(), BrokerSupervisor.Policy.DEFAULT,
        message -> onBrokerGiveUp.accept(message));
    return broker.bootstrapServers();
  }

  /** What to do when the supervised broker keeps failing (called once, on the supervisor's thread). */
  void onBrokerGiveUp(java.util.function.Consumer<String> action) {
    this.onBrokerGiveUp = action;
  }

  /** The supervised broker child, or null with {@code --kafka}. */
  BrokerSupervisor broker() {
    return broker;
  }

  synchronized void stop() {
    io.dekube.core.encryption.StoreEncryption.stopReload(); // the configuration in use stays for what still reads
    if (vertx != null) {
      // reverse start order: what acts on the store first, the writers last
      for (String id : reversed(deployments)) {
        String name = launched == null ? id : launched.nameOf(id);
        try {
          vertx.undeploy(id).toCompletionStage().toCompletableFuture().get(STOP_EACH_SECONDS, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
          LOG.warn("{} did not stop within {} s; stopping the rest", name, STOP_EACH_SECONDS);
        } catch (Exception e) {
          LOG.warn("stopping {} failed: {}", name, e.toString());
        }
      }
      try {
        await(vertx.close());
      } catch (Exception e) {
        LOG.warn("closing Vert.x failed: {}", e.toString());
      }
      vertx = null;
    }
    if (bus != null) {
      bus.close();
      bus = null;
    }
    if (broker != null) {
      broker.close();
      broker = null;
    }
  }

  private static List<String> reversed(List<String> ids) {
    List<String> copy;
    synchronized (ids) {
      copy = new ArrayList<>(ids);
    }
    java.util.Collections.reverse(copy);
    return copy;
  }

  /** How long {@link #await} waits for a step of the start or stop. */
  static final Duration STEP_TIMEOUT = Duration.ofMinutes(3);

  /**
   * The future's value, waited for at most {@link #STEP_TIMEOUT}, saying every 30 s that the step still runs; a
   * timeout says so in its message (the JDK's has none, and a start that failed with it printed "failed: null"). A
   * first start on a loaded machine is slow, not hung: the apiserver's start took over 60 s at a load average of 30
   * on 2 cores, cold classes loading and initializing on its event loop.
   */
  static <T> T await(io.vertx.core.Future<T> future) throws Exception {
    java.util.concurrent.CompletableFuture<T> f = future.toCompletionStage().toCompletableFuture();
    long start = System.nanoTime();
    while (true) {
      long left = STEP_TIMEOUT.toNanos() - (System.nanoTime() - start);
      if (left <= 0) {
        throw new java.util.concurrent.TimeoutException("a step of the start or stop did not finish within "
            + STEP_TIMEOUT.toSeconds() + " s (its stack trace is in the log)");
      }
      try {
        return f.get(Math.min(left, TimeUnit.SECONDS.toNanos(30)), TimeUnit.NANOSECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        LOG.info("a step of the start or stop still runs after {} s (load average {}); waiting up to {} s",
            TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start),
            io.dekube.kafka.EmbeddedKafkaProcess.Builder.loadAverage(), STEP_TIMEOUT.toSeconds());
      }
    }
  }
}
