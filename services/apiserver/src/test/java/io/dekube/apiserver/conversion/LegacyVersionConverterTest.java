package io.dekube.apiserver.conversion;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import org.junit.jupiter.api.Test;

class LegacyVersionConverterTest {

  static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  static final LegacyVersionConverter CONVERTER = new LegacyVersionConverter(REGISTRY);

  static ObjectNode yaml(String s) throws Exception {
    return (ObjectNode) Json.YAML.readTree(s);
  }

  @Test
  void resolvesOldGroupVersionsToStoredResources() {
    assertEquals("ingresses.networking.k8s.io",
        CONVERTER.resolve("extensions", "v1beta1", "ingresses").orElseThrow().resourceName());
    assertEquals("statefulsets.apps", CONVERTER.resolve("apps", "v1beta2", "statefulsets").orElseThrow().resourceName());
    assertTrue(CONVERTER.resolve("apps", "v1", "deployments").isEmpty());
    assertTrue(CONVERTER.resolve("extensions", "v1beta1", "networkpolicies").isEmpty());
  }

  @Test
  void convertsBothWaysAndLeavesStoredVersionsAlone() throws Exception {
    ResourceType ingresses = REGISTRY.byResourceName("ingresses.networking.k8s.io").orElseThrow();
    ObjectNode old = yaml("{apiVersion: extensions/v1beta1, kind: Ingress, metadata: {name: i}, "
        + "spec: {backend: {serviceName: web, servicePort: 80}}}");
    ObjectNode stored = CONVERTER.toStored(ingresses, "extensions/v1beta1", old);
    assertEquals("networking.k8s.io/v1", stored.path("apiVersion").asText());
    assertEquals(80, stored.at("/spec/defaultBackend/service/port/number").asInt());
    assertEquals(old, CONVERTER.fromStored(ingresses, "extensions/v1beta1", stored));
    assertSame(stored, CONVERTER.fromStored(ingresses, "networking.k8s.io/v1", stored));
    assertSame(stored, CONVERTER.toStored(ingresses, "networking.k8s.io/v1", stored));
  }
}
