package io.dekube.apiserver.openapi.v2;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import io.dekube.apiserver.openapi.OpenApiDocuments;
import io.dekube.core.model.ResourceRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class SwaggerDocumentTest {

  static ObjectNode swagger;

  @BeforeAll
  static void build() {
    swagger = SwaggerDocument.of(OpenApiDocuments.build(ResourceRegistry.builtIn()));
  }

  @Test
  void definitionsComeFromTheV3ModelWithV2Refs() {
    JsonNode deployment = swagger.at("/definitions/io.k8s.api.apps.v1.Deployment");
    assertEquals("Deployment", deployment.at("/x-kubernetes-group-version-kind/0/kind").asText());
    assertEquals("#/definitions/io.k8s.api.apps.v1.DeploymentSpec", deployment.at("/properties/spec/$ref").asText(),
        "allOf around one ref is unwrapped as kube's v2 writes it");
    assertFalse(swagger.toString().contains("#/components/schemas/"), "every ref points at definitions");
    assertTrue(swagger.at("/definitions/io.k8s.api.apps.v1beta2.Deployment").isObject(), "legacy versions too");
  }

  @Test
  void descriptionsSitBesideTheRefAndScalarsAreStrings() {
    JsonNode affinity = swagger.at("/definitions/io.k8s.api.core.v1.PodSpec/properties/affinity");
    assertEquals("#/definitions/io.k8s.api.core.v1.Affinity", affinity.path("$ref").asText());
    assertEquals("If specified, the pod's scheduling constraints", affinity.path("description").asText());
    JsonNode intOrString = swagger.at("/definitions/io.k8s.apimachinery.pkg.util.intstr.IntOrString");
    assertEquals("string", intOrString.path("type").asText());
    assertEquals("int-or-string", intOrString.path("format").asText());
    assertFalse(intOrString.has("oneOf"));
    assertEquals("string", swagger.at("/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity/type").asText());
  }

  @Test
  void operationsHaveBodyParameterConsumesAndTheFieldValidationQueryParameter() {
    JsonNode patch = swagger.at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
    assertTrue(patch.path("consumes").toString().contains("application/apply-patch+yaml"), patch.toString());
    assertEquals("body", patch.at("/parameters/0/in").asText());
    assertTrue(patch.path("parameters").toString().contains("\"name\":\"fieldValidation\",\"in\":\"query\""),
        patch.toString());
    assertEquals("Deployment", patch.at("/x-kubernetes-group-version-kind/kind").asText());
    assertEquals("#/definitions/io.k8s.api.apps.v1.Deployment", patch.at("/responses/200/schema/$ref").asText());
  }

  @Test
  void protobufIsGnosticsDocumentMessage() throws Exception {
    UnknownFieldSet doc = UnknownFieldSet.parseFrom(SwaggerProto.encode(swagger));
    assertEquals("2.0", string(doc, 1));
    UnknownFieldSet definitions = UnknownFieldSet.parseFrom(doc.getField(9).getLengthDelimitedList().get(0));
    UnknownFieldSet deployment = named(definitions.getField(1).getLengthDelimitedList(), "io.k8s.api.apps.v1.Deployment")
        .orElseThrow();
    UnknownFieldSet schema = UnknownFieldSet.parseFrom(deployment.getField(2).getLengthDelimitedList().get(0));
    UnknownFieldSet type = UnknownFieldSet.parseFrom(schema.getField(22).getLengthDelimitedList().get(0));
    assertEquals("object", string(type, 1));
    UnknownFieldSet gvk = named(schema.getField(31).getLengthDelimitedList(), "x-kubernetes-group-version-kind")
        .orElseThrow();
    String yaml = string(UnknownFieldSet.parseFrom(gvk.getField(2).getLengthDelimitedList().get(0)), 2);
    assertTrue(yaml.contains("\"kind\":\"Deployment\""), yaml);
    UnknownFieldSet paths = UnknownFieldSet.parseFrom(doc.getField(8).getLengthDelimitedList().get(0));
    assertTrue(named(paths.getField(2).getLengthDelimitedList(), "/api/v1/namespaces/{namespace}/pods").isPresent());
  }

  private static String string(UnknownFieldSet set, int field) {
    return set.getField(field).getLengthDelimitedList().get(0).toString(StandardCharsets.UTF_8);
  }

  private static Optional<UnknownFieldSet> named(List<ByteString> entries, String name) throws Exception {
    for (ByteString e : entries) {
      UnknownFieldSet s = UnknownFieldSet.parseFrom(e);
      if (string(s, 1).equals(name)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }
}
