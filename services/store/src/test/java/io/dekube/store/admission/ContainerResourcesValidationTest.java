package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A container's requests and limits, validated as kube 1.32's ValidateContainerResourceRequirements. */
class ContainerResourcesValidationTest {

  private static ObjectNode pod(String name, String resources) {
    return yaml("apiVersion: v1\nkind: Pod\nmetadata: {name: " + name + ", namespace: d}\nspec:\n  containers:\n"
        + "  - {name: demo, image: nginx, resources: " + resources + "}\n");
  }

  private static String refusal(ObjectNode pod) {
    StatusException e = assertThrows(StatusException.class,
        () -> new KubernetesAdmission().admit(type("pods"), Verb.CREATE, pod, null));
    assertEquals(422, e.code());
    return e.getMessage();
  }

  /** The LimitRange concept page: a default limit below the container's own request is refused, not stored. */
  @Test
  void aDefaultLimitBelowTheRequestIsRefused() {
    KubernetesAdmission.limitRanges(ns -> ns.equals("d") ? List.of(yaml("""
        apiVersion: v1
        kind: LimitRange
        metadata: {name: cpu-resource-constraint, namespace: d}
        spec:
          limits:
          - {type: Container, default: {cpu: 500m}, defaultRequest: {cpu: 500m}, max: {cpu: "1"}, min: {cpu: 100m}}
        """)) : List.of());
    try {
      assertEquals("Pod \"example-conflict-with-limitrange-cpu\" is invalid: spec.containers[0].resources.requests: "
          + "Invalid value: \"700m\": must be less than or equal to cpu limit of 500m",
          refusal(pod("example-conflict-with-limitrange-cpu", "{requests: {cpu: 700m}}")));
    } finally {
      KubernetesAdmission.limitRanges(ns -> List.of());
    }
  }

  @Test
  void requestsAtMostTheirLimits() {
    assertEquals("Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"1536Mi\": must be "
        + "less than or equal to memory limit of 1Gi", refusal(pod("p", "{requests: {memory: 1.5Gi}, limits: {memory: 1Gi}}")));
    new KubernetesAdmission().admit(type("pods"), Verb.CREATE,
        pod("p", "{requests: {cpu: 250m, memory: 1Gi}, limits: {cpu: 500m, memory: 1Gi}}"), null);
  }

  /** Extended resources cannot be overcommitted: a request equals its limit, which must be there, and is whole. */
  @Test
  void extendedResourcesAreWholeAndEqualToTheirLimit() {
    assertEquals("Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to "
        + "example.com/dongle limit of 3", refusal(pod("p", "{requests: {example.com/dongle: 1}, limits: {example.com/dongle: 3}}")));
    assertEquals("Pod \"p\" is invalid: spec.containers[0].resources.limits: Required value: Limit must be set for "
        + "non overcommitable resources", refusal(pod("p", "{requests: {example.com/dongle: 1}}")));
    assertEquals("Pod \"p\" is invalid: [spec.containers[0].resources.limits[example.com/dongle]: Invalid value: "
        + "\"500m\": must be an integer, spec.containers[0].resources.requests[example.com/dongle]: Invalid value: "
        + "\"500m\": must be an integer]", refusal(pod("p", "{limits: {example.com/dongle: 500m}}")));
    // a limit alone is the request too (the pod's defaults)
    ObjectNode ok = new KubernetesAdmission().admit(type("pods"), Verb.CREATE,
        pod("p", "{limits: {example.com/dongle: 3}}"), null);
    assertEquals("3", ok.at("/spec/containers/0/resources/requests/example.com~1dongle").asText());
  }

  @Test
  void namesAndSigns() {
    String gpu = "spec.containers[0].resources.%s[gpu]: Invalid value: \"gpu\": must be a standard resource type or "
        + "fully qualified, spec.containers[0].resources.%s[gpu]: Invalid value: \"gpu\": must be a standard resource "
        + "for containers";
    assertEquals("Pod \"p\" is invalid: [" + gpu.formatted("limits", "limits") + ", "
        + gpu.formatted("requests", "requests") + "]", refusal(pod("p", "{limits: {gpu: 1}}")));
    assertEquals("Pod \"p\" is invalid: spec.containers[0].resources.requests[cpu]: Invalid value: \"-1\": must be "
        + "greater than or equal to 0", refusal(pod("p", "{requests: {cpu: -1}}")));
    String domain = "spec.containers[0].resources.%s[requests.example.com/x]: Invalid value: \"requests.example.com/x\": "
        + "doesn't follow extended resource name standard";
    assertEquals("Pod \"p\" is invalid: [" + domain.formatted("limits") + ", " + domain.formatted("requests") + "]",
        refusal(pod("p", "{limits: {requests.example.com/x: 1}}")));
  }
}
