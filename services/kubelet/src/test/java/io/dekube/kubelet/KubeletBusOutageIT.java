package io.dekube.kubelet;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.BusMonitor;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.metrics.Metrics;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kafka.KafkaExitTrap;
import io.dekube.kubelet.pod.PodIpAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A kubelet whose writes meet a bus that is down: a broker of this class's own (stopped and started
 * again on the same port and data, so the shared one of {@code @WithKafka} is left alone) under a real
 * writer and a process node. Each test makes the kubelet write while the broker is down — so the store
 * client answers 503 (Retry-After) at once — and then sees that write in the store once the broker is
 * back: the kubelet tried again.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeletBusOutageIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType EVENTS = REGISTRY.byResourceName("events").orElseThrow();
  private static final String NS = "bus-outage-it";

  @TempDir
  static Path dir;
  private final String node = "outage-node-" + ThreadLocalRandom.current().nextInt(1_000_000);
  private int port;
  private Path data;
  private EmbeddedKafka broker;
  private BusMonitor monitor;
  private Vertx vertx;
  private StoreClient store;
  private Informer pods;
  private Informer events;

  @BeforeAll
  void start() throws Exception {
    KafkaExitTrap.install();
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    data = dir.resolve("kafka");
    broker = EmbeddedKafka.builder().port(port).dataDir(data).build().start();
    String bootstrap = broker.bootstrapServers();
    monitor = BusMonitor.start(bootstrap);
    vertx = Vertx.vertx();
    // the topics, a writer, the namespace and its kube-root-ca.crt (the pods' kube-api-access volume waits for it)
    store = TestBus.start(vertx, bootstrap, REGISTRY, NS);
    SharedInformers informers = SharedInformers.of(vertx);
    pods = informers.informer(bootstrap, PODS);
    events = informers.informer(bootstrap, EVENTS);
    result(events.start());
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String cluster = "127." + random.nextInt(100, 240) + ".0.0/16";
    KubeletConfig config = KubeletConfig.defaults(node, "127." + random.nextInt(2, 100) + "."
            + random.nextInt(2, 250) + ".1", dir).withKubeletPort(0)
        .withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 1)).withRuntime("process").withAllowHostCommands(true);
    NodeFleet fleet = new NodeFleet(List.of(config), store, t -> informers.informer(bootstrap, t),
        ClusterPki.loadOrCreate(dir.resolve("pki")));
    result(vertx.deployVerticle(fleet));
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      result(vertx.close());
    }
    if (monitor != null) {
      monitor.close();
    }
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void aFinalDeleteRefusedWhileTheBusIsDownIsTriedAgainUntilThePodIsGone() throws Exception {
    // a container that ignores SIGTERM and ends once the flag file exists
    Path flag = dir.resolve("stop-now");
    create("stubborn", "trap '' TERM; while [ ! -f " + flag + " ]; do sleep 0.1; done", null);
    await("the pod runs").atMost(Duration.ofSeconds(90)).until(() -> "Running".equals(status("stubborn")
        .path("phase").asText()));
    result(store.delete(PODS, NS, "stubborn", WriteOptions.none().withGracePeriodSeconds(300L)));
    await("the kubelet stops the container").atMost(Duration.ofSeconds(60)).until(() -> events.list(NS).stream()
        .anyMatch(e -> "Killing".equals(e.path("reason").asText())
            && "stubborn".equals(e.at("/involvedObject/name").asText())));

    double refusedBefore = refusedDeletes();
    stopBroker();
    Files.writeString(flag, "");
    await("the kubelet's final delete, refused with 503").atMost(Duration.ofSeconds(60))
        .until(() -> refusedDeletes() > refusedBefore);
    startBroker();

    await("the pod is gone once the bus is back").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> answerCode(store.get(PODS, NS, "stubborn")) == 404);
    await("and from the informer").atMost(Duration.ofSeconds(60)).until(() -> pods.get(NS, "stubborn") == null);
  }

  @Test
  void aStatusRefusedWhileTheBusIsDownIsWrittenOnceItIsBack() throws Exception {
    // ready once the flag file exists (the probe then leaves a mark): the probe's result is the pod's only
    // change, so one status write, made within milliseconds of the mark — the broker takes seconds to start
    Path flag = dir.resolve("ready-now");
    Path seen = dir.resolve("ready-seen");
    create("late", "sleep 600", "test -f " + flag + " && touch " + seen);
    await("the pod runs, not ready").atMost(Duration.ofSeconds(90)).until(() -> "Running".equals(status("late")
        .path("phase").asText()) && !ready(status("late")));

    stopBroker();
    Files.writeString(flag, "");
    await("the readiness probe passes").atMost(Duration.ofSeconds(60)).until(() -> Files.exists(seen));
    startBroker();

    await("the Ready status reaches the store once the bus is back").atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(200)).until(() -> {
          try {
            return ready(result(store.get(PODS, NS, "late")).path("status"));
          } catch (ExecutionException e) {
            return false;
          }
        });
  }

  private void stopBroker() {
    broker.close();
    await("the bus is seen down").atMost(Duration.ofSeconds(30)).until(() -> !monitor.up());
  }

  private void startBroker() {
    broker = EmbeddedKafka.builder().port(port).dataDir(data).build().start();
  }

  /** A pod on the node running {@code script} in a shell, with an exec readiness probe when given. */
  private void create(String name, String script, String readiness) throws Exception {
    ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    pod.putObject("metadata").put("name", name).put("namespace", NS);
    ObjectNode c = pod.putObject("spec").put("nodeName", node).putArray("containers").addObject()
        .put("name", "c").put("image", "busybox");
    c.putArray("command").add("/bin/sh").add("-c").add(script);
    if (readiness != null) {
      ObjectNode probe = c.putObject("readinessProbe").put("periodSeconds", 1);
      probe.putObject("exec").putArray("command").add("/bin/sh").add("-c").add(readiness);
    }
    result(store.create(PODS, NS, pod, WriteOptions.none()));
  }

  private JsonNode status(String name) {
    ObjectNode p = pods.get(NS, name);
    return p == null ? Json.object() : p.path("status");
  }

  private static boolean ready(JsonNode status) {
    for (JsonNode c : status.path("conditions")) {
      if ("Ready".equals(c.path("type").asText())) {
        return "True".equals(c.path("status").asText());
      }
    }
    return false;
  }

  /** The DELETEs the store clients of this JVM answered 503 (the bus refused them) so far. */
  private static double refusedDeletes() {
    var c = Metrics.registry().find("dekube.store.client.requests").tags("verb", "delete", "code", "503").counter();
    return c == null ? 0 : c.count();
  }

  /** The code of a store answer (200 for a success), waiting at most 5 s for it; 0 for none. */
  private static int answerCode(Future<?> f) {
    try {
      f.toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      return 200;
    } catch (ExecutionException e) {
      return e.getCause() instanceof StatusException se ? se.code() : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
