package io.dekube.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpServer;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.KafkaBrokerExtension;
import io.dekube.kafka.WithKafka;
import io.dekube.kubelet.pod.PodIpAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Containers' postStart and preStop hooks on a jvm node and a process node, beside a real writer on the
 * embedded broker: each handler (exec, httpGet, sleep; tcpSocket failing as in kube), the container held
 * in ContainerCreating by postStart, killed when it fails, and preStop before the stop on deletion and on a
 * liveness kill, within the grace period, and when another writer makes a running pod Failed; and the termination message of an ended container. The hooks' HTTP
 * calls reach a server of this test, which holds them until the test lets them go.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class LifecycleHooksIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType EVENTS = REGISTRY.byResourceName("events").orElseThrow();
  private static final String NS = "hooks-it";

  @TempDir
  static Path dir;
  private final ThreadLocalRandom random = ThreadLocalRandom.current();
  private final String node = "hooks-node-" + random.nextInt(1_000_000);
  private final String processNode = node + "-process";
  private final String nodeIp = "127." + random.nextInt(2, 100) + "." + random.nextInt(2, 250) + ".1";
  private final String cluster = "127." + random.nextInt(100, 240) + ".0.0/16";
  private Vertx vertx;
  private StoreClient store;
  private Informer pods;
  private Informer events;
  private HttpServer hooks;
  /** Per path: the requests the hook server got (their User-Agent), and the latch that holds their answer. */
  private final Map<String, String> calls = new ConcurrentHashMap<>();
  private final Map<String, CountDownLatch> held = new ConcurrentHashMap<>();
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() throws Exception {
    hooks = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    hooks.setExecutor(Executors.newCachedThreadPool());
    hooks.createContext("/", ex -> {
      String path = ex.getRequestURI().getPath();
      calls.put(path, String.valueOf(ex.getRequestHeaders().getFirst("User-Agent")));
      try {
        held.computeIfAbsent(path, p -> new CountDownLatch(0)).await(60, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      ex.sendResponseHeaders(200, -1);
      ex.close();
    });
    hooks.start();
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    vertx = Vertx.vertx();
    store = TestBus.start(vertx, bootstrap, REGISTRY, NS, "kube-node-lease");
    SharedInformers informers = SharedInformers.of(vertx);
    pods = informers.informer(bootstrap, PODS);
    events = informers.informer(bootstrap, EVENTS);
    result(events.start());
    KubeletConfig jvm = KubeletConfig.defaults(node, nodeIp, dir).withKubeletPort(0)
        .withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 1)).withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2));
    KubeletConfig process = KubeletConfig.defaults(processNode, nodeIp.substring(0, nodeIp.lastIndexOf('.')) + ".2",
        dir).withKubeletPort(0).withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 2)).withRuntime("process")
        .withAllowHostCommands(true);
    result(vertx.deployVerticle(new NodeFleet(List.of(jvm, process), store, t -> informers.informer(bootstrap, t),
        ClusterPki.loadOrCreate(dir.resolve("pki"))).withAuthorizer(a -> Future.succeededFuture(true))));
  }

  @AfterAll
  void stop() throws Exception {
    if (hooks != null) {
      held.values().forEach(CountDownLatch::countDown);
      hooks.stop(0);
    }
    if (vertx != null) {
      result(vertx.close());
    }
  }

  @Test
  void anHttpGetPostStartHoldsTheContainerInCreatingUntilItAnswers() throws Exception {
    CountDownLatch release = hold("/started");
    create("poststart", node, "", "'image':'dekube/web','lifecycle':{'postStart':{'httpGet':{'host':'127.0.0.1',"
        + "'port':" + hookPort() + ",'path':'/started'}}}");
    await("the postStart request").atMost(Duration.ofSeconds(60)).until(() -> calls.containsKey("/started"));
    assertEquals("kube-lifecycle/1.32", calls.get("/started"));
    awaitEvent("poststart", "Started", "Started container c"::equals);
    JsonNode waiting = awaitStatus("poststart", s -> s.at("/containerStatuses/0/state/waiting/reason").asText()
        .equals("ContainerCreating"));
    assertEquals("Pending", waiting.path("phase").asText());
    assertEquals(false, waiting.at("/containerStatuses/0/started").asBoolean());
    release.countDown();
    JsonNode running = awaitStatus("poststart", s -> s.at("/containerStatuses/0/state").has("running")
        && s.at("/containerStatuses/0/ready").asBoolean());
    assertEquals("Running", running.path("phase").asText());
    assertEquals(0, running.at("/containerStatuses/0/restartCount").asInt());
  }

  @Test
  void aSleepPostStartKeepsTheStartedContainerCreatingForItsSeconds() throws Exception {
    create("sleepy", node, "", "'image':'dekube/web','lifecycle':{'postStart':{'sleep':{'seconds':3}}}");
    awaitEvent("sleepy", "Started", "Started container c"::equals);
    awaitStatus("sleepy", s -> s.at("/containerStatuses/0/state/waiting/reason").asText().equals("ContainerCreating"));
    awaitStatus("sleepy", s -> "Running".equals(s.path("phase").asText()));
  }

  @Test
  void aFailingExecPostStartKillsTheContainerWhichRestarts() throws Exception {
    create("hookfail", node, "", "'image':'dekube/web','lifecycle':{'postStart':{'exec':{'command':['sh','-c',"
        + "'sleep 3; echo oops; exit 3']}}}");
    String uid = awaitPod("hookfail").at("/metadata/uid").asText();
    ObjectNode failed = awaitEvent("hookfail", "FailedPostStartHook", "PostStartHook failed"::equals);
    assertEquals("Warning", failed.path("type").asText());
    awaitEvent("hookfail", "Killing", "FailedPostStartHook"::equals);
    // the next start's hook runs long enough for the status to show why the last one ended
    JsonNode s = awaitStatus("hookfail", st -> st.at("/containerStatuses/0/state/waiting/reason").asText()
        .equals("PostStartHookError"));
    assertEquals("Exec lifecycle hook ([sh -c sleep 3; echo oops; exit 3]) for Container \"c\" in Pod \"hookfail_"
        + NS + "(" + uid + ")\" failed - error: command 'sh -c sleep 3; echo oops; exit 3' exited with 3: , "
        + "message: \"oops\\n\"", s.at("/containerStatuses/0/state/waiting/message").asText());
    assertEquals(143, s.at("/containerStatuses/0/lastState/terminated/exitCode").asInt(), s.toString());
    awaitStatus("hookfail", st -> st.at("/containerStatuses/0/restartCount").asInt() >= 1);
  }

  @Test
  void tcpSocketAndUnansweredHttpGetPostStartsFailAsInKube() throws Exception {
    create("tcphook", node, "'restartPolicy':'Never',", "'image':'dekube/web','lifecycle':{'postStart':{'tcpSocket':"
        + "{'port':2015}}}");
    create("refused", node, "'restartPolicy':'Never',", "'image':'dekube/web','lifecycle':{'postStart':{'httpGet':"
        + "{'port':9,'path':'/nobody'}}}");
    for (String name : List.of("tcphook", "refused")) {
      awaitEvent(name, "FailedPostStartHook", "PostStartHook failed"::equals);
      JsonNode s = awaitStatus(name, st -> "Failed".equals(st.path("phase").asText()));
      assertTrue(s.at("/containerStatuses/0/state").has("terminated"), s.toString());
    }
  }

  @Test
  void anHttpGetPreStopRunsOnDeletionWhileTheContainerStillServes() throws Exception {
    CountDownLatch release = hold("/stopping");
    create("prestop", node, "", "'image':'dekube/web','lifecycle':{'preStop':{'httpGet':{'host':'127.0.0.1',"
        + "'port':" + hookPort() + ",'path':'/stopping'}}}");
    String ip = awaitStatus("prestop", s -> "Running".equals(s.path("phase").asText())).path("podIP").asText();
    result(store.delete(PODS, NS, "prestop", WriteOptions.none()));
    await("the preStop request").atMost(Duration.ofSeconds(60)).until(() -> calls.containsKey("/stopping"));
    awaitEvent("prestop", "Killing", "Stopping container c"::equals);
    assertEquals(200, get("http://" + ip + ":2015/").statusCode(), "the container serves until its preStop ends");
    assertTrue(pods.get(NS, "prestop") != null);
    release.countDown();
    await("the final delete").atMost(Duration.ofSeconds(60)).until(() -> pods.get(NS, "prestop") == null);
  }

  @Test
  void aSleepPreStopKeepsServingUntilItEnds() throws Exception {
    create("drain", node, "", "'image':'dekube/web','lifecycle':{'preStop':{'sleep':{'seconds':4}}}");
    String ip = awaitStatus("drain", s -> "Running".equals(s.path("phase").asText())).path("podIP").asText();
    result(store.delete(PODS, NS, "drain", WriteOptions.none()));
    awaitEvent("drain", "Killing", "Stopping container c"::equals);
    assertEquals(200, get("http://" + ip + ":2015/").statusCode(), "the container serves during the sleep");
    await("the final delete").atMost(Duration.ofSeconds(60)).until(() -> pods.get(NS, "drain") == null);
  }

  @Test
  void aProcessGetsSigtermAfterItsPreStopAndSigkillWhenTheGraceRunsOut() throws Exception {
    Path trace = dir.resolve("trace-" + random.nextInt(1_000_000));
    Path main = Files.writeString(dir.resolve("main-" + random.nextInt(1_000_000) + ".sh"), "trap 'echo term >> "
        + trace + "' TERM\necho started >> " + trace + "\nwhile true; do sleep 0.1; done\n");
    Path hook = Files.writeString(dir.resolve("hook-" + random.nextInt(1_000_000) + ".sh"), "echo prestop >> "
        + trace + "\nsleep 60\n");
    // the hook never ends by itself: the stop follows when the 2 s grace is over, and the process, deaf to
    // SIGTERM, is killed 2 s later (kube's minimal shutdown window)
    create("overrun", processNode, "'terminationGracePeriodSeconds':2,", "'image':'busybox','command':['sh','" + main
        + "'],'lifecycle':{'preStop':{'exec':{'command':['sh','" + hook + "']}}}");
    awaitStatus("overrun", s -> "Running".equals(s.path("phase").asText()));
    result(store.delete(PODS, NS, "overrun", WriteOptions.none()));
    await("the final delete").atMost(Duration.ofSeconds(30)).until(() -> pods.get(NS, "overrun") == null);
    assertEquals(List.of("started", "prestop", "term"), Files.readAllLines(trace));
  }

  @Test
  void aFailingPreStopIsReportedAndTheStopGoesOn() throws Exception {
    create("badstop", processNode, "", "'image':'busybox','command':['sleep','60'],"
        + "'lifecycle':{'preStop':{'exec':{'command':['sh','-c','exit 7']}}}");
    awaitStatus("badstop", s -> "Running".equals(s.path("phase").asText()));
    result(store.delete(PODS, NS, "badstop", WriteOptions.none()));
    ObjectNode failed = awaitEvent("badstop", "FailedPreStopHook", "PreStopHook failed"::equals);
    assertEquals("Warning", failed.path("type").asText());
    await("the final delete").atMost(Duration.ofSeconds(60)).until(() -> pods.get(NS, "badstop") == null);
  }

  @Test
  void aLivenessKillRunsThePreStopHookFirst() throws Exception {
    CountDownLatch release = hold("/unhealthy");
    release.countDown();
    create("unwell", node, "", "'image':'dekube/web','livenessProbe':{'tcpSocket':{'port':9},'periodSeconds':1,"
        + "'failureThreshold':1},'lifecycle':{'preStop':{'httpGet':{'host':'127.0.0.1','port':" + hookPort()
        + ",'path':'/unhealthy'}}}");
    awaitEvent("unwell", "Killing", "Container c failed liveness probe, will be restarted"::equals);
    await("the preStop request").atMost(Duration.ofSeconds(60)).until(() -> calls.containsKey("/unhealthy"));
    awaitStatus("unwell", s -> s.at("/containerStatuses/0/restartCount").asInt() >= 1);
  }

  /**
   * {@code kubectl patch pod overruled --subresource=status -p '{"status":{"phase":"Failed"}}'} on a running pod: as
   * kube's kubelet, the phase stays Failed, the container is stopped as for a termination (its preStop hook, the
   * Killing Event), never restarted though its policy is Always, and the pod stays until someone deletes it.
   */
  @Test
  void aPodMadeFailedByAnotherWriterHasItsContainersStoppedAndStays() throws Exception {
    CountDownLatch release = hold("/overruled");
    create("overruled", node, "", "'image':'dekube/web','resources':{'requests':{'cpu':'3'}},'lifecycle':{'preStop':"
        + "{'httpGet':{'host':'127.0.0.1','port':" + hookPort() + ",'path':'/overruled'}}}");
    String ip = awaitStatus("overruled", s -> "Running".equals(s.path("phase").asText())
        && s.at("/containerStatuses/0/ready").asBoolean()).path("podIP").asText();
    result(store.patch(PODS, NS, "overruled", "application/strategic-merge-patch+json",
        Json.MAPPER.readTree("{\"status\":{\"phase\":\"Failed\"}}"), WriteOptions.none().withSubresource("status")));
    await("the preStop request").atMost(Duration.ofSeconds(60)).until(() -> calls.containsKey("/overruled"));
    awaitEvent("overruled", "Killing", "Stopping container c"::equals);
    JsonNode stopping = awaitStatus("overruled", s -> "PodFailed".equals(condition(s, "Ready").path("reason").asText()));
    assertEquals("Failed", stopping.path("phase").asText(), stopping.toString());
    assertEquals("PodFailed", condition(stopping, "ContainersReady").path("reason").asText(), stopping.toString());
    assertEquals(200, get("http://" + ip + ":2015/").statusCode(), "the container serves until its preStop ends");
    release.countDown();
    JsonNode ended = awaitStatus("overruled", s -> s.at("/containerStatuses/0/state").has("terminated")
        && "False".equals(condition(s, "PodReadyToStartContainers").path("status").asText()));
    assertEquals("Failed", ended.path("phase").asText(), ended.toString());
    assertEquals(false, ended.at("/containerStatuses/0/ready").asBoolean(), ended.toString());
    assertThrows(java.net.ConnectException.class, () -> get("http://" + ip + ":2015/"));
    await("no restart, and the pod stays").during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(10))
        .until(() -> pods.get(NS, "overruled") != null
            && pods.get(NS, "overruled").at("/status/containerStatuses/0/restartCount").asInt() == 0
            && pods.get(NS, "overruled").at("/status/containerStatuses/0/state").has("terminated")
            && "Failed".equals(pods.get(NS, "overruled").at("/status/phase").asText()));
    // a stopped terminal pod no longer counts on its node (kube's filterOutInactivePods): 3 + 2 CPUs of 4 fit
    create("successor", node, "", "'image':'dekube/pause','resources':{'requests':{'cpu':'2'}}");
    awaitStatus("successor", s -> "Running".equals(s.path("phase").asText()));
    result(store.delete(PODS, NS, "successor", WriteOptions.none().withGracePeriodSeconds(0L)));
    result(store.delete(PODS, NS, "overruled", WriteOptions.none()));
    await("a terminal pod goes at once").atMost(Duration.ofSeconds(30)).until(() -> pods.get(NS, "overruled") == null);
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }

  /**
   * An HTTPS postStart hook whose server speaks plain HTTP: kube's handler sends it again over HTTP without the
   * Authorization header, the hook succeeds, a Warning {@code LifecycleHTTPFallback} Event says so and
   * {@code kubelet_lifecycle_handler_http_fallbacks_total} counts it.
   */
  @Test
  void anHttpsHookAnsweredInPlainHttpFallsBackToHttp() throws Exception {
    try (io.dekube.kubelet.probe.PlainHttpServer plain = new io.dekube.kubelet.probe.PlainHttpServer()) {
      create("fallback", node, "", "'image':'dekube/web','lifecycle':{'postStart':{'httpGet':{'host':'127.0.0.1',"
          + "'port':" + plain.port() + ",'path':'/started','scheme':'HTTPS','httpHeaders':[{'name':'Authorization',"
          + "'value':'Bearer secret'},{'name':'X-Hook','value':'yes'}]}}}");
      awaitStatus("fallback", s -> s.at("/containerStatuses/0/state").has("running"));
      ObjectNode e = awaitEvent("fallback", "LifecycleHTTPFallback", m -> true);
      assertEquals("Warning", e.path("type").asText());
      assertEquals("request to HTTPS lifecycle hook 127.0.0.1:" + plain.port() + " got HTTP response, retry with "
          + "HTTP succeeded", e.path("message").asText());
      assertEquals(1, plain.requests.size(), plain.requests.toString());
      String request = plain.requests.get(0).toLowerCase(java.util.Locale.ROOT);
      assertTrue(request.startsWith("get /started http/1.1\r\n") && request.contains("x-hook: yes")
          && request.contains("user-agent: kube-lifecycle/1.32") && !request.contains("authorization"), request);
      assertTrue(io.dekube.core.metrics.Metrics.scrape().contains("kubelet_lifecycle_handler_http_fallbacks_total{node=\""
          + node + "\"} 1\n"), "the fallback is counted");
    }
  }

  @Test
  void aContainersTerminationMessageComesFromItsFileOrWithFallbackFromItsLog() throws Exception {
    create("lastword", node, "'restartPolicy':'Never',", "'image':'busybox','command':['sh','-c',"
        + "'echo bye > /dev/termination-log; exit 3']");
    create("lastlog", processNode, "'restartPolicy':'Never',", "'image':'busybox','terminationMessagePolicy':"
        + "'FallbackToLogsOnError','command':['sh','-c','echo first; echo last words; exit 4']");
    JsonNode file = awaitStatus("lastword", s -> s.at("/containerStatuses/0/state").has("terminated"));
    assertEquals(3, file.at("/containerStatuses/0/state/terminated/exitCode").asInt());
    assertEquals("bye\n", file.at("/containerStatuses/0/state/terminated/message").asText());
    JsonNode log = awaitStatus("lastlog", s -> s.at("/containerStatuses/0/state").has("terminated"));
    assertEquals(4, log.at("/containerStatuses/0/state/terminated/exitCode").asInt());
    assertEquals("first\nlast words\n", log.at("/containerStatuses/0/state/terminated/message").asText());
  }

  /**
   * A pod deleted while a postStart hook runs, as kube's pod worker cancels the sync that runs the hook: an exec
   * hook's command is killed and a sleep hook ends at once, both failing (FailedPostStartHook), and the container is
   * stopped as any other of a terminating pod (Killing, SIGTERM) — not left running until the hook would have ended.
   */
  @Test
  void aPodDeletedWhileItsPostStartRunsHasTheHookCancelledAndTheContainerStopped() throws Exception {
    create("hooked-exec", node, "", "'image':'dekube/web','lifecycle':{'postStart':{'exec':{'command':['sh','-c',"
        + "'sleep 600']}}}");
    create("hooked-sleep", node, "'terminationGracePeriodSeconds':700,", "'image':'dekube/web','lifecycle':"
        + "{'postStart':{'sleep':{'seconds':600}}}");
    for (String name : List.of("hooked-exec", "hooked-sleep")) {
      awaitEvent(name, "Started", "Started container c"::equals);
      String ip = awaitStatus(name, s -> !s.path("podIP").asText().isEmpty()
          && s.at("/containerStatuses/0/state/waiting/reason").asText().equals("ContainerCreating"))
          .path("podIP").asText();
      assertEquals(200, get("http://" + ip + ":2015/").statusCode(), "the container runs while its hook does");
      result(store.delete(PODS, NS, name, WriteOptions.none()));
      awaitEvent(name, "FailedPostStartHook", "PostStartHook failed"::equals);
      awaitEvent(name, "Killing", "Stopping container c"::equals);
      await("the container stopped").atMost(Duration.ofSeconds(20)).until(() -> {
        try {
          get("http://" + ip + ":2015/");
          return false;
        } catch (java.io.IOException e) {
          return true;
        }
      });
      await("the final delete").atMost(Duration.ofSeconds(30)).until(() -> pods.get(NS, name) == null);
    }
  }

  private CountDownLatch hold(String path) {
    CountDownLatch l = new CountDownLatch(1);
    held.put(path, l);
    return l;
  }

  private int hookPort() {
    return hooks.getAddress().getPort();
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  private void create(String name, String onNode, String spec, String container) throws Exception {
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name
        + "','namespace':'" + NS + "'},'spec':{'nodeName':'" + onNode + "'," + spec + "'containers':[{'name':'c',"
        + container + "}]}}").replace('\'', '"'));
    result(store.create(PODS, NS, pod, WriteOptions.none()));
  }

  private ObjectNode awaitPod(String name) {
    await(name).atMost(Duration.ofSeconds(60)).until(() -> pods.get(NS, name) != null);
    return pods.get(NS, name);
  }

  private JsonNode awaitStatus(String name, Predicate<JsonNode> ok) {
    await(name).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
      ObjectNode p = pods.get(NS, name);
      return p != null && ok.test(p.path("status"));
    });
    return pods.get(NS, name).path("status");
  }

  private ObjectNode awaitEvent(String name, String reason, Predicate<String> message) {
    java.util.concurrent.atomic.AtomicReference<ObjectNode> found = new java.util.concurrent.atomic.AtomicReference<>();
    await(reason + " event of " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(50))
        .until(() -> {
          for (ObjectNode e : events.list(NS)) {
            if (e.at("/involvedObject/name").asText().equals(name) && e.path("reason").asText().equals(reason)
                && message.test(e.path("message").asText())) {
              found.set(e);
              return true;
            }
          }
          return false;
        });
    return found.get();
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
