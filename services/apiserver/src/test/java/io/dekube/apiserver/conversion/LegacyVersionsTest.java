package io.dekube.apiserver.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class LegacyVersionsTest {

  static ObjectNode yaml(String s) {
    try {
      return (ObjectNode) Json.YAML.readTree(s);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  static final String TEMPLATE = "template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web, image: x}]}}";

  /** (legacy object, expected stored object) */
  static Stream<Arguments> toStored() {
    return Stream.of(
        Arguments.of("{apiVersion: extensions/v1beta1, kind: Ingress, metadata: {name: i}, spec: {backend: "
                + "{serviceName: web, servicePort: 80}, rules: [{host: a.b, http: {paths: [{path: /, backend: "
                + "{serviceName: web, servicePort: http}}]}}]}}",
            "{apiVersion: networking.k8s.io/v1, kind: Ingress, metadata: {name: i}, spec: {defaultBackend: "
                + "{service: {name: web, port: {number: 80}}}, rules: [{host: a.b, http: {paths: [{path: /, "
                + "backend: {service: {name: web, port: {name: http}}}, pathType: ImplementationSpecific}]}}]}}"),
        Arguments.of("{apiVersion: apps/v1beta2, kind: Deployment, metadata: {name: d}, spec: {replicas: 2, "
                + "selector: {matchLabels: {app: web}}, " + TEMPLATE + "}}",
            "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {replicas: 2, "
                + "selector: {matchLabels: {app: web}}, " + TEMPLATE + "}}"),
        Arguments.of("{apiVersion: apps/v1beta1, kind: Deployment, metadata: {name: d}, spec: {rollbackTo: "
                + "{revision: 1}, " + TEMPLATE + "}}",
            "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {" + TEMPLATE
                + ", selector: {matchLabels: {app: web}}, revisionHistoryLimit: 2}}"),
        Arguments.of("{apiVersion: extensions/v1beta1, kind: Deployment, metadata: {name: d}, spec: {" + TEMPLATE + "}}",
            "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}, spec: {" + TEMPLATE
                + ", selector: {matchLabels: {app: web}}, revisionHistoryLimit: 2147483647, progressDeadlineSeconds: "
                + "2147483647, strategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 1, maxSurge: 1}}}}"),
        Arguments.of("{apiVersion: extensions/v1beta1, kind: DaemonSet, metadata: {name: d}, spec: {" + TEMPLATE + "}}",
            "{apiVersion: apps/v1, kind: DaemonSet, metadata: {name: d}, spec: {" + TEMPLATE
                + ", selector: {matchLabels: {app: web}}, updateStrategy: {type: OnDelete}}}"),
        Arguments.of("{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}",
            "{apiVersion: apps/v1, kind: Deployment, metadata: {name: d}}"));
  }

  @ParameterizedTest
  @MethodSource
  void toStored(String legacy, String stored) {
    ObjectNode in = yaml(legacy);
    assertEquals(yaml(stored), LegacyVersions.toStored(in));
    assertEquals(yaml(legacy), in, "input unchanged");
  }

  @Test
  void ingressRoundTrips() {
    ObjectNode old = yaml("{apiVersion: extensions/v1beta1, kind: Ingress, metadata: {name: i}, spec: {backend: "
        + "{serviceName: web, servicePort: 80}, rules: [{http: {paths: [{path: /, pathType: Prefix, backend: "
        + "{serviceName: web, servicePort: http}}]}}]}}");
    ObjectNode stored = LegacyVersions.toStored(old);
    assertEquals(old, LegacyVersions.fromStored(stored, "extensions/v1beta1"));
  }

  @Test
  void lookupByGroupVersionPlural() {
    LegacyVersion v = LegacyVersions.lookup("extensions", "v1beta1", "ingresses").orElseThrow();
    assertEquals("networking.k8s.io/v1", v.storedApiVersion());
    assertEquals("ingresses.networking.k8s.io", v.storedResourceName());
    assertEquals("apps/v1", LegacyVersions.lookup("apps", "v1beta2", "deployments").orElseThrow().storedApiVersion());
    assertTrue(LegacyVersions.lookup("apps", "v1", "deployments").isEmpty());
  }

  @Test
  void fromStoredKeepsCurrentVersionsAsIs() {
    ObjectNode d = yaml("{apiVersion: apps/v1, kind: Deployment}");
    assertSame(d, LegacyVersions.fromStored(d, "apps/v1"));
    JsonNode old = LegacyVersions.fromStored(d, "apps/v1beta2");
    assertEquals("apps/v1beta2", old.path("apiVersion").asText());
  }

  @Test
  void the2017ManifestsConvert() throws Exception {
    java.nio.file.Path file = java.nio.file.Path.of("../../k8s-manifests/kube-decon-2017.yaml");
    org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.exists(file));
    var parser = Json.YAML.getFactory().createParser(file.toFile());
    var docs = Json.YAML.readValues(parser, ObjectNode.class).readAll();
    for (ObjectNode doc : docs) {
      ObjectNode stored = LegacyVersions.toStored(doc);
      assertTrue(stored.path("apiVersion").asText().matches("v1|apps/v1|networking.k8s.io/v1"), stored.toString());
      if (stored.path("kind").asText().equals("Ingress")) {
        assertEquals("kube-decon", stored.at("/spec/rules/0/http/paths/0/backend/service/name").asText());
        assertEquals(80, stored.at("/spec/rules/0/http/paths/0/backend/service/port/number").asInt());
        assertEquals("ImplementationSpecific", stored.at("/spec/rules/0/http/paths/0/pathType").asText());
      }
    }
  }
}
