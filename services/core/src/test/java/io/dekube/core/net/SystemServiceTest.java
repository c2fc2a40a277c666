package io.dekube.core.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.InMemoryStore;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** The Service of a component and its endpoints, and the DNS address a service CIDR gives. */
class SystemServiceTest {

  private final InMemoryStore store = new InMemoryStore();
  private final ResourceRegistry registry = ResourceRegistry.builtIn();

  @ParameterizedTest
  @CsvSource({"127.96.0.0/16, 127.96.0.10", "127.93.0.0/16, 127.93.0.10", "10.96.0.0/12, 10.96.0.10",
      "127.96.7.0/28, 127.96.7.10", "127.96.5.3/24, 127.96.5.10"})
  void theClusterDnsIsTheTenthAddressOfTheServiceCidr(String cidr, String dns) {
    assertEquals(dns, ClusterNetwork.dnsIp(cidr));
  }

  @Test
  void aServiceCidrWithoutATenthAddressIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> ClusterNetwork.dnsIp("127.96.0.0/29"));
  }

  @Test
  void ensureCreatesTheServiceAndPointsItsEndpointsAtTheComponentAgainAfterAMove() {
    store.create(store.type("services"), "kube-system", service(), io.dekube.core.store.WriteOptions.none());
    assertTrue(system(10053).ensure(store, registry).succeeded());
    assertEquals("[127.96.0.10:10053/UDP, 127.96.0.10:10053/TCP]", endpoints());
    assertEquals("{\"addresses\":[\"127.96.0.10\"],\"conditions\":{\"ready\":true}}",
        store.object(store.type("endpointslices.discovery.k8s.io"), "kube-system", "dns").path("endpoints").get(0)
            .toString());
    store.clearActions();
    assertTrue(system(10053).ensure(store, registry).succeeded());
    assertTrue(store.actions().stream().noneMatch(a -> a.startsWith("update")), store.actions()::toString);
    assertTrue(system(20053).ensure(store, registry).succeeded());
    assertEquals("[127.96.0.10:20053/UDP, 127.96.0.10:20053/TCP]", endpoints());
    assertEquals("20053", store.object(store.type("endpointslices.discovery.k8s.io"), "kube-system", "dns")
        .at("/ports/0/port").asText());
    assertEquals(1, store.items(store.type("services"), "kube-system").size());
  }

  private static ObjectNode service() {
    ObjectNode svc = Json.object().put("apiVersion", "v1").put("kind", "Service");
    Json.metadata(svc).put("name", "dns").put("namespace", "kube-system");
    svc.putObject("spec").put("clusterIP", "127.96.0.10").putArray("ports").addObject().put("name", "dns")
        .put("port", 53).put("protocol", "UDP");
    return svc;
  }

  private static SystemService system(int port) {
    return new SystemService(service(), "127.96.0.10", List.of(new SystemService.Port("dns", port, "UDP"),
        new SystemService.Port("dns-tcp", port, "TCP")), "test");
  }

  private String endpoints() {
    ObjectNode ep = store.object(store.type("endpoints"), "kube-system", "dns");
    StringBuilder b = new StringBuilder("[");
    ep.path("subsets").get(0).path("ports").forEach(p -> b.append(b.length() > 1 ? ", " : "")
        .append(ep.at("/subsets/0/addresses/0/ip").asText()).append(':').append(p.path("port").asInt()).append('/')
        .append(p.path("protocol").asText()));
    return b.append(']').toString();
  }
}
