package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Back-off, pod IPs and admission: the kubelet's small pure parts. */
class KubeletPartsTest {

  @Test
  void backOffIsImmediateThenDoublesToItsMaximumAndStartsOverAfterALongRun() {
    BackOff b = new BackOff(Duration.ofSeconds(10), Duration.ofMinutes(5));
    Duration d = null;
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < 8; i++) {
      d = b.delay(d, Duration.ofSeconds(1));
      seen.append(d.toSeconds()).append(' ');
    }
    assertEquals("0 10 20 40 80 160 300 300 ", seen.toString());
    assertEquals(Duration.ZERO, b.delay(Duration.ofMinutes(5), Duration.ofMinutes(11)));
  }

  @Test
  void aContainerWhoseConfigurationFailedIsTriedAgainAtASteadyPaceAndOthersBackOff() {
    // "Configure a Pod to Use a ConfigMap": the pod starts soon after the missing ConfigMap is created
    assertTrue(ContainerStarter.retriedWithoutBackOff("CreateContainerConfigError"));
    assertTrue(ContainerStarter.retriedWithoutBackOff("CreateContainerError"));
    assertEquals(false, ContainerStarter.retriedWithoutBackOff("ErrImagePull"));
    assertEquals(false, ContainerStarter.retriedWithoutBackOff("RunContainerError"));
  }

  @Test
  void podIpsComeFromTheCidrSkippingNetworkAndGateway() {
    PodIpAllocator ips = new PodIpAllocator("127.244.2.0/24");
    assertEquals("127.244.2.2", ips.allocate("a"));
    assertEquals("127.244.2.3", ips.allocate("b"));
    assertEquals("127.244.2.2", ips.allocate("a"), "the same pod keeps its IP");
    ips.release("a");
    Set<String> all = new HashSet<>();
    for (int i = 0; i < 252; i++) {
      String ip = ips.allocate("p" + i);
      if (ip != null) {
        all.add(ip);
      }
    }
    assertEquals(252, all.size(), "253 usable addresses (.2-.254), one held by b");
    assertTrue(!all.contains("127.244.2.255") && !all.contains("127.244.2.1") && !all.contains("127.244.2.3"));
    assertNull(ips.allocate("one-too-many"));
    ips.setCidr("127.244.9.0/24");
    assertEquals("127.244.9.2", ips.allocate("later"), "node IPAM changed spec.podCIDR");
  }

  @Test
  void nodeNGetsTheNthSubnet() {
    assertEquals("127.244.1.0/24", PodIpAllocator.nthSubnet("127.244.0.0/16", 1));
    assertEquals("127.150.3.0/24", PodIpAllocator.nthSubnet("127.150.0.0/16", 3));
  }

  @Test
  void admissionRefusesWhatDoesNotFitAllocatable() throws Exception {
    Pod big = pod("3");
    Pod other = pod("2");
    assertNull(Admission.check(big, List.of(), "4", "8Gi", 110));
    Admission.Rejection r = Admission.check(big, List.of(other), "4", "8Gi", 110);
    assertEquals("OutOfcpu", r.reason());
    assertEquals("Pod was rejected: Node didn't have enough resource: cpu, requested: 3000, used: 2000, capacity: 4000",
        r.message());
    assertEquals("OutOfpods", Admission.check(big, List.of(other), "16", "8Gi", 1).reason());
  }

  /** "Using sysctls": a safe one passes, an unsafe one only with --allowed-unsafe-sysctls, in kube's words. */
  @Test
  void admissionRefusesSysctlsTheNodeDoesNotAllow() throws Exception {
    ObjectNode t = (ObjectNode) Json.MAPPER.readTree(("{'metadata':{'name':'sysctl-example','namespace':'d'},'spec':{"
        + "'securityContext':{'sysctls':[{'name':'kernel.shm_rmid_forced','value':'0'},{'name':'net.core.somaxconn',"
        + "'value':'1024'},{'name':'kernel.msgmax','value':'65536'}]},'containers':[{'name':'c','image':'x'}]}}")
        .replace('\'', '"'));
    Pod pod = Typed.from(t, Pod.class);
    Admission.Rejection r = Admission.sysctls(pod, io.dekube.core.net.Sysctls.allowing(List.of()));
    assertEquals("SysctlForbidden", r.reason());
    assertEquals("Pod was rejected: forbidden sysctl: \"net.core.somaxconn\" not allowlisted", r.message());
    assertEquals("Pod was rejected: forbidden sysctl: \"kernel.msgmax\" not allowlisted", Admission.sysctls(pod,
        io.dekube.core.net.Sysctls.allowing(List.of("net.core.somaxconn"))).message());
    assertNull(Admission.sysctls(pod, io.dekube.core.net.Sysctls.allowing(List.of("net.core.somaxconn", "kernel.msg*"))));
  }

  /** A RuntimeClass's overhead counts toward what the pod asks of the node, as kube's kubelet counts it. */
  @Test
  void admissionCountsThePodsOverhead() throws Exception {
    ObjectNode t = (ObjectNode) Json.MAPPER.readTree(("{'metadata':{'name':'p','namespace':'d'},'spec':{"
        + "'overhead':{'cpu':'1500m'},'containers':[{'name':'c','image':'x','resources':{'requests':{'cpu':'3'}}}]}}")
        .replace('\'', '"'));
    Admission.Rejection r = Admission.check(Typed.from(t, Pod.class), List.of(), "4", "8Gi", 110);
    assertEquals("Pod was rejected: Node didn't have enough resource: cpu, requested: 4500, used: 0, capacity: 4000",
        r.message());
  }

  /**
   * Sidecars (init containers with restartPolicy Always) run beside the containers, so their requests add up,
   * and an init container after a sidecar runs beside it: kube's PodRequests with restartable init containers.
   */
  @Test
  void admissionAddsSidecarsToTheContainersAndToLaterInitContainers() throws Exception {
    ObjectNode t = (ObjectNode) Json.MAPPER.readTree(("{'metadata':{'name':'p','namespace':'d'},'spec':{"
        + "'initContainers':[{'name':'first','image':'x','resources':{'requests':{'cpu':'2'}}},"
        + "{'name':'proxy','image':'x','restartPolicy':'Always','resources':{'requests':{'cpu':'1','memory':'1Gi'}}},"
        + "{'name':'setup','image':'x','resources':{'requests':{'cpu':'2500m'}}}],"
        + "'containers':[{'name':'c','image':'x','resources':{'requests':{'cpu':'1','memory':'1Gi'}}}]}}")
        .replace('\'', '"'));
    Pod pod = Typed.from(t, Pod.class);
    // setup runs beside proxy: 3.5 cores; then proxy and c: 2 cores; first alone: 2
    assertEquals(0, new java.math.BigDecimal("3.5").compareTo(Admission.request(pod, "cpu")));
    assertEquals(0, java.math.BigDecimal.valueOf(2L << 30).compareTo(Admission.request(pod, "memory")));
    Admission.Rejection r = Admission.check(pod, List.of(), "3", "8Gi", 110);
    assertEquals("Pod was rejected: Node didn't have enough resource: cpu, requested: 3500, used: 0, capacity: 3000",
        r.message());
  }

  /** A pod's RuntimeClass must exist and name this node's runtime, or its sandbox fails in kube's words. */
  @Test
  void theRuntimeClassHandlerMustBeTheNodesRuntime() throws Exception {
    java.util.Map<String, ObjectNode> classes = java.util.Map.of(
        "sim", (ObjectNode) Json.MAPPER.readTree("{\"handler\":\"simulated\"}"),
        "jvm", (ObjectNode) Json.MAPPER.readTree("{\"handler\":\"jvm\"}"));
    Pod plain = pod("1");
    assertNull(RuntimeHandlers.problem(plain, classes::get, "jvm"));
    plain.getSpec().setRuntimeClassName("jvm");
    assertNull(RuntimeHandlers.problem(plain, classes::get, "jvm"));
    plain.getSpec().setRuntimeClassName("sim");
    assertEquals("rpc error: code = Unknown desc = failed to get sandbox runtime: no runtime for \"simulated\" is "
        + "configured", RuntimeHandlers.problem(plain, classes::get, "jvm"));
    plain.getSpec().setRuntimeClassName("gvisor");
    assertEquals("RuntimeClass \"gvisor\" not found", RuntimeHandlers.problem(plain, classes::get, "jvm"));
  }

  private static Pod pod(String cpu) throws Exception {
    ObjectNode t = (ObjectNode) Json.MAPPER.readTree(("{'metadata':{'name':'p','namespace':'d'},'spec':{"
        + "'containers':[{'name':'c','image':'x','resources':{'requests':{'cpu':'" + cpu + "'}}}]}}").replace('\'', '"'));
    return Typed.from(t, Pod.class);
  }

  /** The Pulled event's durations: the kubelet truncates them to milliseconds and Go prints them. */
  @Test
  void pullDurationsPrintAsTheKubeletsTruncatedGoDurations() {
    assertEquals("0s", PodEvents.duration(21_000));
    assertEquals("3ms", PodEvents.duration(3_900_000));
    assertEquals("1.2s", PodEvents.duration(1_200_000_000L));
    assertEquals("1s", PodEvents.duration(1_000_400_000L));
    assertEquals("1m2.5s", PodEvents.duration(62_500_000_000L));
  }
}
