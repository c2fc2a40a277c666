package io.dekube.kubelet;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.BusMonitor;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.metrics.Metrics;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kafka.KafkaExitTrap;
import io.dekube.kubelet.pod.PodIpAllocator;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The kubelet's final delete of a pod meets a bus that is down: a broker of this test's own (stopped
 * and started again on the same port and data, so the shared one of {@code @WithKafka} is left alone)
 * under a real writer and a process node. The pod's container ignores SIGTERM and ends only once the
 * broker is down, so the kubelet's grace-period-0 DELETE is answered 503 (Retry-After) at once; once
 * the broker is back, the pod is gone all the same — the kubelet tried again.
 */
class FinalDeleteOutageIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType EVENTS = REGISTRY.byResourceName("events").orElseThrow();
  private static final ResourceType NAMESPACES = REGISTRY.byResourceName("namespaces").orElseThrow();
  private static final String NS = "final-delete-it";

  @Test
  void aFinalDeleteRefusedWhileTheBusIsDownIsTriedAgainUntilThePodIsGone(@TempDir Path dir) throws Exception {
    KafkaExitTrap.install();
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path data = dir.resolve("kafka");
    EmbeddedKafka broker = EmbeddedKafka.builder().port(port).dataDir(data).build().start();
    String bootstrap = broker.bootstrapServers();
    BusMonitor monitor = BusMonitor.start(bootstrap);
    Vertx vertx = Vertx.vertx();
    try {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
        TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
      }
      result(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), REGISTRY,
          new BasicAdmission().andThen(new KubernetesAdmission()))));
      StoreClient store = result(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
      ObjectNode ns = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      ns.putObject("metadata").put("name", NS);
      result(store.create(NAMESPACES, "", ns, WriteOptions.none()));
      SharedInformers informers = SharedInformers.of(vertx);
      Informer pods = informers.informer(bootstrap, PODS);
      Informer events = informers.informer(bootstrap, EVENTS);
      result(events.start());
      ThreadLocalRandom random = ThreadLocalRandom.current();
      String node = "outage-node-" + random.nextInt(1_000_000);
      String cluster = "127." + random.nextInt(100, 240) + ".0.0/16";
      KubeletConfig config = KubeletConfig.defaults(node, "127." + random.nextInt(2, 100) + "."
              + random.nextInt(2, 250) + ".1", dir).withKubeletPort(0)
          .withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 1)).withRuntime("process").withAllowHostCommands(true);
      result(vertx.deployVerticle(new NodeFleet(List.of(config), store, t -> informers.informer(bootstrap, t),
          ClusterPki.loadOrCreate(dir.resolve("pki")))));

      // a container that ignores SIGTERM and ends once the flag file exists
      Path flag = dir.resolve("stop-now");
      String script = "trap '' TERM; while [ ! -f " + flag + " ]; do sleep 0.1; done";
      ObjectNode pod = Json.object().put("apiVersion", "v1").put("kind", "Pod");
      pod.putObject("metadata").put("name", "stubborn").put("namespace", NS);
      ObjectNode c = pod.putObject("spec").put("nodeName", node).putArray("containers").addObject()
          .put("name", "c").put("image", "busybox");
      c.putArray("command").add("/bin/sh").add("-c").add(script);
      result(store.create(PODS, NS, pod, WriteOptions.none()));
      await("the pod runs").atMost(Duration.ofSeconds(90)).until(() -> pods.get(NS, "stubborn") != null
          && "Running".equals(pods.get(NS, "stubborn").at("/status/phase").asText()));
      result(store.delete(PODS, NS, "stubborn", WriteOptions.none().withGracePeriodSeconds(300L)));
      await("the kubelet stops the container").atMost(Duration.ofSeconds(60)).until(() -> events.list(NS).stream()
          .anyMatch(e -> "Killing".equals(e.path("reason").asText())
              && "stubborn".equals(e.at("/involvedObject/name").asText())));

      double refusedBefore = refusedDeletes();
      broker.close();
      await("the bus is seen down").atMost(Duration.ofSeconds(30)).until(() -> !monitor.up());
      Files.writeString(flag, "");
      await("the kubelet's final delete, refused with 503").atMost(Duration.ofSeconds(60))
          .until(() -> refusedDeletes() > refusedBefore);

      broker = EmbeddedKafka.builder().port(port).dataDir(data).build().start();
      await("the pod is gone once the bus is back").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
          .until(() -> answerCode(store.get(PODS, NS, "stubborn")) == 404);
      await("and from the informer").atMost(Duration.ofSeconds(60)).until(() -> pods.get(NS, "stubborn") == null);
      result(store.close());
    } finally {
      result(vertx.close());
      monitor.close();
      broker.close();
    }
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
    } catch (java.util.concurrent.ExecutionException e) {
      return e.getCause() instanceof io.dekube.core.model.StatusException se ? se.code() : 0;
    } catch (Exception e) {
      return 0;
    }
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
