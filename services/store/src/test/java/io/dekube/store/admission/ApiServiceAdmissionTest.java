package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ApiServiceAdmissionTest {

  private static final String RESOURCE = "apiservices.apiregistration.k8s.io";

  private static ObjectNode apiService(String name, String spec) {
    return KubernetesAdmissionTest.yaml("apiVersion: apiregistration.k8s.io/v1\nkind: APIService\nmetadata: {name: '"
        + name + "'}\nspec: " + spec + "\n");
  }

  private static ObjectNode admit(ObjectNode obj) {
    ObjectNode out = new BasicAdmission().admit(KubernetesAdmissionTest.type(RESOURCE), Verb.CREATE, obj, null);
    return KubernetesAdmissionTest.ADMISSION.admit(KubernetesAdmissionTest.type(RESOURCE), Verb.CREATE, out, null);
  }

  @Test
  void localAndServiceBackedApiServicesAreAcceptedAndThePortDefaultsTo443() {
    assertDoesNotThrow(() -> admit(apiService("v1.", "{version: v1, groupPriorityMinimum: 18000, versionPriority: 1}")));
    ObjectNode metrics = admit(apiService("v1beta1.metrics.k8s.io", "{group: metrics.k8s.io, version: v1beta1, "
        + "service: {namespace: kube-system, name: metrics-server}, insecureSkipTLSVerify: true, "
        + "groupPriorityMinimum: 100, versionPriority: 100}"));
    assertEquals(443, metrics.at("/spec/service/port").asInt());
  }

  /** (name, spec, expected message fragment). */
  static Stream<Arguments> invalid() {
    String ok = "group: wardle.example.com, version: v1alpha1, groupPriorityMinimum: 1000, versionPriority: 15";
    String svc = ", service: {namespace: ns, name: api}";
    return Stream.of(
        Arguments.of("v1.wardle.example.com", "{" + ok + svc + "}",
            "metadata.name: Invalid value: \"v1.wardle.example.com\": must be `spec.version+\".\"+spec.group`: "
                + "\"v1alpha1.wardle.example.com\""),
        Arguments.of("v2.", "{version: v2, groupPriorityMinimum: 1, versionPriority: 1}",
            "spec.group: Required value: only v1 may have an empty group and it better be legacy kube"),
        Arguments.of("v1alpha1.wardle.example.com", "{group: wardle.example.com, version: v1alpha1, "
            + "groupPriorityMinimum: 0, versionPriority: 15}",
            "spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000"),
        Arguments.of("v1alpha1.wardle.example.com", "{group: wardle.example.com, version: v1alpha1, "
            + "groupPriorityMinimum: 1000, versionPriority: 1001}",
            "spec.versionPriority: Invalid value: 1001: must be positive and less than 1000"),
        Arguments.of("v1alpha1.wardle.example.com", "{" + ok + ", insecureSkipTLSVerify: true}",
            "spec.insecureSkipTLSVerify: Invalid value: true: local APIServices may not have insecureSkipTLSVerify"),
        Arguments.of("v1alpha1.wardle.example.com", "{" + ok + ", service: {namespace: ns}}",
            "spec.service.name: Required value"),
        Arguments.of("v1alpha1.wardle.example.com", "{" + ok + ", service: {namespace: ns, name: a, port: 70000}}",
            "spec.service.port: Invalid value: 70000: port is not valid"),
        Arguments.of("v1alpha1.wardle.example.com", "{" + ok + svc + ", insecureSkipTLSVerify: true, caBundle: AAAA}",
            "spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present"),
        Arguments.of("v1.Bad_Group", "{group: Bad_Group, version: v1, groupPriorityMinimum: 1, versionPriority: 1}",
            "spec.group: Invalid value: \"Bad_Group\": a lowercase RFC 1123 subdomain"));
  }

  @ParameterizedTest
  @MethodSource
  void invalid(String name, String spec, String message) {
    StatusException e = assertThrows(StatusException.class, () -> admit(apiService(name, spec)));
    assertEquals(422, e.code());
    assertTrue(e.getMessage().contains(message), e.getMessage());
    assertTrue(e.getMessage().startsWith("APIService.apiregistration.k8s.io \"" + name + "\" is invalid: "),
        e.getMessage());
  }
}
