package io.dekube.metricsserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

class MetricsOpenApiTest {

  private static final String PKG = "io.k8s.metrics.pkg.apis.metrics.v1beta1.";

  @Test
  void theDocumentIsMetricsServersSwaggerWithTheMetricsKinds() {
    ObjectNode doc = MetricsOpenApi.document();
    assertEquals("2.0", doc.path("swagger").asText());
    assertEquals("Kubernetes metrics-server", doc.at("/info/title").asText());
    JsonNode node = doc.path("definitions").path(PKG + "NodeMetrics");
    assertEquals("NodeMetrics sets resource usage metrics of a node.", node.path("description").asText());
    assertEquals("NodeMetrics", node.at("/x-kubernetes-group-version-kind/0/kind").asText());
    assertEquals("metrics.k8s.io", node.at("/x-kubernetes-group-version-kind/0/group").asText());
    assertEquals("#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity",
        node.at("/properties/usage/additionalProperties/$ref").asText());
    JsonNode pod = doc.path("definitions").path(PKG + "PodMetrics");
    assertEquals("#/definitions/" + PKG + "ContainerMetrics", pod.at("/properties/containers/items/$ref").asText());
    assertEquals("list objects of kind PodMetrics",
        doc.at("/paths/~1apis~1metrics.k8s.io~1v1beta1~1namespaces~1{namespace}~1pods/get/description").asText());
  }

  @Test
  void everyReferenceHasItsDefinition() {
    ObjectNode doc = MetricsOpenApi.document();
    for (JsonNode ref : doc.findValues("$ref")) {
      String name = ref.asText().substring("#/definitions/".length());
      assertNotNull(doc.path("definitions").get(name), ref.asText());
    }
    assertTrue(doc.path("definitions").get("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").path("properties")
        .has("managedFields"));
  }
}
