package io.dekube.kubelet;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.SharedInformers;
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
 * "Create static Pods" on a node of the embedded broker beside a real writer: the kubelet runs the manifests of its
 * {@code staticPodPath} and keeps a mirror pod of each in the API, created again when it is deleted, while the
 * static pod keeps running; removing the file stops the pod and deletes its mirror; a manifest it cannot read and a
 * dot-file are skipped; a static pod that references a Secret runs without a mirror pod.
 */
@WithKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StaticPodsIT {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  private static final ResourceType NODES = REGISTRY.byResourceName("nodes").orElseThrow();

  @TempDir
  static Path dir;
  private final ThreadLocalRandom random = ThreadLocalRandom.current();
  private final String node = "static-node-" + random.nextInt(1_000_000);
  private final String nodeIp = "127." + random.nextInt(2, 100) + "." + random.nextInt(2, 250) + ".1";
  private final String cluster = "127." + random.nextInt(100, 240) + ".0.0/16";
  private Path manifests;
  private Vertx vertx;
  private StoreClient store;
  private Informer pods;
  private Informer nodes;
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  /** The kubelet's {@code --manifest-url}: answers a PodList, and records the header the kubelet sends. */
  private com.sun.net.httpserver.HttpServer web;
  private final java.util.Map<String, String> asked = new java.util.concurrent.ConcurrentHashMap<>();

  @BeforeAll
  void start() throws Exception {
    String bootstrap = KafkaBrokerExtension.bootstrapServers();
    vertx = Vertx.vertx();
    store = TestBus.start(vertx, bootstrap, REGISTRY, "default", "static-it");
    SharedInformers informers = SharedInformers.of(vertx);
    pods = informers.informer(bootstrap, PODS);
    nodes = informers.informer(bootstrap, NODES);
    manifests = Files.createDirectories(dir.resolve("manifests"));
    web = com.sun.net.httpserver.HttpServer.create(new java.net.InetSocketAddress("127.0.0.1", 0), 0);
    web.createContext("/pods", ex -> {
      asked.put("token", String.valueOf(ex.getRequestHeaders().getFirst("X-Token")));
      byte[] body = ("{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"name\":\"from-url\"},"
          + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"carsonoid/kube-decon:v7\"}]}}]}")
          .getBytes(java.nio.charset.StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    web.start();
    KubeletConfig config = KubeletConfig.defaults(node, nodeIp, dir).withKubeletPort(0)
        .withFallbackPodCidr(PodIpAllocator.nthSubnet(cluster, 1))
        .withLease(Duration.ofSeconds(40), Duration.ofSeconds(1)).withStaticPodPath(manifests)
        .withManifestUrl(new ManifestUrl("http://127.0.0.1:" + web.getAddress().getPort() + "/pods",
            List.of(java.util.Map.entry("X-Token", "s3cret"))));
    NodeFleet fleet = new NodeFleet(List.of(config), store, t -> informers.informer(bootstrap, t),
        ClusterPki.loadOrCreate(dir.resolve("pki"))).withAuthorizer(a -> Future.succeededFuture(true));
    result(vertx.deployVerticle(fleet));
  }

  @AfterAll
  void stop() throws Exception {
    if (web != null) {
      web.stop(0);
    }
    if (vertx != null) {
      result(vertx.close());
    }
  }

  /**
   * The web source ({@code --manifest-url}): the URL's PodList runs beside the folder's pods, GET with the configured
   * header, its pod's mirror says {@code kubernetes.io/config.source: http}.
   */
  @Test
  void aPodListFromTheManifestUrlRunsAsStaticPods() throws Exception {
    JsonNode mirror = awaitPod("default", "from-url-" + node, p -> "Running".equals(p.at("/status/phase").asText()));
    assertEquals("s3cret", asked.get("token"));
    JsonNode a = mirror.at("/metadata/annotations");
    assertEquals("http", a.path("kubernetes.io/config.source").asText());
    assertEquals(a.path("kubernetes.io/config.hash").asText(), a.path("kubernetes.io/config.mirror").asText());
  }

  /** The page's static-web, its mirror pod, a delete of the mirror and a label on it. */
  @Test
  void aManifestRunsAsAStaticPodWithAMirrorPod() throws Exception {
    Files.writeString(manifests.resolve("static-web.yaml"), """
        apiVersion: v1
        kind: Pod
        metadata:
          name: static-web
          labels:
            role: myrole
        spec:
          containers:
            - name: web
              image: carsonoid/kube-decon:v7
              ports:
                - name: web
                  containerPort: 2015
                  protocol: TCP
        """);
    String name = "static-web-" + node;
    JsonNode mirror = awaitPod("default", name, p -> "Running".equals(p.at("/status/phase").asText())
        && p.at("/status/containerStatuses/0/ready").asBoolean());
    JsonNode a = mirror.at("/metadata/annotations");
    String hash = a.path("kubernetes.io/config.hash").asText();
    assertTrue(hash.matches("[0-9a-f]{32}"), a.toString());
    assertEquals(hash, a.path("kubernetes.io/config.mirror").asText());
    assertEquals("file", a.path("kubernetes.io/config.source").asText());
    assertTrue(a.path("kubernetes.io/config.seen").asText().matches("\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z"), a.toString());
    assertNotEquals(hash, mirror.at("/metadata/uid").asText());
    assertEquals(node, mirror.at("/spec/nodeName").asText());
    assertEquals("myrole", mirror.at("/metadata/labels/role").asText());
    JsonNode owner = mirror.at("/metadata/ownerReferences/0");
    assertEquals("Node", owner.path("kind").asText());
    assertEquals(node, owner.path("name").asText());
    assertEquals(nodes.get("", node).at("/metadata/uid").asText(), owner.path("uid").asText());
    assertTrue(owner.path("controller").asBoolean());
    String ip = mirror.at("/status/podIP").asText();
    String body = http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2015/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(body.contains("pod: " + name), body);
    String container = mirror.at("/status/containerStatuses/0/containerID").asText();

    // kubectl delete pod: the mirror comes back (a new uid), the static pod kept running
    String firstUid = mirror.at("/metadata/uid").asText();
    result(store.delete(PODS, "default", name, WriteOptions.none()));
    JsonNode again = awaitPod("default", name, p -> !firstUid.equals(p.at("/metadata/uid").asText())
        && p.at("/status/containerStatuses/0/ready").asBoolean());
    assertEquals(container, again.at("/status/containerStatuses/0/containerID").asText());
    assertEquals(0, again.at("/status/containerStatuses/0/restartCount").asInt());

    // a label added to the mirror stays there and changes nothing
    ObjectNode labelled = pods.get("default", name).deepCopy();
    ((ObjectNode) labelled.at("/metadata/labels")).put("extra", "yes");
    result(store.update(PODS, labelled, WriteOptions.none()));
    String uid = again.at("/metadata/uid").asText();
    await().during(Duration.ofSeconds(3)).atMost(Duration.ofSeconds(30)).until(() -> {
      ObjectNode p = pods.get("default", name);
      return p != null && uid.equals(p.at("/metadata/uid").asText())
          && "yes".equals(p.at("/metadata/labels/extra").asText());
    });

    // the file goes: the pod stops, its mirror is deleted
    Files.delete(manifests.resolve("static-web.yaml"));
    await("mirror deleted").atMost(Duration.ofSeconds(60)).until(() -> pods.get("default", name) == null);
    await("stopped").atMost(Duration.ofSeconds(60)).until(() -> {
      try {
        http.send(HttpRequest.newBuilder(URI.create("http://" + ip + ":2015/")).timeout(Duration.ofSeconds(2))
            .build(), HttpResponse.BodyHandlers.ofString());
        return false;
      } catch (java.io.IOException e) {
        return true;
      }
    });
  }

  /** A manifest that cannot be read, a dot-file, a folder and a changed manifest. */
  @Test
  void badManifestsAreSkippedAndAChangedOneReplacesItsPod() throws Exception {
    Files.writeString(manifests.resolve("broken.yaml"), "apiVersion: v1\nkind: Pod\nmetadata;\n  name: x\n");
    Files.writeString(manifests.resolve(".hidden.yaml"), pod("hidden", "static-it", ""));
    Files.createDirectories(manifests.resolve("sub"));
    Files.writeString(manifests.resolve("good.yaml"), pod("good", "static-it", ""));
    String name = "good-" + node;
    JsonNode first = awaitPod("static-it", name, p -> "Running".equals(p.at("/status/phase").asText()));
    String hash = first.at("/metadata/annotations/kubernetes.io~1config.hash").asText();
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> pods.get("static-it", "hidden-" + node) == null);

    Files.writeString(manifests.resolve("good.yaml"), pod("good", "static-it", "'env':[{'name':'V','value':'2'}],"));
    JsonNode changed = awaitPod("static-it", name, p -> !hash.equals(p.at("/metadata/annotations/kubernetes.io~1"
        + "config.mirror").asText()) && "Running".equals(p.at("/status/phase").asText()));
    assertEquals("2", changed.at("/spec/containers/0/env/0/value").asText());
    Files.delete(manifests.resolve("good.yaml"));
    Files.delete(manifests.resolve("broken.yaml"));
    await().atMost(Duration.ofSeconds(60)).until(() -> pods.get("static-it", name) == null);
  }

  /** The docs' way to restart a static pod: the manifest moved out of the folder and back. */
  @Test
  void aManifestMovedOutAndBackRunsAgain() throws Exception {
    Path file = manifests.resolve("again.json");
    Files.writeString(file, pod("again", "static-it", "'ports':[{'containerPort':2015}],")
        .replace("dekube/web", "carsonoid/kube-decon:v7"));
    String name = "again-" + node;
    awaitPod("static-it", name, p -> p.at("/status/containerStatuses/0/ready").asBoolean());
    Path away = Files.move(file, dir.resolve("again.json"));
    await().atMost(Duration.ofSeconds(60)).until(() -> pods.get("static-it", name) == null);
    Files.move(away, file);
    JsonNode back = awaitPod("static-it", name, p -> p.at("/status/containerStatuses/0/ready").asBoolean());
    String body = http.send(HttpRequest.newBuilder(URI.create("http://" + back.at("/status/podIP").asText()
        + ":2015/")).build(), HttpResponse.BodyHandlers.ofString()).body();
    assertTrue(body.contains("pod: " + name), body);
    Files.delete(file);
    await().atMost(Duration.ofSeconds(60)).until(() -> pods.get("static-it", name) == null);
  }

  /** kube's admission refuses a mirror pod that names a Secret: the static pod has none in the API. */
  @Test
  void aStaticPodThatReferencesASecretHasNoMirrorPod() throws Exception {
    Files.writeString(manifests.resolve("secretive.json"), pod("secretive", "static-it",
        "'env':[{'name':'S','valueFrom':{'secretKeyRef':{'name':'s','key':'k'}}}],"));
    Files.writeString(manifests.resolve("plain.json"), pod("plain", "static-it", ""));
    awaitPod("static-it", "plain-" + node, p -> "Running".equals(p.at("/status/phase").asText()));
    await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(10))
        .until(() -> pods.get("static-it", "secretive-" + node) == null);
    Files.delete(manifests.resolve("secretive.json"));
    Files.delete(manifests.resolve("plain.json"));
    await().atMost(Duration.ofSeconds(60)).until(() -> pods.get("static-it", "plain-" + node) == null);
    assertNull(pods.get("static-it", "secretive-" + node));
  }

  private static String pod(String name, String ns, String extra) {
    return ("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'" + name + "','namespace':'" + ns + "'},"
        + "'spec':{'containers':[{'name':'c'," + extra + "'image':'dekube/web'}]}}").replace('\'', '"');
  }

  private JsonNode awaitPod(String ns, String name, java.util.function.Predicate<JsonNode> ok) {
    await(name).atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).until(() -> {
      JsonNode p = pods.get(ns, name);
      return p != null && ok.test(p);
    });
    return pods.get(ns, name);
  }

  private static <T> T result(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
