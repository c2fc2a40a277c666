package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.ADMISSION;
import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** kube's DefaultIngressClass admission plugin, in the writer's admission of Ingress creates. */
class DefaultIngressClassTest {

  static final String INGRESS = """
      apiVersion: networking.k8s.io/v1
      kind: Ingress
      metadata: {name: web, namespace: x%s}
      spec:%s
        rules: [{host: web.local, http: {paths: [{path: /, pathType: Prefix,
          backend: {service: {name: web, port: {number: 80}}}}]}}]
      """;

  static JsonNode ingressClass(String name, boolean isDefault, String created) {
    return yaml("""
        apiVersion: networking.k8s.io/v1
        kind: IngressClass
        metadata:
          name: %s
          creationTimestamp: "%s"
          annotations: {ingressclass.kubernetes.io/is-default-class: "%s"}
        spec: {controller: example.com/x}
        """.formatted(name, created, isDefault));
  }

  @AfterEach
  void forgetClasses() {
    KubernetesAdmission.ingressClasses(List::of);
  }

  @Test
  void aNewIngressWithoutAClassGetsTheDefaultOne() {
    KubernetesAdmission.ingressClasses(() -> List.of(ingressClass("other", false, "2026-01-01T00:00:00Z"),
        ingressClass("dekube", true, "2026-01-01T00:00:00Z")));
    assertEquals("dekube", create("ingresses.networking.k8s.io", INGRESS.formatted("", "")).path("spec").path("ingressClassName")
        .asText());
  }

  @Test
  void ofSeveralDefaultsTheNewestWins() {
    KubernetesAdmission.ingressClasses(() -> List.of(ingressClass("old", true, "2025-01-01T00:00:00Z"),
        ingressClass("new", true, "2026-01-01T00:00:00Z")));
    assertEquals("new", create("ingresses.networking.k8s.io", INGRESS.formatted("", "")).path("spec").path("ingressClassName")
        .asText());
  }

  @Test
  void aClassNamedOrAnnotatedOrNoDefaultIsLeftAsItIs() {
    KubernetesAdmission.ingressClasses(() -> List.of(ingressClass("dekube", true, "2026-01-01T00:00:00Z")));
    assertEquals("mine", create("ingresses.networking.k8s.io", INGRESS.formatted("", "\n  ingressClassName: mine"))
        .path("spec").path("ingressClassName").asText());
    ObjectNode annotated = create("ingresses.networking.k8s.io",
        INGRESS.formatted(", annotations: {kubernetes.io/ingress.class: nginx}", ""));
    assertFalse(annotated.path("spec").has("ingressClassName"), annotated.toString());
    KubernetesAdmission.ingressClasses(() -> List.of(ingressClass("dekube", false, "2026-01-01T00:00:00Z")));
    assertFalse(create("ingresses.networking.k8s.io", INGRESS.formatted("", "")).path("spec").has("ingressClassName"));
  }

  @Test
  void anUpdateKeepsAnIngressWithoutAClassAsItIs() {
    ObjectNode stored = create("ingresses.networking.k8s.io", INGRESS.formatted("", ""));
    KubernetesAdmission.ingressClasses(() -> List.of(ingressClass("dekube", true, "2026-01-01T00:00:00Z")));
    ObjectNode updated = ADMISSION.admit(type("ingresses.networking.k8s.io"), Verb.UPDATE, stored.deepCopy(), stored);
    assertFalse(updated.path("spec").has("ingressClassName"), updated.toString());
  }
}
