package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class PodStatusBuilderTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");

  /** A container record in one of a few states: waiting, running, exited:N, crashloop:N. */
  static ContainerRecord rec(String state) {
    ContainerRecord r = new ContainerRecord("c", false, "dekube/web");
    if (state.equals("running")) {
      r.running = new io.dekube.kubelet.runtime.SimulatedRuntime(null, java.time.Duration.ZERO).start(
          null).result();
      r.startedAt = T;
      r.ready = true;
      r.started = true;
    } else if (state.startsWith("exited:")) {
      r.terminated = new ContainerRecord.Terminated(Integer.parseInt(state.substring(7)), "Error", null, T, T, "x");
    } else if (state.startsWith("crashloop:")) {
      r.terminated = new ContainerRecord.Terminated(Integer.parseInt(state.substring(10)), "Error", null, T, T, "x");
      r.restartAt = T.plusSeconds(10);
      r.waitingReason = "CrashLoopBackOff";
    }
    return r;
  }

  static Stream<Arguments> phases() {
    return Stream.of(
        Arguments.of("Always", List.of("waiting"), "Pending"),
        Arguments.of("Always", List.of("running", "waiting"), "Pending"),
        Arguments.of("Always", List.of("running", "running"), "Running"),
        Arguments.of("Always", List.of("crashloop:1"), "Running"),
        Arguments.of("Always", List.of("running", "crashloop:1"), "Running"),
        Arguments.of("Never", List.of("exited:0", "exited:0"), "Succeeded"),
        Arguments.of("Never", List.of("exited:0", "exited:2"), "Failed"),
        Arguments.of("Never", List.of("running", "exited:2"), "Running"),
        Arguments.of("OnFailure", List.of("exited:0"), "Succeeded"),
        Arguments.of("OnFailure", List.of("crashloop:3"), "Running"));
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @MethodSource("phases")
  void phaseFollowsKubernetesRules(String policy, List<String> states, String phase) {
    List<ContainerRecord> recs = states.stream().map(PodStatusBuilderTest::rec).toList();
    assertEquals(phase, PodStatusBuilder.phase(new PodStatusBuilder.Input(List.of(), recs, policy, "1.2.3.4",
        "5.6.7.8", T, false)));
  }

  @Test
  void aFailedInitContainerFailsANeverPodAndHoldsOthersPending() {
    ContainerRecord init = new ContainerRecord("init", true, "dekube/crash");
    init.terminated = new ContainerRecord.Terminated(1, "Error", null, T, T, "x");
    assertEquals("Failed", PodStatusBuilder.phase(new PodStatusBuilder.Input(List.of(init), List.of(rec("waiting")),
        "Never", null, null, T, false)));
    assertEquals("Pending", PodStatusBuilder.phase(new PodStatusBuilder.Input(List.of(init), List.of(rec("waiting")),
        "Always", null, null, T, false)));
  }

  @Test
  void conditionsComeInKubesOrder() {
    ObjectNode s = PodStatusBuilder.build(new PodStatusBuilder.Input(List.of(), List.of(rec("running")), "Always",
        "127.244.1.2", "127.0.1.1", T, false), Json.object(), T);
    List<String> types = new java.util.ArrayList<>();
    s.path("conditions").forEach(c -> types.add(c.path("type").asText()));
    assertEquals(List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"), types);
  }

  /**
   * {@code kubectl patch pod X --subresource=status -p '{"status":{"phase":"Failed"}}'} on a running pod: kube's
   * generateAPIPodStatus keeps the API's phase and says the pod is not ready for that reason, while its containers
   * still run and its sandbox is there; a naturally ended pod whose phase is Failed says PodFailed too.
   */
  @Test
  void aTerminalPhaseFromTheApiStaysAndMakesThePodUnreadyForThatReason() {
    ObjectNode s = PodStatusBuilder.build(new PodStatusBuilder.Input(List.of(), List.of(rec("running")), "Always",
        "127.244.1.2", "127.0.1.1", T, false, List.of(), "Failed"), Json.object(), T);
    assertEquals("Failed", s.path("phase").asText());
    for (String type : List.of("Ready", "ContainersReady")) {
      assertEquals("False", condition(s, type).path("status").asText(), type);
      assertEquals("PodFailed", condition(s, type).path("reason").asText(), type);
      assertEquals(false, condition(s, type).has("message"), type);
    }
    assertEquals("True", condition(s, "PodReadyToStartContainers").path("status").asText());
    assertEquals("running", s.at("/containerStatuses/0/state").fieldNames().next());
    ObjectNode succeeded = PodStatusBuilder.build(new PodStatusBuilder.Input(List.of(), List.of(rec("running")),
        "Always", "127.244.1.2", "127.0.1.1", T, false, List.of(), "Succeeded"), Json.object(), T);
    assertEquals("PodCompleted", condition(succeeded, "Ready").path("reason").asText());
    ObjectNode ended = PodStatusBuilder.build(new PodStatusBuilder.Input(List.of(), List.of(rec("exited:2")), "Never",
        "127.244.1.2", "127.0.1.1", T, false), Json.object(), T);
    assertEquals("Failed", ended.path("phase").asText());
    assertEquals("PodFailed", condition(ended, "ContainersReady").path("reason").asText());
    assertEquals("False", condition(ended, "PodReadyToStartContainers").path("status").asText());
  }

  @Test
  void crashLoopShowsWaitingWithTheLastTermination() {
    ObjectNode s = PodStatusBuilder.build(new PodStatusBuilder.Input(List.of(), List.of(rec("crashloop:3")), "Always",
        "127.244.1.2", "127.0.1.1", T, false), Json.object(), T);
    JsonNode c = s.path("containerStatuses").get(0);
    assertEquals("CrashLoopBackOff", c.at("/state/waiting/reason").asText());
    assertEquals(3, c.at("/lastState/terminated/exitCode").asInt());
    assertEquals("False", condition(s, "Ready").path("status").asText());
    assertEquals("ContainersNotReady", condition(s, "Ready").path("reason").asText());
    assertEquals("127.244.1.2", s.at("/podIPs/0/ip").asText());
    assertEquals("127.0.1.1", s.path("hostIP").asText());
  }

  /**
   * "Assign Memory Resources": memory-demo-2's run ends OOMKilled and waits for its restart. Until the kubelet's sync
   * cached the back-off, the status shows the end itself ({@code kubectl get pod} STATUS {@code OOMKilled}) with the
   * run before as lastState; then the waiting CrashLoopBackOff, the end as lastState.
   */
  @Test
  void anEndedRunShowsItsEndUntilTheBackOffIsCached() {
    ContainerRecord r = new ContainerRecord("memory-demo-2-ctr", false, "polinux/stress");
    r.last = new ContainerRecord.Terminated(137, "OOMKilled", null, T.minusSeconds(3), T.minusSeconds(2), "jvm://a");
    r.terminated = new ContainerRecord.Terminated(137, "OOMKilled", null, T.minusSeconds(1), T, "jvm://b");
    r.restartCount = 1;
    r.restartAt = T.plusSeconds(10);
    r.waitingReason = "CrashLoopBackOff";
    r.waitingMessage = "back-off 10s restarting failed container=memory-demo-2-ctr pod=memory-demo-2_mem-example(u)";
    r.endShown = true;
    JsonNode ended = PodStatusBuilder.containerStatus(r);
    assertEquals("OOMKilled 137 jvm://b", ended.at("/state/terminated/reason").asText() + " "
        + ended.at("/state/terminated/exitCode").asInt() + " " + ended.at("/state/terminated/containerID").asText());
    assertEquals("jvm://a", ended.at("/lastState/terminated/containerID").asText());
    r.endShown = false;
    JsonNode waiting = PodStatusBuilder.containerStatus(r);
    assertEquals("CrashLoopBackOff", waiting.at("/state/waiting/reason").asText());
    assertEquals("OOMKilled jvm://b", waiting.at("/lastState/terminated/reason").asText() + " "
        + waiting.at("/lastState/terminated/containerID").asText());
  }

  /** kube 1.32's kubelet reports each container's mounts in its status (RecursiveReadOnlyMounts, beta and on). */
  @Test
  void containerStatusesCarryTheirVolumeMounts() {
    ContainerRecord r = rec("running");
    r.volumeMounts = PodStatusBuilder.volumeMounts(List.of(
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("data").withMountPath("/data").build(),
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("kube-api-access-k6q6h")
            .withMountPath("/var/run/secrets/kubernetes.io/serviceaccount").withReadOnly(true).build(),
        new io.fabric8.kubernetes.api.model.VolumeMountBuilder().withName("ro").withMountPath("/ro").withReadOnly(true)
            .withRecursiveReadOnly("IfPossible").build()));
    assertEquals("[{\"name\":\"data\",\"mountPath\":\"/data\"},{\"name\":\"kube-api-access-k6q6h\",\"mountPath\":"
        + "\"/var/run/secrets/kubernetes.io/serviceaccount\",\"readOnly\":true,\"recursiveReadOnly\":\"Disabled\"},"
        + "{\"name\":\"ro\",\"mountPath\":\"/ro\",\"readOnly\":true,\"recursiveReadOnly\":\"Enabled\"}]",
        PodStatusBuilder.containerStatus(r).path("volumeMounts").toString());
    assertEquals(false, PodStatusBuilder.containerStatus(rec("waiting")).has("volumeMounts"));
  }

  @Test
  void containerStatusesAreSortedByNameInitContainersKeepTheSpecsOrder() {
    // "Communicate Between Containers in the Same Pod Using a Shared Volume": nginx-container is declared first,
    // yet kube's kubelet lists debian-container's status first (SortedContainerStatuses)
    ContainerRecord nginx = new ContainerRecord("nginx-container", false, "nginx");
    ContainerRecord debian = new ContainerRecord("debian-container", false, "debian");
    ContainerRecord zInit = new ContainerRecord("z-init", true, "busybox");
    ContainerRecord aInit = new ContainerRecord("a-init", true, "busybox");
    ContainerRecord debugger = new ContainerRecord("debugger-b", false, "busybox");
    ContainerRecord other = new ContainerRecord("debugger-a", false, "busybox");
    ObjectNode s = PodStatusBuilder.build(new PodStatusBuilder.Input(List.of(zInit, aInit), List.of(nginx, debian),
        "Never", "1.1.1.1", "2.2.2.2", T, false, List.of(debugger, other)), Json.object(), T);
    assertEquals("[debian-container, nginx-container]", names(s.path("containerStatuses")));
    assertEquals("[z-init, a-init]", names(s.path("initContainerStatuses")));
    assertEquals("[debugger-a, debugger-b]", names(s.path("ephemeralContainerStatuses")));
  }

  @Test
  void aContainerThatRanShowsItsImageAsContainerdNamesIt() {
    ContainerRecord ran = rec("running");
    ran.image = "nginx";
    ran.imageId = "docker.io/library/nginx@sha256:0123";
    ContainerRecord waiting = new ContainerRecord("private-reg-container", false, "example.com/janedoe/app:v1");
    ObjectNode s = PodStatusBuilder.build(new PodStatusBuilder.Input(List.of(), List.of(ran, waiting), "Always",
        "1.1.1.1", "2.2.2.2", T, false), Json.object(), T);
    assertEquals("docker.io/library/nginx:latest", s.at("/containerStatuses/0/image").asText());
    assertEquals("docker.io/library/nginx@sha256:0123", s.at("/containerStatuses/0/imageID").asText());
    assertEquals("example.com/janedoe/app:v1", s.at("/containerStatuses/1/image").asText());
    assertEquals("", s.at("/containerStatuses/1/imageID").asText());
  }

  private static String names(JsonNode statuses) {
    List<String> out = new java.util.ArrayList<>();
    statuses.forEach(c -> out.add(c.path("name").asText()));
    return out.toString();
  }

  @Test
  void transitionTimesAreKeptWhileAConditionHolds() {
    PodStatusBuilder.Input in = new PodStatusBuilder.Input(List.of(), List.of(rec("running")), "Always", "1.1.1.1",
        "2.2.2.2", T, false);
    ObjectNode first = PodStatusBuilder.build(in, Json.object(), T);
    ObjectNode again = PodStatusBuilder.build(in, first, T.plusSeconds(30));
    assertEquals(first, again, "an unchanged status is equal, so the status manager writes nothing");
    assertEquals("True", condition(again, "Ready").path("status").asText());
  }

  private static JsonNode condition(JsonNode status, String type) {
    for (JsonNode c : status.path("conditions")) {
      if (type.equals(c.path("type").asText())) {
        return c;
      }
    }
    return Json.object();
  }
}
