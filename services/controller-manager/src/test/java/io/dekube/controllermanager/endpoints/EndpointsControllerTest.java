package io.dekube.controllermanager.endpoints;

import static io.dekube.controllermanager.testing.Fake.done;
import static io.dekube.controllermanager.testing.Objects.pod;
import static io.dekube.controllermanager.testing.Objects.running;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServicePortBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EndpointsControllerTest {

  private final Fake fake = new Fake();
  private final ResourceType svcType = fake.store.type("services");
  private final ResourceType podType = fake.store.type("pods");
  private final ResourceType epType = fake.store.type("endpoints");
  private final ResourceType sliceType = fake.store.type("endpointslices.discovery.k8s.io");
  private final EndpointsController endpoints = new EndpointsController(fake.ctx);
  private final EndpointSliceController slices = new EndpointSliceController(fake.ctx);
  private static final ObjectKey KEY = new ObjectKey("ns", "web");

  static ServiceBuilder service(Object targetPort) {
    return new ServiceBuilder().withMetadata(new ObjectMetaBuilder().withName("web").withNamespace("ns")
            .withUid("uid-svc").build())
        .withNewSpec().withSelector(Map.of("app", "web")).withClusterIP("127.96.0.20")
        .withPorts(new ServicePortBuilder().withName("http").withPort(80).withProtocol("TCP")
            .withTargetPort(new IntOrString(targetPort)).build())
        .endSpec();
  }

  static Pod withIp(Pod p, String ip, Integer namedPort) {
    p.getStatus().setPodIP(ip);
    if (namedPort != null) {
      p.getSpec().getContainers().get(0).setPorts(List.of(new ContainerPortBuilder().withName("web")
          .withContainerPort(namedPort).withProtocol("TCP").build()));
    }
    return p;
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of("ready and not ready pods", 8080, List.of(
            withIp(running(pod("a", null), "n1", "2026-01-01T00:00:00Z"), "127.244.1.2", null),
            withIp(running(pod("b", null), "n1", null), "127.244.1.3", null),
            running(pod("noip", null), "n1", "2026-01-01T00:00:00Z")),
            "[127.244.1.2]", "[127.244.1.3]", "[8080]"),
        Arguments.of("a named target port resolved per pod", "web", List.of(
            withIp(running(pod("a", null), "n1", "2026-01-01T00:00:00Z"), "127.244.1.2", 9000),
            withIp(running(pod("b", null), "n2", "2026-01-01T00:00:00Z"), "127.244.2.2", 9001),
            withIp(running(pod("noport", null), "n2", "2026-01-01T00:00:00Z"), "127.244.2.3", null)),
            "[127.244.1.2, 127.244.2.2]", "[]", "[9000, 9001]"),
        Arguments.of("no pods", 8080, List.of(), "[]", "[]", "[]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void endpointsAndSlicesListTheSelectedPods(String name, Object target, List<Pod> pods, String ready,
                                             String notReady, String ports) {
    fake.store.put(svcType, service(target).build());
    pods.forEach(p -> fake.store.put(podType, p));
    fake.store.put(podType, withIp(running(pod("other", null).editMetadata().withLabels(Map.of("app", "db"))
        .endMetadata(), "n1", "2026-01-01T00:00:00Z"), "127.244.9.9", null));
    done(endpoints.sync(KEY));
    done(slices.sync(KEY));
    ObjectNode ep = fake.store.object(epType, "ns", "web");
    assertEquals(ready, collect(ep.path("subsets"), "addresses", "ip").toString());
    assertEquals(notReady, collect(ep.path("subsets"), "notReadyAddresses", "ip").toString());
    List<ObjectNode> sl = fake.store.items(sliceType, "ns");
    List<String> readyInSlices = new ArrayList<>();
    List<String> slicePorts = new ArrayList<>();
    for (ObjectNode s : sl) {
      assertEquals("web", s.at("/metadata/labels/kubernetes.io~1service-name").asText());
      s.path("endpoints").forEach(e -> {
        if (e.at("/conditions/ready").asBoolean()) {
          readyInSlices.add(e.path("addresses").get(0).asText());
        }
      });
      s.path("ports").forEach(p -> slicePorts.add(p.path("port").asText()));
    }
    assertEquals(ready, readyInSlices.stream().sorted().toList().toString());
    assertEquals(ports, slicePorts.stream().sorted().toList().toString());
    assertEquals(ports, collect(ep.path("subsets"), "ports", "port").stream().sorted().toList().toString());
  }

  @Test
  void aSecondSyncWritesNothingAndADeletedServiceTakesItsEndpoints() {
    fake.store.put(svcType, service(8080).build());
    fake.store.put(podType, withIp(running(pod("a", null), "n1", "2026-01-01T00:00:00Z"), "127.244.1.2", null));
    done(endpoints.sync(KEY));
    done(slices.sync(KEY));
    fake.clearWritesForDebug();
    done(endpoints.sync(KEY));
    done(slices.sync(KEY));
    assertEquals(List.of(), fake.writes());
    done(fake.store.delete(svcType, "ns", "web", io.dekube.core.store.WriteOptions.none()));
    done(endpoints.sync(KEY));
    done(slices.sync(KEY));
    assertNull(fake.store.object(epType, "ns", "web"));
    assertEquals(0, fake.store.items(sliceType, "ns").size());
  }

  /**
   * "Explore Termination Behavior for Pods And Their Endpoints": a terminating pod leaves the Endpoints but stays in
   * its EndpointSlice, not ready, serving while its readiness holds, terminating; publishNotReadyAddresses keeps
   * it ready there and in the Endpoints.
   */
  @Test
  void aTerminatingPodStaysInItsSliceServingAndTerminating() {
    fake.store.put(svcType, service(8080).build());
    Pod going = withIp(running(pod("a", null), "n1", "2026-01-01T00:00:00Z"), "127.244.1.2", null);
    going.getMetadata().setDeletionTimestamp("2026-01-01T00:01:00Z");
    fake.store.put(podType, going);
    done(endpoints.sync(KEY));
    done(slices.sync(KEY));
    assertEquals("[]", collect(fake.store.object(epType, "ns", "web").path("subsets"), "addresses", "ip").toString());
    JsonNode endpoint = fake.store.items(sliceType, "ns").get(0).path("endpoints").get(0);
    assertEquals("127.244.1.2", endpoint.path("addresses").get(0).asText());
    assertEquals("{\"ready\":false,\"serving\":true,\"terminating\":true}", endpoint.path("conditions").toString());
    fake.store.put(svcType, service(8080).editSpec().withPublishNotReadyAddresses(true).endSpec().build());
    done(endpoints.sync(KEY));
    done(slices.sync(KEY));
    assertEquals("[127.244.1.2]", collect(fake.store.object(epType, "ns", "web").path("subsets"), "addresses", "ip")
        .toString());
    assertEquals("{\"ready\":true,\"serving\":true,\"terminating\":true}", fake.store.items(sliceType, "ns").get(0)
        .path("endpoints").get(0).path("conditions").toString());
  }

  @Test
  void headlessServicesAreLabelled() {
    fake.store.put(svcType, service(8080).editSpec().withClusterIP("None").endSpec().build());
    done(endpoints.sync(KEY));
    assertEquals("", fake.store.object(epType, "ns", "web").at("/metadata/labels/service.kubernetes.io~1headless").asText("x"));
  }

  /**
   * KEP-4770's endpoint-controller-name label (kube-dns, kept by dekube's DNS): the controllers leave the
   * Endpoints and slices of another manager alone, even with matching pods, and drop a slice of their own.
   */
  @Test
  void aServiceWhoseEndpointsAnotherControllerKeepsIsLeftToIt() {
    fake.store.put(svcType, service(8080).editMetadata()
        .withLabels(Map.of("service.kubernetes.io/endpoint-controller-name", "dekube-dns")).endMetadata().build());
    fake.store.put(podType, withIp(running(pod("a", null), "n1", "2026-01-01T00:00:00Z"), "127.244.1.2", null));
    ObjectNode theirs = io.dekube.core.model.Json.object().put("apiVersion", "v1").put("kind", "Endpoints");
    io.dekube.core.model.Json.metadata(theirs).put("name", "web").put("namespace", "ns");
    theirs.putArray("subsets").addObject().putArray("addresses").addObject().put("ip", "127.96.0.10");
    done(fake.store.create(epType, "ns", theirs, io.dekube.core.store.WriteOptions.none()));
    ObjectNode own = io.dekube.core.model.Json.object().put("apiVersion", "discovery.k8s.io/v1")
        .put("kind", "EndpointSlice").put("addressType", "IPv4");
    io.dekube.core.model.Json.metadata(own).put("name", "web-old").put("namespace", "ns").putObject("labels")
        .put("kubernetes.io/service-name", "web").put("endpointslice.kubernetes.io/managed-by",
            EndpointSliceController.CONTROLLER);
    done(fake.store.create(sliceType, "ns", own, io.dekube.core.store.WriteOptions.none()));
    done(endpoints.sync(KEY));
    done(slices.sync(KEY));
    assertEquals("[127.96.0.10]", collect(fake.store.object(epType, "ns", "web").path("subsets"), "addresses", "ip")
        .toString());
    assertEquals(0, fake.store.items(sliceType, "ns").size());
  }

  private static List<String> collect(JsonNode subsets, String list, String field) {
    List<String> out = new ArrayList<>();
    subsets.forEach(s -> s.path(list).forEach(a -> out.add(a.path(field).asText())));
    return out;
  }
}
