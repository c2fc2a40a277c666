package io.dekube.store.admission;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.model.StatusException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kube's validation of a pod's volumes and mounts: subPath and subPathExpr, generic ephemeral volumes. */
class PodVolumeValidationTest {

  private static String pod(String mount, String volume) {
    return "apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: d}\nspec:\n"
        + "  containers: [{name: c, image: busybox, volumeMounts: [{name: v, mountPath: /data" + mount + "}]}]\n"
        + "  volumes: [{name: v, " + volume + "}]\n";
  }

  /** (the mount's extra fields, the 422 message, empty when admitted). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      ", subPathExpr: $(POD_NAME)|",
      ", subPath: logs|",
      ", subPath: a, subPathExpr: $(POD_NAME)|spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: "
          + "\"$(POD_NAME)\": subPathExpr and subPath are mutually exclusive",
      ", subPathExpr: /$(POD_NAME)|spec.containers[0].volumeMounts.subPathExpr: Invalid value: \"/$(POD_NAME)\": "
          + "must be a relative path",
      ", subPath: ../x|spec.containers[0].volumeMounts.subPath: Invalid value: \"../x\": must not contain '..'"})
  void subPathExprIsARelativePathAndExcludesSubPath(String mount, String message) {
    check(pod(mount, "emptyDir: {}"), message);
  }

  static void check(String yaml, String message) {
    if (message == null) {
      KubernetesAdmissionTest.create("pods", yaml);
      return;
    }
    StatusException e = assertThrows(StatusException.class, () -> KubernetesAdmissionTest.create("pods", yaml));
    assertEquals(422, e.code());
    assertEquals("Pod \"p\" is invalid: " + message, e.getMessage());
  }
}
