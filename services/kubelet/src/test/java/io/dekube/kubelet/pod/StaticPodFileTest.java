package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class StaticPodFileTest {

  private static final Path FILE = Path.of("/etc/kubernetes/manifests/static-web.yaml");
  private static final Instant SEEN = Instant.parse("2026-12-07T07:08:03.123400Z");
  private static final String WEB = """
      apiVersion: v1
      kind: Pod
      metadata:
        name: static-web
        labels:
          role: myrole
      spec:
        containers:
          - name: web
            image: nginx
      """;

  private static StaticPodFile.Decoded decode(String text) {
    return StaticPodFile.decode(text.getBytes(StandardCharsets.UTF_8), FILE, "Kube-Node-01", SEEN);
  }

  @Test
  void aFileSourcesDefaults() {
    ObjectNode pod = decode(WEB).pod();
    assertEquals("static-web-kube-node-01", pod.at("/metadata/name").asText());
    assertEquals("default", pod.at("/metadata/namespace").asText());
    assertEquals("Kube-Node-01", pod.at("/spec/nodeName").asText());
    String uid = pod.at("/metadata/uid").asText();
    assertTrue(uid.matches("[0-9a-f]{32}"), uid);
    assertEquals(uid, pod.at("/metadata/annotations/kubernetes.io~1config.hash").asText());
    assertEquals("file", pod.at("/metadata/annotations/kubernetes.io~1config.source").asText());
    assertEquals("2026-12-07T07:08:03.1234Z", pod.at("/metadata/annotations/kubernetes.io~1config.seen").asText());
    assertEquals("{\"operator\":\"Exists\",\"effect\":\"NoExecute\"}", pod.at("/spec/tolerations/0").toString());
    assertEquals("Pending", pod.at("/status/phase").asText());
    assertTrue(StaticPodFile.isStatic(pod));
  }

  /** The hash is the content's: the same pod written as JSON has it, another node or file or spec does not. */
  @Test
  void theHashFollowsTheContent() {
    String uid = decode(WEB).pod().at("/metadata/uid").asText();
    String json = "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"static-web\",\"labels\":{\"role\":"
        + "\"myrole\"}},\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx\"}]}}";
    assertEquals(uid, decode("# a comment\n" + WEB).pod().at("/metadata/uid").asText());
    assertEquals(uid, decode(json).pod().at("/metadata/uid").asText());
    assertNotEquals(uid, decode(WEB.replace("nginx", "nginx:1.27")).pod().at("/metadata/uid").asText());
    assertNotEquals(uid, StaticPodFile.decode(WEB.getBytes(StandardCharsets.UTF_8), FILE, "kube-node-02", SEEN).pod()
        .at("/metadata/uid").asText());
  }

  /** kube's words, as the kubelet's "Could not process manifest file" line carries them. */
  @Test
  void badManifestsSayWhy() {
    assertEquals(FILE + ": couldn't parse as pod(yaml: line 4: could not find expected ':'), please check config file",
        decode(WEB.replace("metadata:", "metadata;")).error());
    assertEquals(FILE + ": couldn't parse as pod(no kind \"Pod\" is registered for version \"v2\" in scheme "
        + "\"pkg/api/legacyscheme/scheme.go:30\"), please check config file",
        decode(WEB.replace("apiVersion: v1", "apiVersion: v2")).error());
    assertTrue(decode("apiVersion: v1\nmetadata:\n  name: x\n").error().contains("Object 'Kind' is missing in"));
    assertEquals("invalid pod: [metadata.name: Required value: name or generateName is required]",
        decode(WEB.replace("  name: static-web\n", "")).error());
    assertEquals("invalid pod: [spec.containers[0].image: Required value]",
        decode(WEB.replace("    image: nginx\n", "")).error());
    assertNull(decode(WEB).error());
  }

  /** kube's CreateMirrorPod: no uid, config.mirror is the hash, the Node its controller. */
  @Test
  void theMirrorPod() throws Exception {
    ObjectNode pod = decode(WEB).pod();
    ObjectNode node = (ObjectNode) Json.MAPPER.readTree("{\"metadata\":{\"name\":\"kube-node-01\",\"uid\":\"n-1\"}}");
    ObjectNode mirror = StaticPods.mirrorOf(pod, node);
    assertTrue(mirror.at("/metadata/uid").isMissingNode());
    assertEquals(pod.at("/metadata/uid").asText(), mirror.at("/metadata/annotations/kubernetes.io~1config.mirror")
        .asText());
    assertEquals("{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"kube-node-01\",\"uid\":\"n-1\",\"controller\":true}",
        mirror.at("/metadata/ownerReferences/0").toString());
    assertTrue(StaticPodFile.isMirror(mirror));
    assertTrue(!StaticPodFile.isStatic(mirror));
  }

  @Test
  void klogQuotes() {
    assertEquals("pods \\\"x\\\" is forbidden", StaticPods.quoted("pods \"x\" is forbidden"));
  }

  private static final String URL = "http://127.0.0.1:8000/pods";

  private static StaticPodFile.UrlDecoded fromUrl(String text) {
    return StaticPodFile.decodeUrl(text.getBytes(StandardCharsets.UTF_8), URL, "Kube-Node-01", SEEN);
  }

  /** kube's web source: one Pod with a URL source's defaults (no NoExecute toleration, the URL in the hash). */
  @Test
  void aUrlSourcesPodHasItsDefaults() {
    StaticPodFile.UrlDecoded d = fromUrl(WEB);
    assertNull(d.error());
    ObjectNode pod = d.pods().get(0);
    assertEquals("static-web-kube-node-01", pod.at("/metadata/name").asText());
    assertEquals("default", pod.at("/metadata/namespace").asText());
    assertEquals("Kube-Node-01", pod.at("/spec/nodeName").asText());
    assertEquals("http", pod.at("/metadata/annotations/kubernetes.io~1config.source").asText());
    String uid = pod.at("/metadata/uid").asText();
    assertEquals(uid, pod.at("/metadata/annotations/kubernetes.io~1config.hash").asText());
    assertNotEquals(decode(WEB).pod().at("/metadata/uid").asText(), uid);
    assertTrue(pod.at("/spec/tolerations").isMissingNode(), pod.toString());
    assertTrue(StaticPodFile.isStatic(pod));
  }

  /** A PodList's items each become a pod; an empty answer is no pods, with kube's error. */
  @Test
  void aPodListIsItsPodsAndAnEmptyAnswerIsNone() {
    StaticPodFile.UrlDecoded list = fromUrl("{\"apiVersion\":\"v1\",\"kind\":\"PodList\",\"items\":["
        + "{\"metadata\":{\"name\":\"a\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}},"
        + "{\"metadata\":{\"name\":\"b\",\"namespace\":\"x\"},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"busybox\"}]}}]}");
    assertNull(list.error());
    assertEquals(List.of("default/a-kube-node-01", "x/b-kube-node-01"), list.pods().stream()
        .map(p -> p.at("/metadata/namespace").asText() + "/" + p.at("/metadata/name").asText()).toList());
    StaticPodFile.UrlDecoded empty = fromUrl("");
    assertEquals(List.of(), empty.pods());
    assertEquals("zero-length data received from " + URL, empty.error());
  }

  /** A pod without a name, or an answer that is neither a pod nor a list, changes nothing (no pods, an error). */
  @Test
  void anUnusableAnswerChangesNothing() {
    StaticPodFile.UrlDecoded nameless = fromUrl(WEB.replace("name: static-web", "labels2: {}"));
    assertNull(nameless.pods());
    assertEquals("invalid pod: name is needed for the pod", nameless.error());
    StaticPodFile.UrlDecoded service = fromUrl("apiVersion: v1\nkind: Service\nmetadata: {name: s}\n");
    assertNull(service.pods());
    assertEquals(URL + ": received 'apiVersion: v1\nkind: Service\nmetadata: {name: s}\n', but couldn't parse as "
        + "single (invalid pod: &core.Service{…}) or multiple pods (invalid pods list: &core.Service{…})",
        service.error());
    StaticPodFile.UrlDecoded deployment = fromUrl("apiVersion: apps/v1\nkind: Deployment\n");
    assertNull(deployment.pods());
    assertTrue(deployment.error().endsWith("but couldn't parse as single (no kind \"Deployment\" is registered for "
        + "version \"apps/v1\" in scheme \"pkg/api/legacyscheme/scheme.go:30\") or multiple pods (no kind "
        + "\"Deployment\" is registered for version \"apps/v1\" in scheme \"pkg/api/legacyscheme/scheme.go:30\")"),
        deployment.error());
  }
}
