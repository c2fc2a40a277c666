package io.dekube.store.admission;

import static io.dekube.store.admission.KubernetesAdmissionTest.ADMISSION;
import static io.dekube.store.admission.KubernetesAdmissionTest.create;
import static io.dekube.store.admission.KubernetesAdmissionTest.type;
import static io.dekube.store.admission.KubernetesAdmissionTest.yaml;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.StatusException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** PersistentVolumes, PersistentVolumeClaims, StorageClasses and the DefaultStorageClass admission. */
class StorageAdmissionTest {

  static final String PVC = """
      kind: PersistentVolumeClaim
      metadata: {name: data, namespace: d}
      spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: 1Gi}}%s}
      """;
  static final String PV = """
      kind: PersistentVolume
      metadata: {name: pv1}
      spec: {accessModes: [ReadWriteOnce], capacity: {storage: 1Gi}, hostPath: {path: /tmp/pv1}}
      """;

  static JsonNode storageClass(String name, boolean isDefault, String created) {
    return yaml("""
        apiVersion: storage.k8s.io/v1
        kind: StorageClass
        metadata:
          name: %s
          creationTimestamp: "%s"
          annotations: {storageclass.kubernetes.io/is-default-class: "%s"}
        provisioner: dekube.io/local-path
        """.formatted(name, created, isDefault));
  }

  @AfterEach
  void forgetClasses() {
    KubernetesAdmission.storageClasses(List::of);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "no class given | '' | standard",
      "a class given | ', storageClassName: fast' | fast",
      "the empty class asks for none | ', storageClassName: \"\"' | ''"})
  void aNewClaimWithoutAClassGetsTheDefaultOne(String name, String extra, String expected) {
    KubernetesAdmission.storageClasses(() -> List.of(storageClass("fast", false, "2026-01-01T00:00:00Z"),
        storageClass("standard", true, "2026-01-01T00:00:00Z")));
    ObjectNode pvc = create("persistentvolumeclaims", PVC.formatted(extra));
    assertEquals(expected, pvc.path("spec").path("storageClassName").asText());
    assertEquals("Pending", pvc.path("status").path("phase").asText());
    assertEquals("Filesystem", pvc.path("spec").path("volumeMode").asText());
    assertEquals("[\"kubernetes.io/pvc-protection\"]", pvc.path("metadata").path("finalizers").toString());
  }

  @Test
  void ofSeveralDefaultsTheNewestWinsAndWithoutOneNoClassIsSet() {
    KubernetesAdmission.storageClasses(() -> List.of(storageClass("old", true, "2025-01-01T00:00:00Z"),
        storageClass("new", true, "2026-01-01T00:00:00Z")));
    assertEquals("new", create("persistentvolumeclaims", PVC.formatted("")).path("spec").path("storageClassName").asText());
    KubernetesAdmission.storageClasses(() -> List.of(storageClass("fast", false, "2026-01-01T00:00:00Z")));
    assertFalse(create("persistentvolumeclaims", PVC.formatted("")).path("spec").has("storageClassName"));
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
      "persistentvolumeclaims | kind: PersistentVolumeClaim\\nmetadata: {name: data, namespace: d}\\nspec: {resources: {requests: {storage: 1Gi}}} "
          + "| PersistentVolumeClaim \"data\" is invalid: spec.accessModes: Required value: at least 1 access mode is required",
      "persistentvolumeclaims | kind: PersistentVolumeClaim\\nmetadata: {name: data, namespace: d}\\nspec: {accessModes: [ReadWriteOnce]} "
          + "| PersistentVolumeClaim \"data\" is invalid: spec.resources[storage]: Required value",
      "persistentvolumeclaims | kind: PersistentVolumeClaim\\nmetadata: {name: data, namespace: d}\\nspec: {accessModes: [Sometimes], resources: {requests: {storage: 0}}} "
          + "| PersistentVolumeClaim \"data\" is invalid: [spec.accessModes: Unsupported value: \"Sometimes\": supported values: "
          + "\"ReadOnlyMany\", \"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\", spec.resources[storage]: Invalid value: \"0\": must be greater than zero]",
      "persistentvolumes | kind: PersistentVolume\\nmetadata: {name: pv1}\\nspec: {accessModes: [ReadWriteOnce], capacity: {storage: 1Gi}} "
          + "| PersistentVolume \"pv1\" is invalid: spec: Required value: must specify a volume type",
      "persistentvolumes | kind: PersistentVolume\\nmetadata: {name: pv1}\\nspec: {hostPath: {path: /x}, nfs: {server: s, path: /}} "
          + "| PersistentVolume \"pv1\" is invalid: [spec.accessModes: Required value, spec.capacity: Required value, "
          + "spec.capacity: Unsupported value: core.ResourceList(nil): supported values: \"storage\", spec.nfs: Forbidden: may not specify more than 1 volume type]",
      "persistentvolumes | kind: PersistentVolume\\nmetadata: {name: pv1}\\nspec: {accessModes: [ReadWriteOnce], capacity: {storage: 1Gi}, local: {path: /x}} "
          + "| PersistentVolume \"pv1\" is invalid: spec.nodeAffinity: Required value: Local volume requires node affinity",
      "storageclasses.storage.k8s.io | kind: StorageClass\\nmetadata: {name: s}\\nvolumeBindingMode: Later "
          + "| StorageClass.storage.k8s.io \"s\" is invalid: [provisioner: Required value, volumeBindingMode: Unsupported value: "
          + "\"Later\": supported values: \"Immediate\", \"WaitForFirstConsumer\"]"})
  void invalid(String resource, String input, String message) {
    StatusException e = assertThrows(StatusException.class, () -> create(resource, input.replace("\\n", "\n")));
    assertEquals(422, e.code());
    assertEquals(message, e.getMessage());
  }

  @Test
  void aVolumeAndAClassGetKubesDefaults() {
    ObjectNode pv = create("persistentvolumes", PV);
    assertEquals("Retain", pv.path("spec").path("persistentVolumeReclaimPolicy").asText());
    assertEquals("Pending", pv.path("status").path("phase").asText());
    assertEquals("[\"kubernetes.io/pv-protection\"]", pv.path("metadata").path("finalizers").toString());
    ObjectNode sc = create("storageclasses.storage.k8s.io", "kind: StorageClass\nmetadata: {name: s}\nprovisioner: x.io/y");
    assertEquals("Delete", sc.path("reclaimPolicy").asText());
    assertEquals("Immediate", sc.path("volumeBindingMode").asText());
  }

  @Test
  void aBoundClaimMayOnlyGrowItsRequest() {
    ObjectNode old = create("persistentvolumeclaims", PVC.formatted(", storageClassName: standard"));
    old.with("spec").put("volumeName", "pvc-1");
    old.with("status").put("phase", "Bound");
    ObjectNode grown = old.deepCopy();
    grown.with("spec").with("resources").with("requests").put("storage", "2Gi");
    var classes = PersistentVolumeClaimAdmission.classes;
    try {
      PersistentVolumeClaimAdmission.classes = () -> List.of(yaml("metadata: {name: standard}\nallowVolumeExpansion: false"));
      StatusException refused = assertThrows(StatusException.class, () -> update(grown, old));
      assertEquals(403, refused.code());
      assertEquals("persistentvolumeclaims \"data\" is forbidden: only dynamically provisioned pvc can be resized and "
          + "the storageclass that provisions the pvc must support resize", refused.getMessage());
      PersistentVolumeClaimAdmission.classes = () -> List.of(yaml("metadata: {name: standard}\nallowVolumeExpansion: true"));
      assertEquals("2Gi", update(grown, old).path("spec").path("resources").path("requests").path("storage").asText());
    } finally {
      PersistentVolumeClaimAdmission.classes = classes;
    }
    ObjectNode shrunk = old.deepCopy();
    shrunk.with("spec").with("resources").with("requests").put("storage", "500Mi");
    assertEquals("PersistentVolumeClaim \"data\" is invalid: spec.resources.requests.storage: Forbidden: field can not "
        + "be less than previous value", assertThrows(StatusException.class, () -> update(shrunk, old)).getMessage());
    ObjectNode otherModes = old.deepCopy();
    otherModes.with("spec").putArray("accessModes").add("ReadWriteMany");
    String message = assertThrows(StatusException.class, () -> update(otherModes, old)).getMessage();
    assertTrue(message.startsWith("PersistentVolumeClaim \"data\" is invalid: spec: Forbidden: spec is immutable after "
        + "creation except resources.requests and volumeAttributesClassName for bound claims\n"), message);
    assertTrue(message.contains("-   AccessModes: [\"ReadWriteOnce\"]"), message);
  }

  @Test
  void theBinderMaySetVolumeNameOnceAndAVolumeSourceNeverChanges() {
    ObjectNode old = create("persistentvolumeclaims", PVC.formatted(""));
    ObjectNode bound = old.deepCopy();
    bound.with("spec").put("volumeName", "pv1");
    update(bound, old);
    ObjectNode rebound = bound.deepCopy();
    rebound.with("spec").put("volumeName", "pv2");
    assertThrows(StatusException.class, () -> update(rebound, bound));
    ObjectNode pv = create("persistentvolumes", PV);
    ObjectNode moved = pv.deepCopy();
    moved.with("spec").with("hostPath").put("path", "/elsewhere");
    assertTrue(assertThrows(StatusException.class, () -> ADMISSION.admit(type("persistentvolumes"), Verb.UPDATE, moved, pv))
        .getMessage().contains("spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation"));
  }

  private static ObjectNode update(ObjectNode next, ObjectNode old) {
    return ADMISSION.admit(type("persistentvolumeclaims"), Verb.UPDATE, next.deepCopy(), old);
  }
}
