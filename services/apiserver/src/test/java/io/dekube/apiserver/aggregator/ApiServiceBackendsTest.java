package io.dekube.apiserver.aggregator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.discovery.ApiCatalog;
import io.dekube.apiserver.discovery.ServedGroup;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.Typed;
import io.dekube.core.net.ApiServiceBackends;
import io.dekube.core.net.ServiceTable;
import io.dekube.core.net.ServiceWatch;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Service;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Where an APIService's requests go, the local APIServices, and the aggregated groups of discovery. */
class ApiServiceBackendsTest {

  private static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private static final ObjectNode API = yaml("""
      metadata: {name: v1alpha1.wardle.example.com}
      spec: {group: wardle.example.com, version: v1alpha1, service: {namespace: w, name: api, port: 443},
             groupPriorityMinimum: 1000, versionPriority: 15}
      """);

  private static ServiceWatch.View view(String endpointsYaml) {
    return view(endpointsYaml, null);
  }

  private static ServiceWatch.View view(String endpointsYaml, String clusterIp) {
    Service svc = Typed.from(yaml("""
        metadata: {name: api, namespace: w}
        spec: {ports: [{name: https, port: 443, targetPort: 8443}]}
        """), Service.class);
    svc.getSpec().setClusterIP(clusterIp);
    List<Endpoints> eps = endpointsYaml == null ? List.of() : List.of(Typed.from(yaml(endpointsYaml), Endpoints.class));
    return new ServiceWatch.View(List.of(svc), ServiceTable.build(List.of(svc), List.of(), eps),
        eps.isEmpty() ? java.util.Set.of() : java.util.Set.of("w/api"));
  }

  @Test
  void resolvesToAReadyEndpointAndNamesTheServiceForTls() {
    ApiServiceBackends.Resolution r = ApiServiceBackends.resolve(API, view("""
        metadata: {name: api, namespace: w}
        subsets: [{addresses: [{ip: 127.0.0.7}, {ip: 127.0.0.8}], notReadyAddresses: [{ip: 127.0.0.9}],
                   ports: [{name: https, port: 8443}]}]
        """), n -> 1);
    assertTrue(r.resolved());
    assertEquals(new ApiServiceBackends.Target("127.0.0.8", 8443, "api.w.svc"), r.target());
    assertEquals("https://127.0.0.8:8443", r.target().url());
  }

  /** kube's default routing (--enable-aggregator-routing=false): the ClusterIP, after the same endpoint checks. */
  @Test
  void routesToTheClusterIpWithoutEndpointRouting() {
    String ready = """
        metadata: {name: api, namespace: w}
        subsets: [{addresses: [{ip: 127.0.0.7}], ports: [{name: https, port: 8443}]}]
        """;
    ServiceWatch.View view = view(ready, "127.96.3.4");
    ApiServiceBackends.Resolution r = ApiServiceBackends.resolve(API, view, n -> 0, false);
    assertEquals(new ApiServiceBackends.Target("127.96.3.4", 443, "api.w.svc"), r.target());
    assertEquals("127.0.0.7", ApiServiceBackends.resolve(API, view, n -> 0, true).target().host());
    ApiServiceBackends.Resolution headless = ApiServiceBackends.resolve(API, view(ready, "None"), n -> 0, false);
    assertFalse(headless.resolved());
    assertEquals("FailedDiscoveryCheck", headless.reason());
    assertEquals("cannot route to service with ClusterIP \"None\"", headless.message());
    assertEquals("EndpointsNotFound", ApiServiceBackends.resolve(API, view(null, "127.96.3.4"), n -> 0, false).reason(),
        "kube's availability checks of the endpoints come first");
    assertEquals("MissingEndpoints", ApiServiceBackends.resolve(API,
        view("metadata: {name: api, namespace: w}", "127.96.3.4"), n -> 0, false).reason());
  }

  @Test
  void saysWhyThereIsNoBackendInKubesWords() {
    ApiServiceBackends.Resolution none = ApiServiceBackends.resolve(API, view(null), n -> 0);
    assertEquals("EndpointsNotFound", none.reason());
    assertEquals("cannot find endpoints for service/api in \"w\"", none.message());
    ApiServiceBackends.Resolution empty = ApiServiceBackends.resolve(API, view("metadata: {name: api, namespace: w}"),
        n -> 0);
    assertEquals("MissingEndpoints", empty.reason());
    assertEquals("endpoints for service/api in \"w\" have no addresses with port name \"https\"", empty.message());
    ObjectNode otherPort = API.deepCopy();
    ((ObjectNode) otherPort.at("/spec/service")).put("port", 444);
    assertEquals("service/api in \"w\" is not listening on port 444",
        ApiServiceBackends.resolve(otherPort, view(null), n -> 0).message());
    ObjectNode missing = API.deepCopy();
    ((ObjectNode) missing.at("/spec/service")).put("name", "gone");
    ApiServiceBackends.Resolution r = ApiServiceBackends.resolve(missing, view(null), n -> 0);
    assertFalse(r.resolved());
    assertEquals("ServiceNotFound", r.reason());
    assertEquals("service/gone in \"w\" is not present", r.message());
  }

  @Test
  void localApiServicesCoverEveryServedGroupVersionWithKubesPriorities() {
    ApiCatalog catalog = ApiCatalog.of(ResourceRegistry.builtIn());
    List<ObjectNode> local = LocalApiServices.wanted(catalog, Set.of("apps"));
    ObjectNode core = local.stream().filter(a -> a.at("/metadata/name").asText().equals("v1.")).findFirst().orElseThrow();
    assertEquals(18000, core.at("/spec/groupPriorityMinimum").asInt());
    assertEquals(1, core.at("/spec/versionPriority").asInt());
    assertTrue(core.at("/spec/group").isMissingNode());
    assertEquals("onstart", core.at("/metadata/labels").path(LocalApiServices.AUTOMANAGED).asText());
    assertTrue(core.path("status").isMissingNode(), "the availability controller writes the status");
    ObjectNode apps = local.stream().filter(a -> a.at("/metadata/name").asText().equals("v1.apps")).findFirst()
        .orElseThrow();
    assertEquals("true", apps.at("/metadata/labels").path(LocalApiServices.AUTOMANAGED).asText(), "a CRD group");
    assertEquals(1000, apps.at("/spec/groupPriorityMinimum").asInt());
    assertTrue(local.stream().anyMatch(a -> a.at("/metadata/name").asText().equals("v1.apiregistration.k8s.io")));
  }

  @Test
  void aggregatedGroupsAreOrderedByPriorityAndListTheBackendsResources() {
    ObjectNode other = yaml("""
        metadata: {name: v1.alpha.example.com}
        spec: {group: alpha.example.com, version: v1, service: {namespace: a, name: a}, groupPriorityMinimum: 500,
               versionPriority: 15}
        """);
    ObjectNode list = yaml("""
        resources:
        - {name: flunders, singularName: flunder, namespaced: true, kind: Flunder, verbs: [get, list]}
        - {name: flunders/status, namespaced: true, kind: Flunder, verbs: [get]}
        """);
    List<ServedGroup> groups = AggregatedGroups.of(List.of(other, API), Map.of("v1alpha1.wardle.example.com", list));
    assertEquals(List.of("wardle.example.com", "alpha.example.com"), groups.stream().map(ServedGroup::name).toList());
    ServedGroup.ServedVersion v = groups.get(0).preferred();
    assertEquals("v1alpha1", v.version());
    assertEquals("flunders", v.resources().get(0).plural());
    assertEquals("status", v.resources().get(0).subresources().get(0).name());
    assertTrue(groups.get(1).preferred().resources().isEmpty(), "no discovery answer yet");
  }
}
