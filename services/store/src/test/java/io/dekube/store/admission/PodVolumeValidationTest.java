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

  /** (the ephemeral volume source, the 422 message, empty when admitted). */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "ephemeral: {volumeClaimTemplate: {metadata: {labels: {type: fe}}, spec: {accessModes: [ReadWriteOnce], "
          + "resources: {requests: {storage: 1Gi}}}}}|",
      "ephemeral: {}|spec.volumes[0].ephemeral.volumeClaimTemplate: Required value",
      "ephemeral: {volumeClaimTemplate: {spec: {resources: {requests: {storage: 1Gi}}}}}|"
          + "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.accessModes: Required value: at least 1 access mode is required",
      "ephemeral: {volumeClaimTemplate: {spec: {accessModes: [ReadWriteOnce]}}}|"
          + "spec.volumes[0].ephemeral.volumeClaimTemplate.spec.resources[storage]: Required value",
      "ephemeral: {volumeClaimTemplate: {metadata: {labels: {'a b': x}}, spec: {accessModes: [ReadWriteOnce], "
          + "resources: {requests: {storage: 1Gi}}}}}|spec.volumes[0].ephemeral.volumeClaimTemplate.metadata.labels: "
          + "Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start "
          + "and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for "
          + "validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"})
  void anEphemeralVolumeNeedsAValidClaimTemplate(String volume, String message) {
    check(pod("", volume), message);
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
