package io.dekube.apiserver.discovery;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DiscoveryTest {

  private final ResourceRegistry registry = ResourceRegistry.builtIn();

  @Test
  void versionsInKubernetesOrder() {
    List<String> versions = new ArrayList<>(List.of("v1beta1", "v1alpha1", "foo", "v2", "v1", "v1beta2", "v2beta1"));
    versions.sort(KubeVersionOrder.INSTANCE);
    assertEquals(List.of("v2", "v1", "v2beta1", "v1beta2", "v1beta1", "v1alpha1", "foo"), versions);
  }

  @Test
  void groupsInPriorityOrderWithOldOnlyGroupsLast() {
    ApiCatalog catalog = ApiCatalog.of(registry);
    List<String> groups = catalog.groups().stream().map(ServedGroup::name).toList();
    assertEquals("apiregistration.k8s.io", groups.get(0));
    assertEquals("apps", groups.get(1));
    assertEquals("extensions", groups.get(groups.size() - 1));
    assertTrue(groups.indexOf("networking.k8s.io") < groups.indexOf("extensions"));
  }

  @Test
  void customGroupsComeAfterBuiltInOnes() {
    registry.register(new ResourceType("stable.example.com", "v1", "crontabs", "crontab", "CronTab", true,
        List.of("ct"), List.of(), List.of()));
    List<String> groups = ApiCatalog.of(registry).groups().stream().map(ServedGroup::name).toList();
    assertEquals(List.of("stable.example.com", "extensions"), groups.subList(groups.size() - 2, groups.size()));
  }

  @Test
  void oldVersionsAreServedButNotPreferred() {
    ServedGroup apps = ApiCatalog.of(registry).group("apps").orElseThrow();
    assertEquals(List.of("v1", "v1beta2", "v1beta1"), apps.versions().stream().map(ServedGroup.ServedVersion::version).toList());
    ServedResource old = apps.version("v1beta1").orElseThrow().resources().stream()
        .filter(r -> r.plural().equals("deployments")).findFirst().orElseThrow();
    assertTrue(old.shortNames().isEmpty());
    assertTrue(old.categories().isEmpty());
    ServedGroup extensions = ApiCatalog.of(registry).group("extensions").orElseThrow();
    assertEquals(List.of("daemonsets", "deployments", "ingresses", "replicasets"),
        extensions.preferred().resources().stream().map(ServedResource::plural).toList());
  }

  @Test
  void verbsAndCategoriesAsKube132ListsThem() {
    ApiCatalog catalog = ApiCatalog.of(registry);
    ServedResource ns = find(catalog.core(), "namespaces");
    assertEquals(List.of("create", "delete", "get", "list", "patch", "update", "watch"), ns.verbs(),
        "kube's namespace storage deletes no collections");
    assertEquals(ServedResource.ALL_VERBS, find(catalog.core(), "nodes").verbs());
    List<String> ext = List.of("api-extensions");
    assertEquals(ext, find(catalog.group("apiextensions.k8s.io").orElseThrow(), "customresourcedefinitions")
        .categories());
    assertEquals(ext, find(catalog.group("apiregistration.k8s.io").orElseThrow(), "apiservices").categories());
    ServedGroup admission = catalog.group("admissionregistration.k8s.io").orElseThrow();
    for (String r : List.of("validatingwebhookconfigurations", "mutatingwebhookconfigurations",
        "validatingadmissionpolicies", "validatingadmissionpolicybindings")) {
      assertEquals(ext, find(admission, r).categories(), r);
    }
  }

  private static ServedResource find(ServedGroup g, String plural) {
    return g.preferred().resources().stream().filter(r -> r.plural().equals(plural)).findFirst().orElseThrow();
  }

  @Test
  void resourceListHasSubresources() {
    ApiCatalog catalog = ApiCatalog.of(registry);
    ServedGroup core = catalog.core();
    ObjectNode list = DiscoveryDocuments.apiResourceList(core, core.preferred());
    assertEquals("v1", list.path("groupVersion").asText());
    List<String> names = new ArrayList<>();
    list.path("resources").forEach(r -> names.add(r.path("name").asText()));
    assertTrue(names.containsAll(List.of("pods", "pods/status", "pods/log", "pods/binding", "pods/exec",
        "pods/eviction", "namespaces/finalize", "serviceaccounts/token")), names.toString());
    JsonNode eviction = find(list, "pods/eviction");
    assertEquals("policy", eviction.path("group").asText());
    assertEquals("Eviction", eviction.path("kind").asText());
    JsonNode status = find(list, "pods/status");
    assertFalse(status.has("group"));
    assertEquals("Pod", status.path("kind").asText());
  }

  @Test
  void storageVersionHashMatchesKubernetes() {
    // kube-apiserver 1.32 reports this hash for pods (sha256("/v1/Pod"), first 8 bytes, base64)
    assertEquals("xPOwRZ+Yhw8=", ApiCatalog.storageVersionHash("", "v1", "Pod"));
  }

  @Test
  void aggregatedListShape() {
    ApiCatalog catalog = ApiCatalog.of(registry);
    ObjectNode core = AggregatedDiscovery.list(List.of(catalog.core()), "v2");
    assertEquals("APIGroupDiscoveryList", core.path("kind").asText());
    JsonNode item = core.path("items").path(0);
    assertFalse(item.path("metadata").has("name"));
    JsonNode version = item.path("versions").path(0);
    assertEquals("Current", version.path("freshness").asText());
    JsonNode pods = null;
    for (JsonNode r : version.path("resources")) {
      if (r.path("resource").asText().equals("pods")) {
        pods = r;
      }
    }
    assertEquals("Namespaced", pods.path("scope").asText());
    assertEquals("pod", pods.path("singularResource").asText());
    assertEquals("", pods.path("responseKind").path("group").asText());
    assertEquals("v1", pods.path("responseKind").path("version").asText());
    assertTrue(pods.path("subresources").size() >= 4);
  }

  @Test
  void negotiation() {
    String kubectl = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
        + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    assertEquals(new DiscoveryMediaTypes.Aggregated("v2"), DiscoveryMediaTypes.negotiate(kubectl));
    assertEquals(new DiscoveryMediaTypes.Aggregated("v2beta1"), DiscoveryMediaTypes.negotiate(
        "application/json;as=APIGroupDiscoveryList;v=v2beta1;g=apidiscovery.k8s.io"));
    assertEquals(new DiscoveryMediaTypes.Legacy(false), DiscoveryMediaTypes.negotiate(
        "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList;q=0.5,application/json"));
    assertEquals(new DiscoveryMediaTypes.Legacy(false), DiscoveryMediaTypes.negotiate(null));
    assertEquals(new DiscoveryMediaTypes.Legacy(false), DiscoveryMediaTypes.negotiate("application/json, */*"));
    assertEquals(new DiscoveryMediaTypes.Legacy(true), DiscoveryMediaTypes.negotiate("application/yaml"));
    assertEquals(new DiscoveryMediaTypes.Legacy(false), DiscoveryMediaTypes.negotiate(
        "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
    assertInstanceOf(DiscoveryMediaTypes.NotAcceptable.class, DiscoveryMediaTypes.negotiate("text/html"));
    assertEquals("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList",
        new DiscoveryMediaTypes.Aggregated("v2").contentType());
  }

  private static JsonNode find(JsonNode list, String name) {
    for (JsonNode r : list.path("resources")) {
      if (r.path("name").asText().equals(name)) {
        return r;
      }
    }
    throw new AssertionError("no " + name);
  }
}
