package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

class EphemeralContainersUpdateTest {

  private static final ResourceType PODS = KubernetesAdmissionTest.type("pods");
  private static final String POD = "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n"
      + "  containers: [{name: web, image: dekube/web}]\n";

  private static ObjectNode stored(String ephemerals) {
    ObjectNode pod = KubernetesAdmissionTest.create("pods", POD + (ephemerals.isEmpty() ? ""
        : "  ephemeralContainers: " + ephemerals + "\n"));
    return pod;
  }

  private static ObjectNode wanted(String ephemerals) {
    return KubernetesAdmissionTest.yaml(POD + "  ephemeralContainers: " + ephemerals + "\n");
  }

  @Test
  void onlyTheEphemeralContainersAreTakenAndTheAdmissionSeesNoOtherChange() {
    ObjectNode current = stored("");
    ObjectNode asked = wanted("[{name: dbg, image: busybox, targetContainerName: web, stdin: true, tty: true, "
        + "resources: {}}]");
    ((ObjectNode) asked.get("spec").get("containers").get(0)).put("image", "dekube/echo");
    ObjectNode next = EphemeralContainersUpdate.apply(PODS, current, asked);
    assertEquals("dekube/web", next.at("/spec/containers/0/image").asText());
    assertEquals("dbg", next.at("/spec/ephemeralContainers/0/name").asText());
    ObjectNode admitted = KubernetesAdmissionTest.ADMISSION.admit(PODS, Verb.PATCH, next,
        EphemeralContainersUpdate.admissionOld(current, next));
    assertEquals("Always", admitted.at("/spec/ephemeralContainers/0/imagePullPolicy").asText());
    // the same change through a plain pod update is refused
    assertThrows(StatusException.class, () -> KubernetesAdmissionTest.ADMISSION.admit(PODS, Verb.UPDATE,
        next.deepCopy(), current));
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        Arguments.of("[{name: dbg, image: busybox}]", "[]",
            "spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be removed\n"),
        Arguments.of("[{name: dbg, image: busybox}]", "[{name: dbg, image: dekube/echo}]",
            "spec.ephemeralContainers: Forbidden: existing ephemeral containers \"dbg\" may not be changed\n"),
        Arguments.of("", "[{name: web, image: busybox}]",
            "spec.ephemeralContainers[0].name: Duplicate value: \"web\""),
        Arguments.of("", "[{name: dbg}]", "spec.ephemeralContainers[0].image: Required value"),
        Arguments.of("", "[{name: dbg, image: busybox, ports: [{containerPort: 80}]}]",
            "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container"),
        Arguments.of("", "[{name: dbg, image: busybox, readinessProbe: {tcpSocket: {port: 80}}}]",
            "spec.ephemeralContainers[0].readinessProbe: Forbidden: cannot be set for an Ephemeral Container"),
        Arguments.of("", "[{name: dbg, image: busybox, resources: {limits: {cpu: 1}}}]",
            "spec.ephemeralContainers[0].resources: Forbidden: cannot be set for an Ephemeral Container"),
        Arguments.of("", "[{name: dbg, image: busybox, targetContainerName: nope}]",
            "spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\""));
  }

  @ParameterizedTest
  @MethodSource
  void refused(String before, String after, String message) {
    ObjectNode current = stored(before);
    StatusException e = assertThrows(StatusException.class,
        () -> EphemeralContainersUpdate.apply(PODS, current, wanted(after)));
    assertEquals(422, e.code());
    assertEquals("Pod \"p\" is invalid: " + message, e.getMessage());
  }

  @Test
  void addingASecondOneKeepsTheFirst() {
    ObjectNode current = stored("[{name: dbg, image: busybox}]");
    ObjectNode asked = current.deepCopy();
    ((com.fasterxml.jackson.databind.node.ArrayNode) asked.get("spec").get("ephemeralContainers")).addObject()
        .put("name", "dbg2").put("image", "busybox");
    ObjectNode next = EphemeralContainersUpdate.apply(PODS, current, asked);
    assertEquals(2, next.at("/spec/ephemeralContainers").size());
    assertFalse(next.at("/spec/ephemeralContainers/1").has("ports"));
  }
}
