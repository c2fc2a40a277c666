package io.dekube.kubelet.runtime.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's create bodies as dockershim made them, the log stream's frames, image references. */
class DockerSpecsTest {

  private static ContainerSpec spec(Container c, PodSpec pod, Map<String, Path> mounts) {
    return new ContainerSpec("ns", "web", "u-1", "n1", "10.244.1.5", c, Map.of("A", "1", "DEKUBE_DNS_SERVER", "x"),
        Path.of("/pods/ns_web_u-1/c/2.log"), Path.of("/pods/ns_web_u-1/c/root"), mounts, "id", null, pod);
  }

  @Test
  void commandIsEntrypointAndArgsCmdAsDockershimPassedThem() {
    JsonObject both = DockerSpecs.container(spec(new ContainerBuilder().withName("c").withImage("i")
        .withCommand("sh", "-c").withArgs("echo hi").build(), null, Map.of()), "sb", "n1", null, false);
    assertEquals(new JsonArray().add("sh").add("-c"), both.getJsonArray("Entrypoint"));
    assertEquals(new JsonArray().add("echo hi"), both.getJsonArray("Cmd"));
    JsonObject commandOnly = DockerSpecs.container(spec(new ContainerBuilder().withName("c").withImage("i")
        .withCommand("sleep", "1").build(), null, Map.of()), "sb", "n1", null, false);
    assertEquals(new JsonArray(), commandOnly.getJsonArray("Cmd"), "the image's Cmd is dropped with a command");
    JsonObject argsOnly = DockerSpecs.container(spec(new ContainerBuilder().withName("c").withImage("i")
        .withArgs("--port", "80").build(), null, Map.of()), "sb", "n1", null, false);
    assertNull(argsOnly.getValue("Entrypoint"), "the image's Entrypoint stays");
    assertEquals(new JsonArray().add("--port").add("80"), argsOnly.getJsonArray("Cmd"));
    JsonObject neither = DockerSpecs.container(spec(new ContainerBuilder().withName("c").withImage("i").build(), null,
        Map.of()), "sb", "n1", null, false);
    assertFalse(neither.containsKey("Entrypoint") || neither.containsKey("Cmd"));
    assertEquals(new JsonArray().add("A=1"), neither.getJsonArray("Env"), "dekube's own variables stay out");
    assertEquals("container:sb", neither.getJsonObject("HostConfig").getString("NetworkMode"));
    assertEquals("container:sb", neither.getJsonObject("HostConfig").getString("IpcMode"));
    assertNull(neither.getJsonObject("HostConfig").getString("UTSMode"), "Docker gives it the sandbox's hostname");
  }

  @Test
  void namesAndLabelsAreDockershims() {
    ContainerSpec s = spec(new ContainerBuilder().withName("c").withImage("i").build(), null, Map.of());
    assertEquals("k8s_c_web_ns_u-1_2", DockerSpecs.name("c", s, DockerSpecs.attempt(s)));
    assertEquals("k8s_POD_web_ns_u-1_0", DockerSpecs.name("POD", s, 0));
    JsonObject labels = DockerSpecs.labels(s, "container", "n1");
    assertEquals("web", labels.getString("io.kubernetes.pod.name"));
    assertEquals("ns", labels.getString("io.kubernetes.pod.namespace"));
    assertEquals("u-1", labels.getString("io.kubernetes.pod.uid"));
    assertEquals("c", labels.getString("io.kubernetes.container.name"));
    assertEquals("2", labels.getString("io.kubernetes.container.restartCount")); // what an adopting kubelet reads
    // an adopted container's attempt: its label, else the last part of its name
    assertEquals(2, DockerRuntime.attemptOf(new JsonObject().put("Name", "/k8s_c_web_ns_u-1_7")
        .put("Config", new JsonObject().put("Labels", labels))));
    assertEquals(7, DockerRuntime.attemptOf(new JsonObject().put("Name", "/k8s_c_web_ns_u-1_7")));
  }

  @Test
  void resourcesAreSharesQuotaAndMemory() {
    Container c = new ContainerBuilder().withName("c").withImage("i").withNewResources()
        .addToRequests("cpu", new Quantity("250m")).addToLimits("cpu", new Quantity("500m"))
        .addToLimits("memory", new Quantity("64Mi")).endResources().build();
    JsonObject host = new JsonObject();
    DockerSpecs.resources(host, c);
    assertEquals(256L, host.getLong("CpuShares"));
    assertEquals(100_000L, host.getLong("CpuPeriod"));
    assertEquals(50_000L, host.getLong("CpuQuota"));
    assertEquals(64L * 1024 * 1024, host.getLong("Memory"));
    JsonObject none = new JsonObject();
    DockerSpecs.resources(none, new ContainerBuilder().withName("c").build());
    assertEquals(2L, none.getLong("CpuShares"));
    assertFalse(none.containsKey("Memory") || none.containsKey("CpuQuota"));
  }

  @Test
  void securityContextAndMounts() {
    Container c = new ContainerBuilder().withName("c").withImage("i").withTerminationMessagePath("/dev/termination-log")
        .withSecurityContext(new SecurityContextBuilder().withRunAsUser(1000L).withReadOnlyRootFilesystem(true)
            .withNewCapabilities().addToAdd("NET_ADMIN").addToDrop("ALL").endCapabilities().build())
        .addNewVolumeMount().withName("cfg").withMountPath("/cfg").withReadOnly(true).endVolumeMount()
        .addNewVolumeMount().withName("data").withMountPath("/data").endVolumeMount().build();
    PodSpec pod = new PodSpecBuilder().withSecurityContext(new PodSecurityContextBuilder().withRunAsGroup(3000L)
        .withFsGroup(2000L).build()).build();
    Map<String, Path> mounts = new java.util.LinkedHashMap<>();
    mounts.put("/cfg", Path.of("/pods/v/cfg"));
    mounts.put("/data", Path.of("/pods/v/data"));
    JsonObject body = DockerSpecs.container(spec(c, pod, mounts), "sb", "n1",
        new DockerSpecs.PodFiles(Path.of("/pods/hosts"), Path.of("/pods/resolv.conf"), Path.of("/pods/c/term")), true);
    assertEquals("1000:3000", body.getString("User"));
    JsonObject host = body.getJsonObject("HostConfig");
    assertEquals(true, host.getBoolean("ReadonlyRootfs"));
    assertEquals("container:sb", host.getString("UTSMode"), "podman: the sandbox's hostname");
    assertEquals(new JsonArray().add("NET_ADMIN"), host.getJsonArray("CapAdd"));
    assertEquals(new JsonArray().add("ALL"), host.getJsonArray("CapDrop"));
    assertEquals(new JsonArray().add("2000"), host.getJsonArray("GroupAdd"));
    assertEquals(new JsonArray().add("/pods/v/cfg:/cfg:ro").add("/pods/v/data:/data").add("/pods/hosts:/etc/hosts")
        .add("/pods/resolv.conf:/etc/resolv.conf").add("/pods/c/term:/dev/termination-log"), host.getJsonArray("Binds"));
  }

  /** `./dekube up` keeps its data in the relative .dekube: the engine, in another folder, must get absolute paths. */
  @Test
  void relativeFoldersAreBoundByTheirAbsolutePaths() {
    Container c = new ContainerBuilder().withName("c").withImage("i").addNewVolumeMount().withName("data")
        .withMountPath("/data").endVolumeMount().build();
    JsonObject body = DockerSpecs.container(spec(c, new PodSpecBuilder().build(),
        Map.of("/data", Path.of(".dekube/nodes/n1/pods/p/volumes/data"))), "sb", "n1",
        new DockerSpecs.PodFiles(Path.of(".dekube/nodes/n1/pods/p/etc-hosts"), null, null), true);
    String cwd = Path.of("").toAbsolutePath().toString();
    assertEquals(new JsonArray().add(cwd + "/.dekube/nodes/n1/pods/p/volumes/data:/data")
        .add(cwd + "/.dekube/nodes/n1/pods/p/etc-hosts:/etc/hosts"), body.getJsonObject("HostConfig")
        .getJsonArray("Binds"));
  }

  @Test
  void theSandboxHoldsThePodIpOnTheNodeNetwork() {
    JsonObject sb = DockerSpecs.sandbox(spec(new ContainerBuilder().withName("c").build(),
        new PodSpecBuilder().withHostname("h").build(), Map.of()), "pause", "dekube-n1", "n1");
    assertEquals("h", sb.getString("Hostname"));
    assertEquals("dekube-n1", sb.getJsonObject("HostConfig").getString("NetworkMode"));
    assertEquals("10.244.1.5", sb.getJsonObject("NetworkingConfig").getJsonObject("EndpointsConfig")
        .getJsonObject("dekube-n1").getJsonObject("IPAMConfig").getString("IPv4Address"));
    assertEquals("podsandbox", sb.getJsonObject("Labels").getString("io.kubernetes.docker.type"));
    assertEquals("10.244.1.1", Sandboxes.gateway("10.244.1.0/24"));
  }

  @Test
  void everyNodesPodsShareTheClusterNetworkWhenTheirCidrLiesInIt() {
    assertEquals(new Sandboxes.Network("dekube-10.244.0.0-16", "10.244.0.0/16"),
        Sandboxes.networkOf("n1", "10.244.0.0/16", "10.244.1.0/24"));
    assertEquals(new Sandboxes.Network("dekube-10.244.0.0-16", "10.244.0.0/16"),
        Sandboxes.networkOf("n2", "10.244.7.1/16", "10.244.2.0/24"));
    assertEquals("10.244.0.1", Sandboxes.gateway("10.244.0.0/16"));
    // a pod CIDR outside the cluster's, or no cluster CIDR: the node's own network
    assertEquals(new Sandboxes.Network("dekube-n1", "10.99.1.0/24"),
        Sandboxes.networkOf("n1", "10.244.0.0/16", "10.99.1.0/24"));
    assertEquals(new Sandboxes.Network("dekube-n1", "10.0.0.0/8"), Sandboxes.networkOf("n1", "10.244.0.0/16",
        "10.0.0.0/8"));
    assertEquals(new Sandboxes.Network("dekube-n1", "10.244.1.0/24"), Sandboxes.networkOf("n1", null,
        "10.244.1.0/24"));
  }

  @Test
  void framesAreSplitAndJoinedByTheirHeaders() {
    List<String> seen = new ArrayList<>();
    StreamFrames frames = new StreamFrames(false, (err, p) -> seen.add((err ? "E:" : "O:") + p));
    Buffer all = Buffer.buffer().appendBytes(new byte[] {1, 0, 0, 0, 0, 0, 0, 3}).appendString("abc")
        .appendBytes(new byte[] {2, 0, 0, 0, 0, 0, 0, 2}).appendString("xy");
    frames.feed(all.getBuffer(0, 5));
    frames.feed(all.getBuffer(5, 13));
    frames.feed(all.getBuffer(13, all.length()));
    assertEquals(List.of("O:abc", "E:xy"), seen);
    List<String> raw = new ArrayList<>();
    new StreamFrames(true, (err, p) -> raw.add(p.toString())).feed(Buffer.buffer("tty text"));
    assertEquals(List.of("tty text"), raw);
  }

  @Test
  void imageReferencesAndErrors() {
    assertArrayEquals(new String[] {"localhost:5000/a/b", "1"}, DockerImages.split("localhost:5000/a/b:1"));
    assertArrayEquals(new String[] {"nginx", "latest"}, DockerImages.split("nginx"));
    assertEquals("sha256:ab", DockerImages.imageId(new JsonObject().put("Id", "sha256:ab")));
    assertEquals("docker.io/library/nginx@sha256:cd", DockerImages.imageId(new JsonObject().put("Id", "sha256:ab")
        .put("RepoDigests", new JsonArray().add("docker.io/library/nginx@sha256:cd"))));
    assertEquals("Failed to pull image \"x:1\": rpc error: code = Unknown desc = Error response from daemon: no route",
        DockerImages.failed("x:1", "no route").getMessage());
    assertEquals("boom", DockerClient.message(Buffer.buffer("{\"cause\":\"c\",\"message\":\"boom\"}")));
  }
}
