package io.dekube.launcher;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.util.CallGeneratorParams;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 on one real {@code ./dekube up}: the embedded broker child killed (SIGKILL) and frozen
 * (SIGSTOP 20 s) under a 16-client create load — requests get 503 at once instead of hanging, the
 * broker comes back (restarted by the supervisor, or thawed), creates succeed again without a
 * restart of dekube, every create answered 201 is stored exactly once and none answered 503 is,
 * and fabric8's and the official client's informers converge; last, a broker that keeps dying
 * stops {@code up} with one clear message and a non-zero exit status.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BusFaultsE2E {

  private static final String NS = "bus-faults";
  private static final Duration ANSWERED = Duration.ofSeconds(5);

  @TempDir
  static Path tmp;
  private static DekubeProcess up;
  private static KubernetesClient load;
  private static KubernetesClient watching;
  private static SharedIndexInformer<ConfigMap> fabric8Informer;
  private static SharedInformerFactory officialFactory;
  private static io.kubernetes.client.informer.SharedIndexInformer<V1ConfigMap> officialInformer;
  private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

  @BeforeAll
  static void start() throws Exception {
    up = DekubeProcess.up(tmp.resolve("state"));
    String kubeconfig = Files.readString(up.kubeconfig());
    Config noRetries = Config.fromKubeconfig(kubeconfig);
    noRetries.setRequestRetryBackoffLimit(0); // see every 503 as it is answered
    noRetries.setRequestTimeout(60_000);
    noRetries.setConnectionTimeout(60_000); // 2 busy cores shared by many test JVMs: TLS handshakes may be slow
    load = new KubernetesClientBuilder().withConfig(noRetries).build();
    load.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(NS).endMetadata().build()).create();
    Config informing = Config.fromKubeconfig(kubeconfig);
    informing.setConnectionTimeout(60_000);
    watching = new KubernetesClientBuilder().withConfig(informing).build();
    fabric8Informer = watching.configMaps().inNamespace(NS).inform();
    ApiClient official = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(kubeconfig))).build();
    official.setHttpClient(official.getHttpClient().newBuilder().readTimeout(0, TimeUnit.SECONDS).build());
    CoreV1Api core = new CoreV1Api(official);
    officialFactory = new SharedInformerFactory(official);
    officialInformer = officialFactory.sharedIndexInformerFor((CallGeneratorParams p) -> core
            .listNamespacedConfigMap(NS).resourceVersion(p.resourceVersion).watch(p.watch)
            .timeoutSeconds(p.timeoutSeconds).buildCall(null),
        V1ConfigMap.class, V1ConfigMapList.class);
    officialFactory.startAllRegisteredInformers();
    await().atMost(Duration.ofSeconds(60)).until(() -> fabric8Informer.hasSynced() && officialInformer.hasSynced());
  }

  @AfterAll
  static void stop() throws Exception {
    if (officialFactory != null) {
      officialFactory.stopAllRegisteredInformers();
    }
    if (fabric8Informer != null) {
      fabric8Informer.close();
    }
    for (KubernetesClient c : new KubernetesClient[] {load, watching}) {
      if (c != null) {
        c.close();
      }
    }
    if (up != null) {
      up.close();
    }
  }

  @Test
  @Order(1)
  void aKilledBrokerIsRestartedAndRequestsAnswer503MeanwhileInsteadOfHanging() throws Exception {
    long pid = up.brokerPid();
    CreateLoad run = new CreateLoad(load, NS, "kill", 16);
    try (run) {
      await().atMost(Duration.ofSeconds(120)).until(() -> run.countSince(201, 0) >= 50);
      long fault = System.nanoTime();
      signal("KILL", pid);
      await("a 503 after the kill").atMost(Duration.ofSeconds(10)).until(() -> run.countSince(503, fault) > 0);
      await("the broker back and /readyz green").atMost(Duration.ofSeconds(120)).until(BusFaultsE2E::ready);
      long back = System.nanoTime();
      System.out.printf("BusFaultsE2E: broker killed, /readyz green again after %d ms%n",
          TimeUnit.NANOSECONDS.toMillis(back - fault));
      assertNotEquals(pid, up.brokerPid(), "a new broker child");
      await("creates succeed again").atMost(Duration.ofSeconds(120)).until(() -> run.countSince(201, back) >= 50);
    }
    assertOutcomes(run);
    assertInformersConverge();
  }

  @Test
  @Order(2)
  void aFrozenBrokerGivesTheSameOutcomeOnceThawed() throws Exception {
    long pid = up.brokerPid();
    CreateLoad run = new CreateLoad(load, NS, "stop", 16);
    try (run) {
      await().atMost(Duration.ofSeconds(120)).until(() -> run.countSince(201, 0) >= 50);
      long fault = System.nanoTime();
      signal("STOP", pid);
      try {
        await("a 503 after the freeze").atMost(Duration.ofSeconds(10)).until(() -> run.countSince(503, fault) > 0);
        await("not ready while frozen").during(Duration.ofSeconds(15)).atMost(Duration.ofSeconds(25))
            .until(() -> !ready());
      } finally {
        signal("CONT", pid);
      }
      await("/readyz green after SIGCONT").atMost(Duration.ofSeconds(120)).until(BusFaultsE2E::ready);
      long back = System.nanoTime();
      assertEquals(pid, up.brokerPid(), "the same broker, thawed");
      await("creates succeed again").atMost(Duration.ofSeconds(120)).until(() -> run.countSince(201, back) >= 50);
    }
    assertOutcomes(run);
    assertInformersConverge();
  }

  @Test
  @Order(3)
  void aBrokerThatKeepsDyingStopsUpWithAMessage() throws Exception {
    // unreadable as root too: the data directory becomes a plain file
    Path data = tmp.resolve("state").resolve("kafka");
    Files.move(data, tmp.resolve("kafka-moved-away"));
    Files.writeString(data, "not a directory\n");
    signal("KILL", up.brokerPid());
    await("up gives up").atMost(Duration.ofMinutes(4)).until(() -> !up.isAlive());
    assertNotEquals(0, up.exitValue(), "exit status");
    String log = Files.readString(up.stderrLog());
    assertTrue(log.contains("dekube: the embedded Kafka broker failed 6 times within 120 s"), log);
    assertTrue(log.contains("Look at " + tmp.resolve("state").resolve("kafka.log")), "names the broker's log");
  }

  private static void assertOutcomes(CreateLoad run) {
    Map<Integer, Long> codes = run.outcomes().stream()
        .collect(Collectors.groupingBy(CreateLoad.Outcome::code, Collectors.counting()));
    System.out.println("BusFaultsE2E " + run.name() + ": answers by code " + codes);
    assertTrue(Set.of(201, 503, 504).containsAll(codes.keySet()), "only 201, 503 and 504: " + codes);
    for (CreateLoad.Outcome o : run.outcomes()) {
      if (o.code() == 503) {
        assertTrue(o.took().compareTo(ANSWERED) < 0, "503 answered in " + o.took() + ": " + o);
      }
      assertTrue(o.took().compareTo(Duration.ofSeconds(40)) < 0, "answered in " + o.took() + ": " + o);
    }
    Map<String, Long> stored = load.configMaps().inNamespace(NS).withLabel("run", run.name()).list().getItems()
        .stream().collect(Collectors.groupingBy(c -> c.getMetadata().getAnnotations().get("seq"),
            Collectors.counting()));
    stored.forEach((seq, n) -> assertEquals(1L, n, "stored once: " + seq));
    Map<String, CreateLoad.Outcome> bySeq = run.outcomes().stream()
        .collect(Collectors.toMap(CreateLoad.Outcome::seq, Function.identity()));
    bySeq.values().stream().filter(o -> o.code() == 201)
        .forEach(o -> assertTrue(stored.containsKey(o.seq()), "answered 201 but not stored: " + o));
    bySeq.values().stream().filter(o -> o.code() == 503)
        .forEach(o -> assertTrue(!stored.containsKey(o.seq()), "answered 503 but stored: " + o));
  }

  private static void assertInformersConverge() {
    await("informers converge").atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
      Set<String> truth = load.configMaps().inNamespace(NS).list().getItems().stream()
          .map(c -> c.getMetadata().getName()).collect(Collectors.toCollection(TreeSet::new));
      Set<String> fabric8 = fabric8Informer.getStore().list().stream().map(c -> c.getMetadata().getName())
          .collect(Collectors.toCollection(TreeSet::new));
      Set<String> official = officialInformer.getIndexer().list().stream().map(c -> c.getMetadata().getName())
          .collect(Collectors.toCollection(TreeSet::new));
      assertEquals(truth, fabric8, "fabric8's informer");
      assertEquals(truth, official, "the official client's informer");
    });
  }

  private static boolean ready() {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + up.opsPort() + "/readyz"))
          .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  private static void signal(String signal, long pid) throws Exception {
    assertEquals(0, new ProcessBuilder("kill", "-" + signal, Long.toString(pid)).inheritIO().start().waitFor());
  }
}
