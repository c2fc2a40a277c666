package io.dekube.apiserver.openapi;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class OpenApiDocumentsTest {

  static OpenApiDocuments docs;

  @BeforeAll
  static void build() {
    docs = OpenApiDocuments.build(ResourceRegistry.builtIn());
    if (System.getProperty("openapi.dump") != null) {
      docs.documents().values().forEach(d -> {
        try {
          java.nio.file.Path p = java.nio.file.Path.of(System.getProperty("openapi.dump"), d.key() + ".json");
          java.nio.file.Files.createDirectories(p.getParent());
          java.nio.file.Files.write(p, d.bytes());
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
    }
  }

  static JsonNode schemas(String key) {
    return docs.document(key).orElseThrow().json().path("components").path("schemas");
  }

  static String ref(JsonNode property) {
    return property.has("$ref") ? property.get("$ref").asText() : property.at("/allOf/0/$ref").asText();
  }

  @Test
  void indexListsEveryGroupVersionWithHash() throws Exception {
    JsonNode index = Json.MAPPER.readTree(docs.index());
    for (String key : new String[] {"api/v1", "apis/apps/v1", "apis/networking.k8s.io/v1", "apis/extensions/v1beta1",
        "apis/apps/v1beta2", "apis/coordination.k8s.io/v1"}) {
      String url = index.path("paths").path(key).path("serverRelativeURL").asText();
      assertEquals("/openapi/v3/" + key + "?hash=" + docs.document(key).orElseThrow().hash(), url, key);
    }
  }

  @Test
  void deploymentSchemaLooksLikeKubes() {
    JsonNode deployment = schemas("apis/apps/v1").path("io.k8s.api.apps.v1.Deployment");
    assertEquals("Deployment", deployment.at("/x-kubernetes-group-version-kind/0/kind").asText());
    assertEquals("apps", deployment.at("/x-kubernetes-group-version-kind/0/group").asText());
    assertEquals("#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec", ref(deployment.at("/properties/spec")));
    JsonNode spec = schemas("apis/apps/v1").path("io.k8s.api.apps.v1.DeploymentSpec");
    assertTrue(spec.at("/properties/replicas/description").asText().contains("Number of desired pods"));
    assertEquals("retainKeys", spec.at("/properties/strategy/x-kubernetes-patch-strategy").asText());
    assertTrue(spec.at("/required").toString().contains("selector"));
    JsonNode podSpec = schemas("apis/apps/v1").path("io.k8s.api.core.v1.PodSpec");
    assertEquals("merge", podSpec.at("/properties/containers/x-kubernetes-patch-strategy").asText());
    assertEquals("name", podSpec.at("/properties/containers/x-kubernetes-patch-merge-key").asText());
    assertEquals("map", podSpec.at("/properties/containers/x-kubernetes-list-type").asText());
    JsonNode container = schemas("apis/apps/v1").path("io.k8s.api.core.v1.Container");
    assertEquals("[\"containerPort\",\"protocol\"]", container.at("/properties/ports/x-kubernetes-list-map-keys").toString());
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        ref(deployment.at("/properties/metadata")));
    assertFalse(schemas("apis/apps/v1").path("io.k8s.apimachinery.pkg.util.intstr.IntOrString").isMissingNode());
  }

  @Test
  void everyRefResolvesInItsDocument() {
    for (var doc : docs.documents().values()) {
      JsonNode schemas = doc.json().path("components").path("schemas");
      doc.json().findValues("$ref").stream().filter(JsonNode::isTextual).forEach(ref -> {
        String name = ref.asText().substring("#/components/schemas/".length());
        assertTrue(schemas.has(name), doc.key() + " misses " + name);
      });
    }
  }

  @Test
  void patchOperationsAdvertiseFieldValidation() {
    JsonNode patch = docs.document("apis/apps/v1").orElseThrow().json()
        .path("paths").path("/apis/apps/v1/namespaces/{namespace}/deployments/{name}").path("patch");
    assertEquals("Deployment", patch.at("/x-kubernetes-group-version-kind/kind").asText());
    assertTrue(patch.path("parameters").toString().contains("\"name\":\"fieldValidation\",\"in\":\"query\""));
    JsonNode ns = docs.document("api/v1").orElseThrow().json().path("paths").path("/api/v1/namespaces/{name}");
    assertEquals("Namespace", ns.at("/patch/x-kubernetes-group-version-kind/kind").asText());
  }

  @Test
  void legacyIngressHasServiceNameAndPort() {
    JsonNode schemas = schemas("apis/extensions/v1beta1");
    JsonNode ingress = schemas.path("io.k8s.api.extensions.v1beta1.Ingress");
    assertEquals("v1beta1", ingress.at("/x-kubernetes-group-version-kind/0/version").asText());
    assertTrue(schemas.path("io.k8s.api.extensions.v1beta1.IngressBackend").path("properties").has("serviceName"));
    assertEquals("extensions", schemas.path("io.k8s.api.extensions.v1beta1.Deployment")
        .at("/x-kubernetes-group-version-kind/0/group").asText());
  }

  @Test
  void customResourcesGetAnOpenSchemaAndPaths() {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    registry.register(new io.dekube.core.model.ResourceType("stable.example.com", "v1", "crontabs", "crontab",
        "CronTab", true, java.util.List.of("ct"), java.util.List.of(), java.util.List.of()));
    OpenApiDocuments withCrd = OpenApiDocuments.build(registry);
    JsonNode doc = withCrd.document("apis/stable.example.com/v1").orElseThrow().json();
    JsonNode cronTab = doc.at("/components/schemas/com.example.stable.v1.CronTab");
    assertEquals("CronTab", cronTab.at("/x-kubernetes-group-version-kind/0/kind").asText());
    assertTrue(cronTab.path("x-kubernetes-preserve-unknown-fields").asBoolean());
    assertEquals("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta",
        cronTab.at("/properties/metadata/$ref").asText(), "kube's CRD builder puts the description beside the ref");
    assertTrue(cronTab.at("/properties/metadata/description").asText().startsWith("Standard object's metadata."));
    assertTrue(cronTab.at("/properties/kind/description").asText().endsWith("In CamelCase. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds"));
    assertEquals("CronTab", doc.at("/paths/~1apis~1stable.example.com~1v1~1namespaces~1{namespace}~1crontabs~1{name}"
        + "/patch/x-kubernetes-group-version-kind/kind").asText());
  }

  @Test
  void coreEventUsesTheCoreModel() {
    assertTrue(schemas("api/v1").has("io.k8s.api.core.v1.Event"));
    assertTrue(schemas("api/v1").has("io.k8s.api.core.v1.Pod"));
  }

  @Test
  void fieldsThatReferenceATypeCarryKubesDescriptionBesideAnAllOf() {
    JsonNode apps = schemas("apis/apps/v1");
    JsonNode affinity = apps.at("/io.k8s.api.core.v1.PodSpec/properties/affinity");
    assertEquals("If specified, the pod's scheduling constraints", affinity.path("description").asText());
    assertEquals("#/components/schemas/io.k8s.api.core.v1.Affinity", affinity.at("/allOf/0/$ref").asText());
    assertEquals("Specifies the DNS parameters of a pod. Parameters specified here will be merged to the generated DNS "
        + "configuration based on DNSPolicy.", apps.at("/io.k8s.api.core.v1.PodSpec/properties/dnsConfig/description")
        .asText());
    assertEquals("Template describes the pods that will be created. The only allowed template.spec.restartPolicy "
        + "value is \"Always\".", apps.at("/io.k8s.api.apps.v1.DeploymentSpec/properties/template/description")
        .asText());
    JsonNode pod = schemas("api/v1").path("io.k8s.api.core.v1.Pod");
    assertEquals("Specification of the desired behavior of the pod. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
        pod.at("/properties/spec/description").asText());
    assertEquals("Standard object's metadata. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata",
        pod.at("/properties/metadata/description").asText());
    assertTrue(pod.at("/properties/status/description").asText().startsWith("Most recently observed status of the pod."));
    assertTrue(schemas("api/v1").at("/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta/description").asText()
        .startsWith("ObjectMeta is metadata that all persisted resources must have"));
    assertTrue(schemas("api/v1").at("/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta/properties/creationTimestamp"
        + "/description").asText().startsWith("CreationTimestamp is a timestamp representing the server time"));
  }

  @Test
  void eventsV1HasTheWordsOfItsOwnFields() {
    JsonNode event = schemas("apis/events.k8s.io/v1").path("io.k8s.api.events.v1.Event");
    assertTrue(event.at("/properties/regarding/description").asText().startsWith("regarding contains the object this "
        + "Event is about."), event.toString());
    assertTrue(event.at("/properties/note/description").asText().startsWith("note is a human-readable description"));
    assertTrue(event.path("description").asText().startsWith("Event is a report of an event somewhere in the cluster. "
        + "It generally denotes some state change in the system."));
  }

  @Test
  void multiParagraphDescriptionsKeepKubesNewlinesAndEnumValues() {
    JsonNode podSpec = schemas("api/v1").path("io.k8s.api.core.v1.PodSpec");
    JsonNode dnsPolicy = podSpec.at("/properties/dnsPolicy");
    assertEquals("[\"ClusterFirst\",\"ClusterFirstWithHostNet\",\"Default\",\"None\"]",
        dnsPolicy.path("enum").toString());
    assertTrue(dnsPolicy.path("description").asText().contains("'ClusterFirstWithHostNet'.\n\nPossible enum values:\n"
        + " - `\"ClusterFirst\"` indicates that the pod should use cluster DNS first"), dnsPolicy.toString());
    assertTrue(podSpec.at("/properties/securityContext/description").asText().contains("Optional: Defaults to empty.  "
        + "See type description"));
    assertTrue(schemas("api/v1").at("/io.k8s.api.core.v1.ServiceSpec/properties/type/enum").toString()
        .contains("LoadBalancer"));
    JsonNode intOrString = schemas("apis/apps/v1").path("io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assertFalse(intOrString.has("type"), "kube's v3 has a oneOf, so kubectl explain prints <IntOrString>");
    assertEquals("[{\"type\":\"integer\"},{\"type\":\"string\"}]", intOrString.path("oneOf").toString());
    JsonNode quantity = schemas("api/v1").path("io.k8s.apimachinery.pkg.api.resource.Quantity");
    assertTrue(quantity.path("description").asText().contains("accessors.\n\nThe serialization format is:\n\n``` "
        + "<quantity>"), quantity.toString());
    assertEquals("[{\"type\":\"string\"},{\"type\":\"number\"}]", quantity.path("oneOf").toString());
    assertTrue(schemas("apis/apps/v1").at("/io.k8s.api.apps.v1.RollingUpdateDeployment/properties/maxSurge/description")
        .asText().startsWith("The maximum number of pods that can be scheduled above the desired number of pods."));
  }
}
