package io.dekube.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import io.dekube.kubelet.server.auth.NodeAttributes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node on the embedded broker, beside a real writer: it registers and heartbeats, runs pods bound
 * to it (jvm runtime, on their pod IPs), restarts crashing containers with back-off, probes, refuses
 * what does not fit, and stops and finally deletes pods on graceful deletion.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KubeletIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType NODES = REGISTRY.byResourceName("nodes").orElseThrow();
  private static final ResourceType LEASES = REGISTRY.byResourceName("leases.coordination.k8s.io").orElseThrow();
  private static final ResourceType EVENTS = REGISTRY.byResourceName("events").orElseThrow();
  private static final String NS = "kubelet-it";

  @TempDir
  static Path dir;
  private final ThreadLocalRandom random = ThreadLocalRandom.current();
  private final String node = "it-node-" + random.nextInt(1_000_000);
  private final String nodeIp = "127." + random.nextInt(2, 100) + "." + random.nextInt(2, 250) + ".1";
  private final String cluster = "127." + random.nextInt(100, 240) + ".0.0/16";
  private final String subnet = PodIpAllocator.nthSubnet(cluster, 1);
  private final String processNode = node + "-process";
  /** A node whose pod CIDR (a /30) holds one pod IP. */
  private final String tinyNode = node + "-tiny";
  private final String tinyCidr = PodIpAllocator.nthSubnet(cluster, 3).replace("/24", "/30");
  private Vertx vertx;
  private StoreClient store;
  private Informer pods;
  private Informer nodes;
  private Informer leases;
  private Informer events;
  private NodeFleet fleet;
  private final List<NodeAttributes> asked = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() throws Exception {
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    vertx = Vertx.vertx();
    store = TestBus.start(vertx, bootstrap, REGISTRY, NS, "kube-node-lease");
    SharedInformers informers = SharedInformers.of(vertx);
    pods = informers.informer(bootstrap, PODS);
    nodes = informers.informer(bootstrap, NODES);
    leases = informers.informer(bootstrap, LEASES);
    result(leases.start());
    events = informers.informer(bootstrap, EVENTS);
    result(events.start());
    KubeletConfig config = KubeletConfig.defaults(node, nodeIp, dir).withKubeletPort(0).withFallbackPodCidr(subnet)
        .withLease(Duration.ofSeconds(40), Duration.ofSeconds(1))
        .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2));
    KubeletConfig process = KubeletConfig.defaults(processNode, nodeIp.substring(0, nodeIp.lastIndexOf('.')) + ".2",
        dir).withKubeletPort(0).withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 2)).withRuntime("process")
        .withAllowHostCommands(true);
    // no apiserver here to review the kubelet API's requests: everyone but jane may
    KubeletConfig tiny = KubeletConfig.defaults(tinyNode, nodeIp.substring(0, nodeIp.lastIndexOf('.')) + ".3", dir)
        .withKubeletPort(0).withFallbackPodCidr(tinyCidr);
    fleet = new NodeFleet(List.of(config, process, tiny), store, t -> informers.informer(bootstrap, t),
        ClusterPki.loadOrCreate(dir.resolve("pki"))).withAuthorizer(a -> {
          asked.add(a);
          return Future.succeededFuture(!a.user().name().equals("jane"));
        });
    result(vertx.deployVerticle(fleet));
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      result(vertx.close());
    }
  }

  @Test
  void theNodeRegistersReadyAndRenewsItsLease() {
    await().atMost(Duration.ofSeconds(60)).until(() -> nodes.get("", node) != null);
    ObjectNode n = nodes.get("", node);
    assertEquals("4", n.at("/status/capacity/cpu").asText());
    assertEquals("110", n.at("/status/allocatable/pods").asText());
    assertEquals(node, n.at("/metadata/labels/kubernetes.io~1hostname").asText());
    assertEquals(nodeIp, n.at("/status/addresses/0/address").asText());
    assertEquals(fleet.kubelet(node).port(), n.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt());
    assertTrue(fleet.kubelet(node).port() > 0);
    assertEquals("True", condition(n.path("status"), "Ready").path("status").asText());
    await().atMost(Duration.ofSeconds(60)).until(() -> leases.get("kube-node-lease", node) != null);
    String first = leases.get("kube-node-lease", node).at("/spec/renewTime").asText();
    assertEquals(node, leases.get("kube-node-lease", node).at("/spec/holderIdentity").asText());
    await("a renewal").atMost(Duration.ofSeconds(60))
        .until(() -> !first.equals(leases.get("kube-node-lease", node).at("/spec/renewTime").asText()));
    ObjectNode starting = awaitEvent("default", node, "Starting", "Starting kubelet."::equals);
    assertEquals("Node", starting.at("/involvedObject/kind").asText());
    awaitEvent("default", node, "NodeReady", m -> m.equals("Node " + node + " status is now: NodeReady"));
  }

  @Test
  void aBoundPodRunsOnItsIpAndAnswersWithItsName() throws Exception {
    create("web", "'image':'carsonoid/kube-decon:v7','ports':[{'containerPort':2015}]", "");
    JsonNode status = awaitStatus("web", s -> "Running".equals(s.path("phase").asText())
        && "True".equals(condition(s, "Ready").path("status").asText()));
    String ip = status.path("podIP").asText();
    assertTrue(ip.startsWith(subnet.substring(0, subnet.lastIndexOf('.') + 1)), ip + " in " + subnet);
    assertEquals(nodeIp, status.path("hostIP").asText());
    assertTrue(status.at("/containerStatuses/0/containerID").asText().startsWith("jvm://"));
    String body = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2015/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(body.contains("pod: web") && body.contains("v7") && body.contains("node: " + node), body);
    awaitEvent(NS, "web", "Pulling", "Pulling image \"carsonoid/kube-decon:v7\""::equals);
    ObjectNode pulled = awaitEvent(NS, "web", "Pulled", m -> m.matches("Successfully pulled image "
        + "\"carsonoid/kube-decon:v7\" in \\S+ \\(\\S+ including waiting\\)\\. Image size: 4200000 bytes\\."));
    assertEquals("spec.containers{c}", pulled.at("/involvedObject/fieldPath").asText());
    assertEquals("kubelet", pulled.at("/source/component").asText());
    assertEquals(node, pulled.at("/source/host").asText());
    assertEquals(node, pulled.path("reportingInstance").asText());
    awaitEvent(NS, "web", "Created", "Created container c"::equals);
    awaitEvent(NS, "web", "Started", "Started container c"::equals);
  }

  /** As kube's SyncPod, a pod's containers start one after another: pull, create and start of one, then the next. */
  @Test
  void aPodsContainersStartOneAfterAnother() throws Exception {
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'two',"
        + "'namespace':'" + NS + "'},'spec':{'nodeName':'" + node + "','containers':[{'name':'a','image':'nginx'},"
        + "{'name':'b','image':'redis'}]}}").replace('\'', '"'));
    result(store.create(PODS, NS, pod, WriteOptions.none()));
    awaitStatus("two", s -> "Running".equals(s.path("phase").asText()));
    List<String> order = List.of(
        rv(awaitEvent(NS, "two", "Pulling", "Pulling image \"nginx\""::equals)) + " Pulling a",
        rv(awaitEvent(NS, "two", "Created", "Created container a"::equals)) + " Created a",
        rv(awaitEvent(NS, "two", "Started", "Started container a"::equals)) + " Started a",
        rv(awaitEvent(NS, "two", "Pulling", "Pulling image \"redis\""::equals)) + " Pulling b",
        rv(awaitEvent(NS, "two", "Created", "Created container b"::equals)) + " Created b",
        rv(awaitEvent(NS, "two", "Started", "Started container b"::equals)) + " Started b");
    List<String> written = order.stream().sorted(java.util.Comparator.comparingLong(e -> Long.parseLong(e.split(" ")[0])))
        .map(e -> e.substring(e.indexOf(' ') + 1)).toList();
    assertEquals(List.of("Pulling a", "Created a", "Started a", "Pulling b", "Created b", "Started b"), written);
  }

  private static String rv(ObjectNode event) {
    return event.at("/metadata/resourceVersion").asText();
  }

  @Test
  void aCrashingContainerRestartsWithBackOff() throws Exception {
    create("crash", "'image':'dekube/crash','env':[{'name':'CRASH_AFTER','value':'0.2'},"
        + "{'name':'EXIT_CODE','value':'3'}]", "");
    // the end shows first (kubectl's STATUS Error, OOMKilled...), the restart's back-off only from the next sync on
    JsonNode ended = awaitStatus("crash", st -> st.at("/containerStatuses/0/state/terminated/exitCode").asInt() == 3
        && st.at("/containerStatuses/0/restartCount").asInt() >= 1);
    assertEquals("Error", ended.at("/containerStatuses/0/state/terminated/reason").asText(), ended.toString());
    JsonNode s = awaitStatus("crash", st -> "CrashLoopBackOff".equals(st.at("/containerStatuses/0/state/waiting/reason")
        .asText()) && st.at("/containerStatuses/0/restartCount").asInt() >= 2);
    assertEquals(3, s.at("/containerStatuses/0/lastState/terminated/exitCode").asInt());
    assertTrue(s.at("/containerStatuses/0/state/waiting/message").asText().startsWith("back-off "));
    String uid = pods.get(NS, "crash").at("/metadata/uid").asText();
    ObjectNode backoff = awaitEvent(NS, "crash", "BackOff", ("Back-off restarting failed container c in pod crash_"
        + NS + "(" + uid + ")")::equals);
    assertEquals("Warning", backoff.path("type").asText());
    await("a repeat counted on the same Event").atMost(Duration.ofSeconds(60))
        .until(() -> awaitEvent(NS, "crash", "Started", "Started container c"::equals).path("count").asInt() >= 2);
  }

  @Test
  void aFailingLivenessProbeRestartsAndAFailingReadinessProbeOnlyUnreadies() throws Exception {
    create("live", "'image':'dekube/web','livenessProbe':{'tcpSocket':{'port':9},'periodSeconds':1,"
        + "'failureThreshold':1}", "");
    create("unready", "'image':'dekube/web','readinessProbe':{'httpGet':{'path':'/healthz','port':9},"
        + "'periodSeconds':1,'failureThreshold':1}", "");
    awaitStatus("live", s -> s.at("/containerStatuses/0/restartCount").asInt() >= 1);
    await().atMost(Duration.ofSeconds(60)).during(Duration.ofSeconds(3)).until(() -> {
      JsonNode s = status("unready");
      return s != null && "Running".equals(s.path("phase").asText())
          && "False".equals(condition(s, "Ready").path("status").asText())
          && s.at("/containerStatuses/0/restartCount").asInt() == 0;
    });
    String liveIp = status("live").path("podIP").asText();
    awaitEvent(NS, "live", "Unhealthy", ("Liveness probe failed: dial tcp " + liveIp + ":9: connect: connection "
        + "refused")::equals);
    awaitEvent(NS, "live", "Killing", "Container c failed liveness probe, will be restarted"::equals);
    String ip = status("unready").path("podIP").asText();
    awaitEvent(NS, "unready", "Unhealthy", ("Readiness probe failed: Get \"http://" + ip + ":9/healthz\": dial tcp "
        + ip + ":9: connect: connection refused")::equals);
  }

  @Test
  void unknownImagesAndPodsThatDoNotFitAreRefused() throws Exception {
    create("missing", "'image':'example.com/no-such/app:7.4'", "");
    create("huge", "'image':'dekube/web','resources':{'requests':{'cpu':'64'}}", "");
    JsonNode pull = awaitStatus("missing", s -> s.at("/containerStatuses/0/state/waiting/reason").asText()
        .matches("ErrImagePull|ImagePullBackOff"));
    assertTrue(pull.at("/containerStatuses/0/state/waiting/message").asText().contains("dekube/web"));
    JsonNode huge = awaitStatus("huge", s -> "Failed".equals(s.path("phase").asText()));
    assertEquals("OutOfcpu", huge.path("reason").asText());
    awaitEvent(NS, "missing", "Failed", "Error: ErrImagePull"::equals);
    awaitEvent(NS, "missing", "Failed", m -> m.startsWith("Failed to pull image \"example.com/no-such/app:7.4\": "));
    assertEquals("Warning", awaitEvent(NS, "huge", "OutOfcpu", m -> m.startsWith("Node didn't "
        + "have enough resource: cpu, requested: 64000, used: ")).path("type").asText());
  }

  /** An unsafe sysctl the node does not allow: the kubelet rejects the pod, as kube's does. */
  @Test
  void anUnsafeSysctlIsForbidden() throws Exception {
    create("sysctl-unsafe", "'image':'dekube/web'", "'securityContext':{'sysctls':[{'name':'kernel.shm_rmid_forced',"
        + "'value':'0'},{'name':'net.core.somaxconn','value':'1024'}]},");
    JsonNode s = awaitStatus("sysctl-unsafe", st -> "Failed".equals(st.path("phase").asText()));
    assertEquals("SysctlForbidden", s.path("reason").asText());
    assertEquals("Pod was rejected: forbidden sysctl: \"net.core.somaxconn\" not allowlisted",
        s.path("message").asText());
    awaitEvent(NS, "sysctl-unsafe", "SysctlForbidden", "forbidden sysctl: \"net.core.somaxconn\" not allowlisted"::equals);
  }

  @Test
  void missingConfigMapsWaitInContainerCreatingForAVolumeAndFailTheEnvironmentAfterThePull() throws Exception {
    create("miss-vol", "'image':'busybox:1.36','command':['sh','-c','cat /etc/config/k; sleep 3600'],"
        + "'volumeMounts':[{'name':'config-volume','mountPath':'/etc/config'}]",
        "'volumes':[{'name':'config-volume','configMap':{'name':'late-config'}}],");
    create("miss-env", "'image':'busybox:1.36','command':['sleep','3600'],'env':[{'name':'X','valueFrom':"
        + "{'configMapKeyRef':{'name':'no-such','key':'k'}}}]", "");
    awaitEvent(NS, "miss-vol", "FailedMount", ("MountVolume.SetUp failed for volume \"config-volume\" : configmap "
        + "\"late-config\" not found")::equals);
    awaitStatus("miss-vol", s -> "ContainerCreating".equals(s.at("/containerStatuses/0/state/waiting/reason").asText()));
    ObjectNode failed = awaitEvent(NS, "miss-env", "Failed", "Error: configmap \"no-such\" not found"::equals);
    ObjectNode pulled = awaitEvent(NS, "miss-env", "Pulled", m -> m.contains("\"busybox:1.36\""));
    assertTrue(pulled.path("firstTimestamp").asText().compareTo(failed.path("firstTimestamp").asText()) <= 0,
        "the image comes before the container's configuration, as in kube's startContainer");
    awaitStatus("miss-env", s -> "CreateContainerConfigError".equals(s.at("/containerStatuses/0/state/waiting/reason")
        .asText()));

    ObjectNode cm = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':"
        + "'late-config','namespace':'" + NS + "'},'data':{'k':'v'}}").replace('\'', '"'));
    result(store.create(REGISTRY.byResourceName("configmaps").orElseThrow(), NS, cm, WriteOptions.none()));
    awaitStatus("miss-vol", s -> "Running".equals(s.path("phase").asText()));
  }

  /**
   * A pod whose work is over is torn down as kube's kubelet tears down a terminated pod: its IP goes back to the
   * node's pool — on a node whose pod CIDR holds one address the next pod gets it — while its status keeps showing
   * it, and its emptyDir's folder is removed.
   */
  @Test
  void aFinishedPodGivesBackItsIpAndItsVolumes() throws Exception {
    create("done", "'image':'busybox','command':['sh','-c','echo x > /data/f'],'volumeMounts':[{'name':'data',"
        + "'mountPath':'/data'}]", "'restartPolicy':'Never','volumes':[{'name':'data','emptyDir':{}}],", tinyNode);
    JsonNode done = awaitStatus("done", s -> "Succeeded".equals(s.path("phase").asText()));
    String ip = done.path("podIP").asText();
    assertEquals(tinyCidr.substring(0, tinyCidr.lastIndexOf('.') + 1) + "2", ip, done.toString());
    Path volumes = dir.resolve("nodes").resolve(tinyNode).resolve("pods")
        .resolve(NS + "_done_" + pods.get(NS, "done").at("/metadata/uid").asText()).resolve("volumes");
    await("the emptyDir is torn down").atMost(Duration.ofSeconds(30)).until(() -> !Files.exists(volumes));
    create("next", "'image':'dekube/pause'", "", tinyNode);
    JsonNode next = awaitStatus("next", s -> "Running".equals(s.path("phase").asText()));
    assertEquals(ip, next.path("podIP").asText(), "the finished pod's IP is free again");
    assertEquals(ip, status("done").path("podIP").asText(), "the finished pod's status still shows its IP");
    result(store.delete(PODS, NS, "next", WriteOptions.none().withGracePeriodSeconds(0L)));
    result(store.delete(PODS, NS, "done", WriteOptions.none()));
  }

  @Test
  void gracefulDeletionStopsTheContainerThenRemovesThePod() throws Exception {
    create("doomed", "'image':'dekube/web'", "");
    String ip = awaitStatus("doomed", s -> "Running".equals(s.path("phase").asText())).path("podIP").asText();
    ObjectNode marked = result(store.delete(PODS, NS, "doomed", WriteOptions.none()));
    assertTrue(marked.path("metadata").hasNonNull("deletionTimestamp"), "a bound pod is marked, not removed: "
        + marked);
    await("the kubelet's final delete").atMost(Duration.ofSeconds(60)).until(() -> pods.get(NS, "doomed") == null);
    awaitEvent(NS, "doomed", "Killing", "Stopping container c"::equals);
    assertThrows(ConnectException.class, () -> http.send(HttpRequest.newBuilder(URI.create("http://" + ip
        + ":2015/")).build(), HttpResponse.BodyHandlers.ofString()));
  }

  @Test
  void aPodWithAReadinessGateIsReadyOnlyOnceItsConditionIsTrue() throws Exception {
    create("gated", "'image':'dekube/pause'", "'readinessGates':[{'conditionType':'example.com/lb'}],");
    JsonNode waiting = awaitStatus("gated", s -> "True".equals(condition(s, "ContainersReady").path("status").asText())
        && "ReadinessGatesNotReady".equals(condition(s, "Ready").path("reason").asText()));
    assertEquals("corresponding condition of pod readiness gate \"example.com/lb\" does not exist.",
        condition(waiting, "Ready").path("message").asText());
    var patch = Json.MAPPER.readTree("{\"status\":{\"conditions\":[{\"type\":\"example.com/lb\",\"status\":\"False\"}]}}");
    result(store.patch(PODS, NS, "gated", "application/strategic-merge-patch+json", patch,
        WriteOptions.none().withSubresource("status")));
    awaitStatus("gated", s -> ("the status of pod readiness gate \"example.com/lb\" is not \"True\", but False")
        .equals(condition(s, "Ready").path("message").asText()));
    patch = Json.MAPPER.readTree("{\"status\":{\"conditions\":[{\"type\":\"example.com/lb\",\"status\":\"True\"}]}}");
    result(store.patch(PODS, NS, "gated", "application/strategic-merge-patch+json", patch,
        WriteOptions.none().withSubresource("status")));
    JsonNode ready = awaitStatus("gated", s -> "True".equals(condition(s, "Ready").path("status").asText()));
    assertEquals("True", condition(ready, "example.com/lb").path("status").asText(), ready.toString());
  }

  @Test
  void aGateConditionChangedWhileTheKubeletWritesStatusIsNeverUndone() throws Exception {
    create("flip", "'image':'busybox','command':['sh','-c','while true; do touch /tmp/ok; sleep 1; rm -f /tmp/ok; "
        + "sleep 1; done'],'readinessProbe':{'exec':{'command':['cat','/tmp/ok']},'periodSeconds':1,"
        + "'failureThreshold':1}", "'readinessGates':[{'conditionType':'example.com/lb'}],");
    awaitStatus("flip", s -> "Running".equals(s.path("phase").asText()));
    // the probe flips ContainersReady every second, so the kubelet writes the status all along; the gate's
    // condition changes meanwhile in bursts, each time from a status the kubelet may not have seen yet
    long lastRv = 0;
    String last = "";
    int flips = 0;
    String seen = "";
    long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    for (int round = 0; System.nanoTime() < until && flips < 6; round++) {
      List<Future<ObjectNode>> burst = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        var patch = Json.MAPPER.readTree("{\"status\":{\"conditions\":[{\"type\":\"example.com/lb\",\"status\":\""
            + (i % 2 == 0 ? "True" : "False") + "\",\"message\":\"m" + round + "-" + i + "\"}]}}");
        burst.add(store.patch(PODS, NS, "flip", "application/strategic-merge-patch+json", patch,
            WriteOptions.none().withSubresource("status")));
      }
      for (Future<ObjectNode> f : burst) {
        ObjectNode written = result(f);
        long rv = Long.parseLong(written.at("/metadata/resourceVersion").asText());
        if (rv > lastRv) {
          lastRv = rv;
          last = condition(written.path("status"), "example.com/lb").path("message").asText();
        }
      }
      String ready = condition(status("flip"), "ContainersReady").path("status").asText();
      if (!ready.equals(seen)) {
        flips++;
        seen = ready;
      }
    }
    assertTrue(flips >= 6, "ContainersReady flipped " + flips + " times");
    String want = last;
    await("the last gate condition stays").atMost(Duration.ofSeconds(30)).during(Duration.ofSeconds(3))
        .until(() -> want.equals(condition(status("flip"), "example.com/lb").path("message").asText()));
  }

  @Test
  void aStatusForAPodDeletedAndCreatedAgainUnderItsNameIsNotWritten() throws Exception {
    create("reborn", "'image':'dekube/pause'", "", "nowhere");
    ObjectNode old = await().atMost(Duration.ofSeconds(30)).until(() -> pods.get(NS, "reborn"), p -> p != null);
    result(store.delete(PODS, NS, "reborn", WriteOptions.none().withGracePeriodSeconds(0L)));
    await().atMost(Duration.ofSeconds(30)).until(() -> pods.get(NS, "reborn") == null);
    create("reborn", "'image':'dekube/pause'", "", "nowhere");
    ObjectNode again = await().atMost(Duration.ofSeconds(30)).until(() -> pods.get(NS, "reborn"), p -> p != null);
    io.dekube.kubelet.pod.StatusManager status = new io.dekube.kubelet.pod.StatusManager(vertx, store);
    io.vertx.core.Context context = vertx.getOrCreateContext();
    ObjectNode running = Json.object().put("phase", "Running").put("podIP", "127.1.1.1");
    context.runOnContext(v -> status.set(old.at("/metadata/uid").asText(), old, running));
    await("the write was tried").atMost(Duration.ofSeconds(30)).until(() -> status.writes() == 1);
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> pods.get(NS, "reborn").path("status").path("podIP").isMissingNode());
    assertEquals(again.at("/metadata/uid").asText(), pods.get(NS, "reborn").at("/metadata/uid").asText());
    context.runOnContext(v -> status.stop());
  }

  @Test
  void aDeletedPodEndsInATerminalPhaseKeepingTheConditionsTheKubeletDoesNotOwn() throws Exception {
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'kept',"
        + "'namespace':'" + NS + "','finalizers':['example.com/keep']},'spec':{'nodeName':'" + node + "',"
        + "'restartPolicy':'Never','containers':[{'name':'c','image':'dekube/pause'}]}}").replace('\'', '"'));
    result(store.create(PODS, NS, pod, WriteOptions.none()));
    awaitStatus("kept", s -> "Running".equals(s.path("phase").asText()));
    var patch = Json.MAPPER.readTree("[{\"op\":\"add\",\"path\":\"/status/conditions/-\",\"value\":{\"type\":"
        + "\"DisruptionTarget\",\"status\":\"True\",\"reason\":\"EvictionByEvictionAPI\"}}]");
    result(store.patch(PODS, NS, "kept", "application/json-patch+json", patch, WriteOptions.none().withSubresource("status")));
    result(store.delete(PODS, NS, "kept", WriteOptions.none()));
    JsonNode ended = awaitStatus("kept", s -> "Failed".equals(s.path("phase").asText()));
    assertEquals("True", condition(ended, "DisruptionTarget").path("status").asText(), ended.toString());
    assertTrue(ended.at("/containerStatuses/0/state/terminated/exitCode").asInt() != 0, ended.toString());
    assertEquals("False", condition(ended, "Ready").path("status").asText());
    await("the kubelet's final delete leaves the pod to its finalizer").atMost(Duration.ofSeconds(30))
        .until(() -> pods.get(NS, "kept").at("/metadata/deletionGracePeriodSeconds").asInt(-1) == 0);
    result(store.patch(PODS, NS, "kept", "application/merge-patch+json", Json.MAPPER.readTree(
        "{\"metadata\":{\"finalizers\":null}}"), WriteOptions.none()));
    await("gone once its finalizer is").atMost(Duration.ofSeconds(30)).until(() -> pods.get(NS, "kept") == null);
  }

  @Test
  void aHostProcessSeesItsVolumesAtTheirMountPaths() throws Exception {
    ObjectNode cm = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'ConfigMap','metadata':{'name':"
        + "'greeting','namespace':'" + NS + "'},'data':{'greeting':'hello from a configmap'}}").replace('\'', '"'));
    result(store.create(REGISTRY.byResourceName("configmaps").orElseThrow(), NS, cm, WriteOptions.none()));
    String mnt = dir.resolve("mnt-" + random.nextInt(1_000_000)).toString();
    String script = "cat \"${DEKUBE_ROOT}" + mnt + "/config/greeting\"; echo; echo written > \"${DEKUBE_ROOT}" + mnt
        + "/scratch/out\"; (echo x > \"${DEKUBE_ROOT}" + mnt + "/config/new\") 2>/dev/null || echo read-only; sleep 60";
    create("proc", "'image':'busybox','command':['/bin/sh','-c','" + script.replace("\"", "\\\"") + "'],"
        + "'volumeMounts':[{'name':'config','mountPath':'" + mnt + "/config','readOnly':true},"
        + "{'name':'scratch','mountPath':'" + mnt + "/scratch'}]",
        "'volumes':[{'name':'config','configMap':{'name':'greeting'}},{'name':'scratch','emptyDir':{}}],",
        processNode);
    awaitStatus("proc", s -> "Running".equals(s.path("phase").asText()));
    String uid = pods.get(NS, "proc").at("/metadata/uid").asText();
    Path podDir = dir.resolve("nodes").resolve(processNode).resolve("pods").resolve(NS + "_proc_" + uid);
    await("the process wrote through its emptyDir mount").atMost(Duration.ofSeconds(30))
        .until(() -> java.nio.file.Files.exists(podDir.resolve("volumes/scratch/out")));
    assertEquals("written\n", java.nio.file.Files.readString(podDir.resolve("volumes/scratch/out")));
    await("its log").atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.exists(podDir.resolve("c/0.log"))
        && java.nio.file.Files.readString(podDir.resolve("c/0.log")).contains("hello from a configmap"));
    if (io.dekube.kubelet.runtime.HostMounts.mode() == io.dekube.kubelet.runtime.HostMounts.Mode.NAMESPACE) {
      await().atMost(Duration.ofSeconds(30)).until(() -> java.nio.file.Files.readString(podDir.resolve("c/0.log"))
          .contains("read-only"));
      assertTrue(!java.nio.file.Files.exists(Path.of(mnt, "config", "greeting")), "the host does not see the mount");
    } else {
      awaitEvent(NS, "proc", "RelativeMounts", m -> m.contains("DEKUBE_ROOT"));
    }
  }

  @Test
  void resourceMetricsMeasureAProcessContainerFromProc() throws Exception {
    // about a tenth of a second of CPU in the shell's own loop, then a sleep
    create("burn", "'image':'busybox','command':['/bin/sh','-c','i=0; while [ $i -lt 100000 ]; do i=$((i+1)); done; "
        + "echo done; sleep 60']", "", processNode);
    awaitStatus("burn", s -> "Running".equals(s.path("phase").asText()));
    ObjectNode n = await("the process node's kubelet port").atMost(Duration.ofSeconds(30))
        .until(() -> nodes.get("", processNode), o -> o != null
            && o.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt() > 0);
    ClusterPki pki = ClusterPki.loadOrCreate(dir.resolve("pki"));
    io.dekube.core.pki.CertificateBundle client = pki.issueClientCertificate("metrics-test", List.of());
    io.vertx.core.http.HttpClient https = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setSsl(true)
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(io.vertx.core.buffer.Buffer.buffer(
            pki.ca().certificatePem())))
        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions()
            .setCertValue(io.vertx.core.buffer.Buffer.buffer(client.certificatePem()))
            .setKeyValue(io.vertx.core.buffer.Buffer.buffer(client.keyPem()))));
    String ip = n.at("/status/addresses/0/address").asText();
    int port = n.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt();
    String labels = "{container=\"c\",namespace=\"" + NS + "\",pod=\"burn\"}";
    await("the loop's CPU time in /metrics/resource").atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
      String text = onContext(() -> https.request(io.vertx.core.http.HttpMethod.GET, port, ip, "/metrics/resource")
          .compose(r -> r.send()).compose(r -> r.body())).toString();
      assertTrue(value(text, "container_cpu_usage_seconds_total" + labels) >= 0.01, text);
      assertTrue(value(text, "container_memory_working_set_bytes" + labels) > 100_000, text);
      assertTrue(value(text, "node_memory_working_set_bytes") > value(text, "container_memory_working_set_bytes"
          + labels), "the node holds the kubelet's JVM and the container: " + text);
    });
    assertTrue(asked.stream().anyMatch(a -> a.user().name().equals("metrics-test") && a.verb().equals("get")
        && a.subresource().equals("metrics") && a.node().equals(processNode)), asked.toString());
  }

  @Test
  void theKubeletApiAnswersOnlyAuthenticatedAndAuthorizedCallers() throws Exception {
    ObjectNode n = await("the node's kubelet port").atMost(Duration.ofSeconds(30))
        .until(() -> nodes.get("", node), o -> o != null && o.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt() > 0);
    String ip = n.at("/status/addresses/0/address").asText();
    int port = n.at("/status/daemonEndpoints/kubeletEndpoint/Port").asInt();
    ClusterPki pki = ClusterPki.loadOrCreate(dir.resolve("pki"));
    io.vertx.core.buffer.Buffer ca = io.vertx.core.buffer.Buffer.buffer(pki.ca().certificatePem());
    io.vertx.core.http.HttpClient anonymous = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setSsl(true).setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(ca)));
    assertEquals("401 Unauthorized", call(anonymous, "GET", ip, port, "/pods"), "anonymous requests are off");

    io.dekube.core.pki.CertificateBundle jane = pki.issueClientCertificate("jane", List.of("viewers"));
    io.vertx.core.http.HttpClient asJane = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setSsl(true)
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(ca))
        .setKeyCertOptions(io.dekube.core.pki.KeyCerts.of(jane)));
    for (String[] call : new String[][] {{"GET", "/pods", "get"}, {"POST", "/exec/" + NS + "/any/c?command=id", "create"}}) {
      assertEquals("403 Forbidden (user=jane, verb=" + call[2] + ", resource=nodes, subresource=proxy)",
          call(asJane, call[0], ip, port, call[1]));
    }
    assertTrue(asked.stream().anyMatch(a -> a.user().groups().equals(List.of("viewers", "system:authenticated"))
        && a.node().equals(node)), asked.toString());

    ClusterPki other = ClusterPki.loadOrCreate(dir.resolve("other-pki"));
    io.vertx.core.http.HttpClient foreign = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions().setSsl(true)
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(ca))
        .setKeyCertOptions(io.dekube.core.pki.KeyCerts.of(other.issueClientCertificate("admin", List.of("system:masters")))));
    assertThrows(Exception.class, () -> onContext(() -> foreign.request(io.vertx.core.http.HttpMethod.GET, port, ip, "/pods")
        .compose(r -> r.send()).compose(r -> r.body())), "a certificate of another CA is refused");

    io.dekube.core.pki.CertificateBundle admin = pki.issueClientCertificate("kube-apiserver-kubelet-client", List.of());
    io.vertx.core.http.HttpClient apiserver = vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
        .setSsl(true).setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(ca))
        .setKeyCertOptions(io.dekube.core.pki.KeyCerts.of(admin)));
    String pods = call(apiserver, "GET", ip, port, "/pods");
    assertTrue(pods.startsWith("200 {") && pods.contains("\"kind\":\"PodList\""), pods);
  }

  /** {@code method path} with {@code client}: the status code, a space and the body. */
  private String call(io.vertx.core.http.HttpClient client, String method, String ip, int port, String path)
      throws Exception {
    return onContext(() -> client.request(io.vertx.core.http.HttpMethod.valueOf(method), port, ip, path)
        .compose(r -> r.send()).compose(r -> r.body().map(b -> r.statusCode() + " " + b)));
  }

  /** The value of the sample line starting {@code series} in a Prometheus text. */
  private static double value(String text, String series) {
    return text.lines().filter(l -> l.startsWith(series + " ")).mapToDouble(l -> Double.parseDouble(l.split(" ")[1]))
        .findFirst().orElse(-1);
  }

  private void create(String name, String container, String spec) throws Exception {
    create(name, container, spec, node);
  }

  private void create(String name, String container, String spec, String onNode) throws Exception {
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name
        + "','namespace':'" + NS + "'},'spec':{'nodeName':'" + onNode + "'," + spec + "'containers':[{'name':'c',"
        + container + "}]}}").replace('\'', '"'));
    result(store.create(PODS, NS, pod, WriteOptions.none()));
  }

  private JsonNode status(String name) {
    ObjectNode p = pods.get(NS, name);
    return p == null ? null : p.path("status");
  }

  private JsonNode awaitStatus(String name, java.util.function.Predicate<JsonNode> ok) {
    await(name).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
      JsonNode s = status(name);
      return s != null && ok.test(s);
    });
    return status(name);
  }

  /** The kubelet's Event about {@code name} with {@code reason} and a matching message. */
  private ObjectNode awaitEvent(String ns, String name, String reason, java.util.function.Predicate<String> message) {
    java.util.concurrent.atomic.AtomicReference<ObjectNode> found = new java.util.concurrent.atomic.AtomicReference<>();
    await(reason + " event of " + name).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
        .until(() -> {
          for (ObjectNode e : events.list(ns)) {
            if (e.at("/involvedObject/name").asText().equals(name) && e.path("reason").asText().equals(reason)
                && message.test(e.path("message").asText()) && "kubelet".equals(e.at("/source/component").asText())) {
              found.set(e);
              return true;
            }
          }
          return false;
        });
    return found.get();
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
   * The result of a Vert.x HTTP client call made on a context of its own: Vert.x 5.0.7's client used from the
   * test thread can lose the end of a response on a kept-alive connection (as NextUpstreamTest found).
   */
  private <T> T onContext(java.util.function.Supplier<Future<T>> call) throws Exception {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    return result(Future.<T>future(p -> context.runOnContext(v -> call.get().onComplete(p))));
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
