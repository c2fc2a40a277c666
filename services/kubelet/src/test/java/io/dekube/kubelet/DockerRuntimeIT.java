package io.dekube.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.RunningContainer;
import io.dekube.kubelet.runtime.docker.DockerClient;
import io.dekube.kubelet.runtime.docker.DockerOptions;
import io.dekube.kubelet.runtime.docker.DockerRuntime;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code docker} runtime against a real engine: Podman's Docker-compatible API, started here on a socket of its own
 * (runc, cgroupfs, file events, as this machine needs) when podman and root are there, with images imported through
 * the API from a busybox-static rootfs (no registry is reachable). A node on the embedded broker runs pods in sandboxes
 * on its pod CIDR; the runtime alone shows exec and stop.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DockerRuntimeIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType CONFIGMAPS = REGISTRY.byResourceName("configmaps").orElseThrow();
  private static final String NS = "docker-it";
  private static final String BUSYBOX = "localhost/dockerrt-it-busybox:1";
  private static final String PAUSE = "localhost/dockerrt-it-pause:1";
  private static final List<String> APPLETS = List.of("sh", "echo", "sleep", "cat", "ls", "wget", "httpd", "head",
      "tr", "tail", "env", "id", "hostname", "tar");

  @TempDir
  static Path dir;
  private final ThreadLocalRandom random = ThreadLocalRandom.current();
  private final String node = "dockerrt-it-" + random.nextInt(1_000_000);
  /** A second docker node of the same cluster, on the same engine. */
  private final String node2 = node + "-b";
  /** A cluster CIDR the engine routes, away from podman's own 10.88.0.0/16; the nodes take its /24s 1, 2 and 3. */
  private final String cluster = "10." + random.nextInt(150, 250) + ".0.0/16";
  private final String subnet = PodIpAllocator.nthSubnet(cluster, 1);
  private Process engine;
  private String endpoint;
  private Vertx vertx;
  private DockerClient client;
  private StoreClient store;
  private Informer pods;
  private Informer events;
  private String fleetId;
  private NodeFleet fleet;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @BeforeAll
  void start() throws Exception {
    assumeTrue("root".equals(System.getProperty("user.name")), "the docker runtime's IT needs root (podman's bridge)");
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/podman")) && Files.isExecutable(Path.of("/usr/sbin/runc"))
        && Files.isExecutable(Path.of("/bin/busybox")), "needs podman, runc and busybox-static (.ci/run installs them)");
    assumeTrue(staticallyLinked(Path.of("/bin/busybox")), "/bin/busybox is linked to the host's libc, which the image "
        + "made of it lacks: install busybox-static (.ci/run does)");
    Path conf = dir.resolve("containers.conf");
    Files.writeString(conf, "[containers]\ndefault_ulimits = [\"nofile=1024:1024\", \"nproc=1024:1024\"]\n"
        + "[engine]\nruntime = \"runc\"\ncgroup_manager = \"cgroupfs\"\nevents_logger = \"file\"\n");
    Path socket = Files.createTempDirectory("dockerrt-it").resolve("docker.sock");
    endpoint = "unix://" + socket;
    // in the test's folder: podman's conmon leaves an `oom` file in its working folder when it sees an OOM kill
    ProcessBuilder pb = new ProcessBuilder("podman", "system", "service", "--time=0", endpoint)
        .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("podman.log").toFile());
    pb.environment().put("CONTAINERS_CONF", conf.toString());
    engine = pb.start();
    vertx = Vertx.vertx();
    client = onContext(() -> Future.succeededFuture(new DockerClient(vertx, endpoint)));
    try {
      await("podman's API").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
          .until(() -> onContext(() -> client.get("/version")) != null);
      importImages();
      probe();
    } catch (Exception | AssertionError e) {
      // a machine where podman cannot run containers (no privileges for its bridge, cgroups it cannot use)
      assumeTrue(false, "podman cannot run a container here: " + e.getMessage() + "\n"
          + Files.readString(dir.resolve("podman.log")));
    }
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    store = TestBus.start(vertx, bootstrap, REGISTRY, NS);
    SharedInformers informers = SharedInformers.of(vertx);
    pods = informers.informer(bootstrap, PODS);
    events = informers.informer(bootstrap, REGISTRY.byResourceName("events").orElseThrow());
    result(events.start());
    // node A serves the kubelet API (port-forward); no apiserver here to review its requests: everyone may
    KubeletConfig config = KubeletConfig.defaults(node, "127.0.0.1", dir).withKubeletPort(0)
        .withFallbackPodCidr(subnet).withRuntime("docker").withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
        .withDocker(new DockerOptions(endpoint, PAUSE, cluster));
    KubeletConfig config2 = KubeletConfig.defaults(node2, "127.0.0.2", dir).withKubeletPort(-1)
        .withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 2)).withRuntime("docker")
        .withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2)).withDocker(new DockerOptions(endpoint, PAUSE, cluster));
    fleet = new NodeFleet(List.of(config, config2), store, t -> informers.informer(bootstrap, t),
        ClusterPki.loadOrCreate(dir.resolve("pki"))).withAuthorizer(a -> Future.succeededFuture(true));
    fleetId = result(vertx.deployVerticle(fleet));
  }

  /** A busybox image and a pause image (its sh waits, and ends on SIGTERM), imported as the docker CLI would. */
  private void importImages() throws Exception {
    Path root = dir.resolve("rootfs");
    Files.createDirectories(root.resolve("bin"));
    Files.copy(Path.of("/bin/busybox"), root.resolve("bin/busybox"));
    for (String applet : APPLETS) {
      Files.createSymbolicLink(root.resolve("bin").resolve(applet), Path.of("busybox"));
    }
    Path tar = dir.resolve("rootfs.tar");
    assertEquals(0, new ProcessBuilder("tar", "-C", root.toString(), "-cf", tar.toString(), ".").start().waitFor());
    Buffer bytes = Buffer.buffer(Files.readAllBytes(tar));
    onContext(() -> client.postRaw("/images/create?fromSrc=-&repo=" + BUSYBOX, bytes, "application/x-tar"));
    String cmd = java.net.URLEncoder.encode("CMD [\"sh\",\"-c\",\"trap 'exit 0' TERM; sleep 2147483647 & wait\"]",
        java.nio.charset.StandardCharsets.UTF_8);
    onContext(() -> client.postRaw("/images/create?fromSrc=-&repo=" + PAUSE + "&changes=" + cmd, bytes,
        "application/x-tar"));
  }

  /** One container on podman's own bridge, as a pod's sandbox will run: it must start and end. */
  private void probe() throws Exception {
    String name = "dockerrt-it-probe-" + random.nextInt(1_000_000);
    JsonObject made = onContext(() -> client.post("/containers/create?name=" + name, new JsonObject()
        .put("Image", BUSYBOX).put("Cmd", new io.vertx.core.json.JsonArray().add("sh").add("-c").add("exit 0"))
        .put("HostConfig", new JsonObject().put("NetworkMode", "bridge"))));
    try {
      onContext(() -> client.post("/containers/" + made.getString("Id") + "/start", null));
      assertEquals(0, onContext(() -> client.post("/containers/" + made.getString("Id") + "/wait", null))
          .getInteger("StatusCode"));
    } finally {
      onContext(() -> client.delete("/containers/" + made.getString("Id") + "?force=1"));
    }
  }

  @AfterAll
  void stop() throws Exception {
    if (vertx != null) {
      if (fleetId != null) {
        result(vertx.undeploy(fleetId)); // the kubelet's stop removes its node's containers
      }
      for (String image : List.of(BUSYBOX, PAUSE)) { // each run imports them afresh: no dangling layers left
        onContext(() -> client.delete("/images/" + image + "?force=1").recover(e -> Future.succeededFuture()));
      }
      result(vertx.close());
    }
    if (engine != null) {
      new ProcessBuilder("podman", "network", "rm", "-f", "dekube-" + cluster.replace('/', '-')).start()
          .waitFor(20, TimeUnit.SECONDS);
      engine.destroy();
      engine.waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void podContainersShareTheSandboxIpAndPodsOfAnotherNodeReachItByIp() throws Exception {
    ObjectNode cm = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    cm.putObject("metadata").put("name", "site").put("namespace", NS);
    cm.putObject("data").put("greeting", "hello from a configMap");
    result(store.create(CONFIGMAPS, NS, cm, WriteOptions.none()));
    create("web", "'volumes':[{'name':'site','configMap':{'name':'site'}}],", "{'name':'c','image':'" + BUSYBOX
        + "','command':['sh','-c','echo FOO=$FOO on $(hostname); httpd -f -v -p 8080 -h /site'],'env':[{'name':'FOO','value':'bar'}],"
        + "'volumeMounts':[{'name':'site','mountPath':'/site'}],'readinessProbe':{'exec':{'command':['cat',"
        + "'/site/greeting']},'periodSeconds':1}},{'name':'side','image':'" + BUSYBOX + "','imagePullPolicy':"
        + "'IfNotPresent','command':['sh','-c','sleep 1; wget -q -O- http://127.0.0.1:8080/greeting; echo; "
        + "sleep 3600']}");
    JsonNode s = awaitStatus("web", st -> "True".equals(condition(st, "Ready").path("status").asText()));
    String ip = s.path("podIP").asText();
    assertTrue(ip.startsWith(subnet.substring(0, subnet.lastIndexOf('.') + 1)), ip + " in " + subnet);
    assertTrue(s.at("/containerStatuses/0/containerID").asText().startsWith("docker://"), s.toString());
    assertTrue(s.at("/containerStatuses/0/imageID").asText().startsWith("sha256:")
        || s.at("/containerStatuses/0/imageID").asText().contains("@sha256:"), s.toString());
    HttpResponse<String> answer = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080/greeting"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertEquals("hello from a configMap", answer.body());
    await("logs").atMost(Duration.ofSeconds(20)).until(() -> log("web", "c").contains("FOO=bar on web")
        && log("web", "side").contains("hello from a configMap"));
    // kube's network model: a pod of another node reaches it by its IP, without NAT (both on the cluster's network)
    create("client", node2, "'restartPolicy':'Never',", "{'name':'c','image':'" + BUSYBOX + "','command':['sh',"
        + "'-c','wget -q -O- http://" + ip + ":8080/greeting && sleep 2']}");
    JsonNode done = awaitStatus("client", st -> st.path("phase").asText().matches("Succeeded|Failed"));
    assertEquals("Succeeded", done.path("phase").asText(), done.toString());
    String clientIp = done.path("podIP").asText();
    assertTrue(clientIp.startsWith(PodIpAllocator.nthSubnet(cluster, 2).replace("0/24", "")), clientIp);
    await("httpd's log of the request").atMost(Duration.ofSeconds(10))
        .until(() -> log("web", "c").contains(clientIp)); // httpd -v logs the client's own address
    assertTrue(log("client", "c").contains("hello from a configMap"), log("client", "c"));
    // a finished pod gives back its IP: its sandbox, which holds it, goes (kube's kubelet stops it)
    String filter = labelled("io.kubernetes.pod.uid=" + pods.get(NS, "client").at("/metadata/uid").asText());
    await("the finished pod's sandbox removed").atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
        .until(() -> onContext(() -> client.list("/containers/json?all=1&filters=" + filter)).isEmpty());
  }

  @Test
  void aContainerOverItsMemoryLimitIsOomKilled() throws Exception {
    create("hog", "'restartPolicy':'Never',", "{'name':'c','image':'" + BUSYBOX + "','command':['sh','-c',"
        + "'x=$(head -c 64000000 /dev/zero | tr -c a b); echo survived'],'resources':{'limits':"
        + "{'memory':'16Mi'}}}");
    JsonNode s = awaitStatus("hog", st -> st.at("/containerStatuses/0/state/terminated").isObject());
    assertEquals("OOMKilled", s.at("/containerStatuses/0/state/terminated/reason").asText(), s.toString());
    assertEquals(137, s.at("/containerStatuses/0/state/terminated/exitCode").asInt());
  }

  @Test
  void aMissingImageIsErrImagePullWithTheEnginesMessageOrErrImageNeverPull() throws Exception {
    create("missing", "", "{'name':'c','image':'localhost/dockerrt-it-missing:1','imagePullPolicy':'Always'}");
    JsonNode s = awaitStatus("missing", st -> st.at("/containerStatuses/0/state/waiting/reason").asText()
        .matches("ErrImagePull|ImagePullBackOff"));
    String message = s.at("/containerStatuses/0/state/waiting/message").asText();
    assertTrue(message.contains("localhost/dockerrt-it-missing") && message.contains("Error response from daemon: "),
        message);
    create("never", "", "{'name':'c','image':'localhost/dockerrt-it-missing:1','imagePullPolicy':'Never'}");
    JsonNode never = awaitStatus("never", st -> st.at("/containerStatuses/0/state/waiting/reason").asText()
        .equals("ErrImageNeverPull"));
    assertEquals("Container image \"localhost/dockerrt-it-missing:1\" is not present with pull policy of Never",
        never.at("/containerStatuses/0/state/waiting/message").asText());
  }

  @Test
  void imageSizesAndAContainersMemoryAreTheEnginesFigures() throws Exception {
    long size = onContext(() -> client.get("/images/" + BUSYBOX + "/json")).getLong("Size");
    assertTrue(size > 100_000, "the busybox image's size: " + size);
    // the node's status.images: the engine's images with their sizes, as kube's kubelet lists the CRI's
    await("the node's images").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
      JsonNode images = result(store.get(REGISTRY.byResourceName("nodes").orElseThrow(), "", node))
          .path("status").path("images");
      for (JsonNode i : images) {
        if (i.path("names").toString().contains("\"" + BUSYBOX + "\"")) {
          return i.path("sizeBytes").asLong() == size;
        }
      }
      return false;
    });
    String rtNode = node + "-top";
    String cidr = PodIpAllocator.nthSubnet(cluster, 6);
    String ip = cidr.substring(0, cidr.lastIndexOf('.')) + ".7";
    DockerRuntime rt = openRuntime(rtNode, cidr);
    try {
      assertEquals(size, (long) onContext(() -> rt.imageSize(BUSYBOX))); // the Pulled Event's "Image size"
      // kubectl top's working set: a shell holding 20 MB (its variable), read from the engine's stats
      var c = new ContainerBuilder().withName("c").withImage(BUSYBOX)
          .withCommand("sh", "-c", "x=$(head -c 20000000 /dev/zero | tr -c a b); sleep 3600; echo ${#x}").build();
      Path log = dir.resolve("top").resolve("c").resolve("0.log");
      RunningContainer run = onContext(() -> rt.start(new ContainerSpec(NS, "top", "top-" + random.nextInt(1_000_000),
          rtNode, ip, c, Map.of(), log, log.getParent().resolve("root"), Map.of(), "top", null, new PodSpec())));
      await("its working set").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
          .until(() -> run.usage().workingSetBytes() > 20_000_000 && run.usage().workingSetBytes() < 64_000_000);
      assertTrue(run.usage().cpuNanos() > 0);
    } finally {
      onContext(rt::close);
    }
  }

  @Test
  void execRunsInTheContainerAndStopKillsAfterTheGrace() throws Exception {
    String rtNode = node + "-rt";
    String cidr = PodIpAllocator.nthSubnet(cluster, 3);
    String ip = cidr.substring(0, cidr.lastIndexOf('.')) + ".7";
    DockerRuntime rt = openRuntime(rtNode, cidr);
    var c = new ContainerBuilder().withName("c").withImage(BUSYBOX).withTerminationMessagePath("/dev/termination-log")
        .withCommand("sh", "-c", "trap '' TERM; echo up; while true; do sleep 1; done").build();
    Path log = dir.resolve("rt").resolve("c").resolve("0.log");
    ContainerSpec spec = new ContainerSpec(NS, "rt", "rt-" + random.nextInt(1_000_000), rtNode, ip, c,
        Map.of("GREETING", "hi"), log, log.getParent().resolve("root"), Map.of(), "rt", null, new PodSpec());
    try {
      RunningContainer run = onContext(() -> rt.start(spec));
      StringBuilder out = new StringBuilder();
      StringBuilder err = new StringBuilder();
      ExecSession.Output output = new ExecSession.Output() {
        @Override
        public synchronized void stdout(Buffer data) {
          out.append(data);
        }

        @Override
        public synchronized void stderr(Buffer data) {
          err.append(data);
        }
      };
      ExecSession exec = onContext(() -> Future.succeededFuture(run.exec(List.of("sh", "-c",
          "echo $GREETING from $(hostname -i 2>/dev/null || hostname); echo oops >&2; exit 3"), output)));
      assertEquals(3, result(exec.exitCode()));
      assertTrue(out.toString().startsWith("hi from"), out.toString());
      assertEquals("oops\n", err.toString());
      out.setLength(0);
      ExecSession cat = onContext(() -> Future.succeededFuture(run.exec(List.of("cat"), output)));
      cat.stdin(Buffer.buffer("typed\n"));
      cat.closeStdin();
      assertEquals(0, result(cat.exitCode()));
      assertEquals("typed\n", out.toString());
      // kubectl cp is tar through exec: `tar -xmf - -C DIR` takes the archive on stdin, `tar cf - PATH` gives it back
      Path src = dir.resolve("cp-src");
      Files.createDirectories(src);
      Files.writeString(src.resolve("copied.txt"), "hello cp\n");
      Path archive = dir.resolve("cp.tar");
      assertEquals(0, new ProcessBuilder("tar", "-C", src.toString(), "-cf", archive.toString(), "copied.txt").start()
          .waitFor());
      ExecSession untar = onContext(() -> Future.succeededFuture(run.exec(List.of("tar", "-xmf", "-", "-C", "/bin"),
          output)));
      untar.stdin(Buffer.buffer(Files.readAllBytes(archive)));
      untar.closeStdin();
      assertEquals(0, result(untar.exitCode()), err.toString());
      out.setLength(0);
      ExecSession back = onContext(() -> Future.succeededFuture(run.exec(List.of("tar", "cf", "-", "/bin/copied.txt"),
          output)));
      assertEquals(0, result(back.exitCode()), err.toString());
      assertTrue(out.toString().contains("bin/copied.txt") && out.toString().contains("hello cp\n"), out.toString());
      // attach (kubectl attach -i, kubectl run -i): stdin reaches the container's own program, its output comes back
      var reader = new ContainerBuilder().withName("in").withImage(BUSYBOX).withStdin(true)
          .withCommand("sh", "-c", "read line; echo got $line").build();
      Path inLog = dir.resolve("rt").resolve("in").resolve("0.log");
      RunningContainer in = onContext(() -> rt.start(new ContainerSpec(NS, "rt", spec.podUid(), rtNode, ip, reader,
          Map.of(), inLog, inLog.getParent().resolve("root"), Map.of(), "in", null, new PodSpec())));
      out.setLength(0);
      ExecSession attached = onContext(() -> Future.succeededFuture(in.attach(output)));
      attached.stdin(Buffer.buffer("line one\n"));
      assertEquals(0, result(attached.exitCode()));
      await("its output").atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("got line one"));
      await("its log").atMost(Duration.ofSeconds(10)).until(() -> Files.exists(log)
          && Files.readString(log).contains("stdout F up"));
      long t0 = System.nanoTime();
      int code = onContext(() -> run.stop(Duration.ofSeconds(2)));
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertEquals(137, code); // it ignored SIGTERM: killed once the grace was over
      assertTrue(took >= 1500 && took < 8000, took + " ms");
    } finally {
      onContext(rt::close);
    }
  }

  @Test
  void aRestartedKubeletAdoptsTheRunningContainersOfItsPodsAndRemovesTheOthers() throws Exception {
    String nodeC = node + "-c";
    String cidr = PodIpAllocator.nthSubnet(cluster, 4);
    String ip = cidr.substring(0, cidr.lastIndexOf('.')) + ".9";
    create("kept", nodeC, "", "{'name':'c','image':'" + BUSYBOX + "','command':['sh','-c','echo first; sleep 3600']}");
    await("the pod").atMost(Duration.ofSeconds(10)).until(() -> pods.get(NS, "kept") != null);
    String uid = pods.get(NS, "kept").at("/metadata/uid").asText();
    // the former kubelet of nodeC: it ran the pod's container, its third run (attempt 2), and one of a pod that is no
    // longer bound to the node; then it ended without stopping (no close: its containers go on)
    DockerRuntime former = openRuntime(nodeC, cidr);
    var c = new ContainerBuilder().withName("c").withImage(BUSYBOX).withCommand("sh", "-c", "echo first; sleep 3600")
        .build();
    Path log = dir.resolve("former").resolve("c").resolve("2.log");
    RunningContainer run = onContext(() -> former.start(new ContainerSpec(NS, "kept", uid, nodeC, ip, c, Map.of(), log,
        log.getParent().resolve("root"), Map.of(), "kept", null, new PodSpec())));
    Path strayLog = dir.resolve("former").resolve("stray").resolve("0.log");
    String strayUid = "stray-" + random.nextInt(1_000_000);
    onContext(() -> former.start(new ContainerSpec(NS, "stray", strayUid, nodeC, cidr.replace(".0/24", ".10"), c,
        Map.of(), strayLog, strayLog.getParent().resolve("root"), Map.of(), "stray", null, new PodSpec())));
    JsonObject inspected = onContext(() -> client.get("/containers/" + run.containerId().substring(9) + "/json"));
    String startedAt = java.time.OffsetDateTime.parse(inspected.getJsonObject("State").getString("StartedAt"))
        .toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    // what the former kubelet wrote of the pod
    result(store.patch(PODS, NS, "kept", "application/merge-patch+json", Json.MAPPER.readTree(("{'status':{'phase':"
        + "'Running','podIP':'" + ip + "','podIPs':[{'ip':'" + ip + "'}],'containerStatuses':[{'name':'c','image':'"
        + BUSYBOX + "','imageID':'','ready':true,'started':true,'restartCount':2,'containerID':'" + run.containerId()
        + "','state':{'running':{'startedAt':'" + startedAt + "'}}}]}}").replace('\'', '"')),
        WriteOptions.none().withSubresource("status")));
    KubeletConfig config = KubeletConfig.defaults(nodeC, "127.0.0.3", dir).withKubeletPort(-1)
        .withFallbackPodCidr(cidr).withRuntime("docker").withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
        .withDocker(new DockerOptions(endpoint, PAUSE, cluster));
    SharedInformers informers = SharedInformers.of(vertx);
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    String restarted = result(vertx.deployVerticle(new NodeFleet(List.of(config), store,
        t -> informers.informer(bootstrap, t), ClusterPki.loadOrCreate(dir.resolve("pki")))));
    try {
      String filter = labelled("io.kubernetes.pod.uid=" + strayUid);
      await("the stray pod's containers removed").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> onContext(() -> client.list("/containers/json?all=1&filters=" + filter)).isEmpty());
      // the pod runs on in the same container: its id, restart count and start kept, nothing made anew
      await("the pod's status from the new kubelet").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300))
          .until(() -> pods.get(NS, "kept").at("/status/conditions").size() > 0
              && "True".equals(condition(pods.get(NS, "kept").path("status"), "Ready").path("status").asText()));
      JsonNode s = pods.get(NS, "kept").path("status");
      assertEquals(run.containerId(), s.at("/containerStatuses/0/containerID").asText(), s.toString());
      assertEquals(2, s.at("/containerStatuses/0/restartCount").asInt(), s.toString());
      assertEquals(startedAt, s.at("/containerStatuses/0/state/running/startedAt").asText(), s.toString());
      assertEquals(ip, s.path("podIP").asText());
      String mine = labelled("io.kubernetes.pod.uid=" + uid);
      assertEquals(2, onContext(() -> client.list("/containers/json?filters=" + mine)).size()); // sandbox and c
      assertTrue(onContext(() -> client.get("/containers/" + run.containerId().substring(9) + "/json"))
          .getJsonObject("State").getBoolean("Running"));
    } finally {
      result(vertx.undeploy(restarted));
    }
  }

  @Test
  void aRestartedKubeletKeepsTheInitContainersThatEndedUnderItsFormer() throws Exception {
    String nodeD = node + "-d";
    String cidr = PodIpAllocator.nthSubnet(cluster, 5);
    String ip = cidr.substring(0, cidr.lastIndexOf('.')) + ".9";
    create("inits", nodeD, "'initContainers':[{'name':'i1','image':'" + BUSYBOX + "','command':['sh','-c','echo one']},"
        + "{'name':'i2','image':'" + BUSYBOX + "','command':['sh','-c','echo two']}],",
        "{'name':'c','image':'" + BUSYBOX + "','command':['sh','-c','sleep 3600']}");
    await("the pod").atMost(Duration.ofSeconds(10)).until(() -> pods.get(NS, "inits") != null);
    String uid = pods.get(NS, "inits").at("/metadata/uid").asText();
    PodSpec podSpec = Json.MAPPER.treeToValue(pods.get(NS, "inits").path("spec"), PodSpec.class);
    // the former kubelet of nodeD ran i1 twice (its second run, attempt 1, succeeded), then i2 and c; then it was
    // killed: nothing stopped its containers
    DockerRuntime former = openRuntime(nodeD, cidr);
    KubeletConfig config = KubeletConfig.defaults(nodeD, "127.0.0.4", dir).withKubeletPort(-1)
        .withFallbackPodCidr(cidr).withRuntime("docker").withBackoff(Duration.ofSeconds(1), Duration.ofSeconds(2))
        .withDocker(new DockerOptions(endpoint, PAUSE, cluster));
    Path podDir = config.podsDir().resolve(NS + "_inits_" + uid); // the node's folders, which the next kubelet reads
    Map<String, RunningContainer> runs = new java.util.HashMap<>();
    for (var c : List.of(podSpec.getInitContainers().get(0), podSpec.getInitContainers().get(1),
        podSpec.getContainers().get(0))) {
      Path log = podDir.resolve(c.getName()).resolve((c.getName().equals("i1") ? 1 : 0) + ".log");
      RunningContainer run = onContext(() -> former.start(new ContainerSpec(NS, "inits", uid, nodeD, ip, c, Map.of(),
          log, log.getParent().resolve("root"), Map.of(), "inits", null, podSpec)));
      runs.put(c.getName(), run);
      if (c.getName().startsWith("i")) {
        assertEquals(0, result(run.exited()));
      }
    }
    Map<String, JsonObject> states = new java.util.HashMap<>();
    for (String name : List.of("i1", "i2", "c")) {
      states.put(name, onContext(() -> client.get("/containers/" + runs.get(name).containerId().substring(9)
          + "/json")).getJsonObject("State"));
    }
    result(store.patch(PODS, NS, "inits", "application/merge-patch+json", Json.MAPPER.readTree(("{'status':{'phase':"
        + "'Running','podIP':'" + ip + "','podIPs':[{'ip':'" + ip + "'}],'containerStatuses':[{'name':'c','image':'"
        + BUSYBOX + "','imageID':'','ready':true,'started':true,'restartCount':0,'containerID':'"
        + runs.get("c").containerId() + "','state':{'running':{'startedAt':'" + seconds(states.get("c"), "StartedAt")
        + "'}}}]}}").replace('\'', '"')), WriteOptions.none().withSubresource("status")));
    SharedInformers informers = SharedInformers.of(vertx);
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    String restarted = result(vertx.deployVerticle(new NodeFleet(List.of(config), store,
        t -> informers.informer(bootstrap, t), ClusterPki.loadOrCreate(dir.resolve("pki")))));
    try {
      JsonNode s = awaitStatus("inits", st -> "True".equals(condition(st, "Ready").path("status").asText())
          && st.at("/initContainerStatuses/1/state/terminated").isObject());
      assertEquals("True", condition(s, "Initialized").path("status").asText(), s.toString());
      // each init container as it ended under the former kubelet: its container, restart count, exit and times
      for (int i = 0; i < 2; i++) {
        String name = "i" + (i + 1);
        JsonNode st = s.path("initContainerStatuses").path(i);
        assertEquals(name, st.path("name").asText(), s.toString());
        assertEquals(runs.get(name).containerId(), st.path("containerID").asText(), s.toString());
        assertEquals(i == 0 ? 1 : 0, st.path("restartCount").asInt(), s.toString());
        assertEquals(0, st.at("/state/terminated/exitCode").asInt(), s.toString());
        assertEquals("Completed", st.at("/state/terminated/reason").asText(), s.toString());
        assertEquals(seconds(states.get(name), "StartedAt"), st.at("/state/terminated/startedAt").asText());
        assertEquals(seconds(states.get(name), "FinishedAt"), st.at("/state/terminated/finishedAt").asText());
        assertTrue(st.path("imageID").asText().startsWith("sha256:") || st.path("imageID").asText()
            .contains("@sha256:"), s.toString());
        // not run again: the engine holds the one run of each, the former's
        String runsOf = labelled("io.kubernetes.pod.uid=" + uid, "io.kubernetes.container.name=" + name);
        var made = onContext(() -> client.list("/containers/json?all=1&filters=" + runsOf));
        assertEquals(1, made.size(), made.encode());
        assertEquals(runs.get(name).containerId().substring(9), made.getJsonObject(0).getString("Id"));
      }
      assertEquals(runs.get("c").containerId(), s.at("/containerStatuses/0/containerID").asText(), s.toString());
    } finally {
      result(vertx.undeploy(restarted));
    }
  }

  /** An engine time of a container's {@code State} ({@code StartedAt}...) as the status shows it, in whole seconds. */
  private static String seconds(JsonObject state, String field) {
    return java.time.OffsetDateTime.parse(state.getString(field)).toInstant()
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
  }

  @Test
  void aSandboxThatDiesIsMadeAgainAndThePodsContainersRestartInIt() throws Exception {
    createHttpd("phoenix", "up", "up");
    JsonNode s = awaitStatus("phoenix", st -> st.at("/containerStatuses/0/state/running").isObject());
    assertEquals(0, s.at("/containerStatuses/0/restartCount").asInt(), s.toString());
    awaitAnswer(s.path("podIP").asText(), "/up", "up\n"); // running: its httpd binds soon after
    String ip = s.path("podIP").asText();
    String first = s.at("/containerStatuses/0/containerID").asText();
    String uid = pods.get(NS, "phoenix").at("/metadata/uid").asText();
    String sandboxes = labelled("io.kubernetes.pod.uid=" + uid, "io.kubernetes.docker.type=podsandbox");
    var running = onContext(() -> client.list("/containers/json?filters=" + sandboxes));
    assertEquals(1, running.size(), running.encode());
    String sandbox = running.getJsonObject(0).getString("Id");
    onContext(() -> client.post("/containers/" + sandbox + "/kill?signal=KILL", null)); // the pause process dies
    JsonNode again = awaitStatus("phoenix", st -> st.at("/containerStatuses/0/restartCount").asInt() == 1
        && st.at("/containerStatuses/0/state/running").isObject());
    assertTrue(!first.equals(again.at("/containerStatuses/0/containerID").asText()), again.toString());
    assertEquals(ip, again.path("podIP").asText());
    var now = onContext(() -> client.list("/containers/json?filters=" + sandboxes));
    assertEquals(1, now.size(), now.encode());
    assertTrue(!sandbox.equals(now.getJsonObject(0).getString("Id")));
    assertTrue(now.getJsonObject(0).getJsonArray("Names").getString(0).endsWith("_" + uid + "_1"), now.encode());
    awaitAnswer(ip, "/up", "up\n"); // the new sandbox holds the pod's IP: the container answers there again
    await("kube's events").atMost(Duration.ofSeconds(10)).until(() -> events.list(NS).stream()
        .anyMatch(e -> e.path("reason").asText().equals("SandboxChanged") && e.path("message").asText()
            .equals("Pod sandbox changed, it will be killed and re-created.")
            && e.at("/involvedObject/name").asText().equals("phoenix")));
    assertTrue(events.list(NS).stream().anyMatch(e -> e.path("reason").asText().equals("Killing")
        && e.path("message").asText().equals("Stopping container c")
        && e.at("/involvedObject/name").asText().equals("phoenix")));
  }

  @Test
  void portForwardThroughTheKubeletApiReachesTheContainersPort() throws Exception {
    createHttpd("pf", "x", "forwarded");
    String ip = awaitStatus("pf", st -> st.at("/containerStatuses/0/state/running").isObject()).path("podIP").asText();
    awaitAnswer(ip, "/x", "forwarded\n");
    ClusterPki pki = ClusterPki.loadOrCreate(dir.resolve("pki"));
    io.dekube.core.pki.CertificateBundle user = pki.issueClientCertificate("pf-test", List.of());
    var wsClient = onContext(() -> Future.succeededFuture(vertx.createWebSocketClient(
        new io.vertx.core.http.WebSocketClientOptions().setSsl(true)
        .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem())))
        .setKeyCertOptions(new io.vertx.core.net.PemKeyCertOptions().setCertValue(Buffer.buffer(user.certificatePem()))
            .setKeyValue(Buffer.buffer(user.keyPem()))))));
    // held till the end: Vert.x closes a client nothing references any more, its connections with it
    io.vertx.core.http.WebSocket ws = onContext(() -> wsClient.connect(new io.vertx.core.http.WebSocketConnectOptions()
        .setHost("127.0.0.1").setPort(fleet.kubelet(node).port()).setSsl(true)
        .setURI("/portForward/" + NS + "/pf?ports=8080").setSubProtocols(List.of("portforward.k8s.io"))));
    StringBuilder data = new StringBuilder();
    List<Integer> heads = new java.util.concurrent.CopyOnWriteArrayList<>();
    ws.binaryMessageHandler(m -> {
      if (m.length() == 3 && m.getUnsignedByte(0) <= 1) { // each channel's first message: the port, little endian
        heads.add(m.getUnsignedShortLE(1));
      } else if (m.getUnsignedByte(0) == 0) {
        synchronized (data) {
          data.append(m.getString(1, m.length()));
        }
      }
    });
    onContext(() -> ws.writeBinaryMessage(Buffer.buffer().appendByte((byte) 0)
        .appendString("GET /x HTTP/1.0\r\nHost: pf\r\n\r\n")));
    await("the answer through the forward").atMost(Duration.ofSeconds(20)).until(() -> {
      synchronized (data) {
        return data.toString().contains("forwarded");
      }
    });
    assertEquals(List.of(8080, 8080), heads);
    assertTrue(data.toString().startsWith("HTTP/1.1 200 OK"), data.toString()); // busybox httpd's answer
    onContext(ws::close);
    onContext(wsClient::close);
  }

  /** The docker runtime alone, as node {@code nodeName}'s kubelet opens it, its pods on {@code cidr}. */
  private DockerRuntime openRuntime(String nodeName, String cidr) throws Exception {
    DockerRuntime rt = onContext(() -> Future.succeededFuture(new DockerRuntime(vertx, new DockerOptions(endpoint,
        PAUSE, cluster), nodeName, () -> cidr)));
    onContext(rt::open);
    return rt;
  }

  /** Waits until {@code http://ip:8080path} answers {@code body}. */
  private void awaitAnswer(String ip, String path, String body) {
    await("http://" + ip + ":8080" + path).atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(300))
        .ignoreExceptions().until(() -> http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":8080" + path))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString()).body().equals(body));
  }

  /** A pod whose busybox httpd serves, on port 8080, the file {@code file} holding {@code text} (an emptyDir). */
  private void createHttpd(String name, String file, String text) throws Exception {
    create(name, "'volumes':[{'name':'www','emptyDir':{}}],", "{'name':'c','image':'" + BUSYBOX + "','command':"
        + "['sh','-c','echo " + text + " > /www/" + file + "; httpd -f -p 8080 -h /www'],"
        + "'volumeMounts':[{'name':'www','mountPath':'/www'}]}");
  }

  /** The engine's {@code filters} of containers carrying every one of {@code labels}, URL-encoded. */
  private static String labelled(String... labels) {
    return java.net.URLEncoder.encode(new JsonObject().put("label", new io.vertx.core.json.JsonArray(List.of(labels)))
        .encode(), java.nio.charset.StandardCharsets.UTF_8);
  }

  private void create(String name, String spec, String containers) throws Exception {
    create(name, node, spec, containers);
  }

  private void create(String name, String onNode, String spec, String containers) throws Exception {
    ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name
        + "','namespace':'" + NS + "'},'spec':{'nodeName':'" + onNode + "'," + spec + "'containers':[" + containers
        + "]}}").replace('\'', '"'));
    result(store.create(PODS, NS, pod, WriteOptions.none()));
  }

  /** The container's current log (CRI lines), "" until there is one. */
  private String log(String pod, String container) throws Exception {
    try (var files = Files.walk(dir)) {
      List<Path> logs = files.filter(p -> p.getFileName().toString().endsWith(".log")
          && p.getParent().getFileName().toString().equals(container)
          && p.getParent().getParent().getFileName().toString().contains("_" + pod + "_")).toList();
      StringBuilder all = new StringBuilder();
      for (Path p : logs) {
        all.append(Files.readString(p));
      }
      return all.toString();
    }
  }

  private JsonNode awaitStatus(String name, java.util.function.Predicate<JsonNode> ok) {
    await(name).atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(100)).until(() -> {
      ObjectNode p = pods.get(NS, name);
      return p != null && ok.test(p.path("status"));
    });
    return pods.get(NS, name).path("status");
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }

  /** A call made on a context of the test's Vert.x (its HTTP clients expect one). */
  private <T> T onContext(Supplier<Future<T>> call) throws Exception {
    io.vertx.core.Context context = vertx.getOrCreateContext();
    return result(Future.<T>future(p -> context.runOnContext(v -> call.get().onComplete(p))));
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  /** Whether {@code binary} needs no dynamic loader ({@code ldd} refuses it; true when there is no ldd). */
  private static boolean staticallyLinked(Path binary) {
    try {
      Process p = new ProcessBuilder("ldd", binary.toString()).redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return !p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0;
    } catch (java.io.IOException e) {
      return true;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return true;
    }
  }
}
