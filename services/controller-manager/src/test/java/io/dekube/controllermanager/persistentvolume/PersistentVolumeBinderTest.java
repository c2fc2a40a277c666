package io.dekube.controllermanager.persistentvolume;

import static io.dekube.controllermanager.persistentvolume.StorageObjects.claim;
import static io.dekube.controllermanager.persistentvolume.StorageObjects.storageClass;
import static io.dekube.controllermanager.persistentvolume.StorageObjects.volume;
import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** kube's PersistentVolume controller: binding claims to volumes, phases, and what happens when a claim goes. */
class PersistentVolumeBinderTest {

  private final Fake fake = new Fake();
  private final ResourceType claims = fake.store.type("persistentvolumeclaims");
  private final ResourceType volumes = fake.store.type("persistentvolumes");
  private final ResourceType classes = fake.store.type("storageclasses.storage.k8s.io");
  private final ClaimBinder binder = new ClaimBinder(fake.ctx);
  private final VolumeReclaimer reclaimer = new VolumeReclaimer(fake.ctx);

  /** (case, volumes as name:size:class:modes, claim size, claim class, claim modes, the volume bound or ""). */
  static Stream<Arguments> matching() {
    return Stream.of(
        Arguments.of("the smallest that holds the request", List.of("big:10Gi:slow:RWO", "small:2Gi:slow:RWO",
            "tiny:500Mi:slow:RWO"), "1Gi", "slow", "RWO", "small"),
        Arguments.of("same class only", List.of("a:10Gi:fast:RWO"), "1Gi", "slow", "RWO", ""),
        Arguments.of("no class matches no class", List.of("a:10Gi::RWO", "b:5Gi:slow:RWO"), "1Gi", "", "RWO", "a"),
        Arguments.of("every access mode asked for", List.of("a:10Gi:slow:RWO", "b:20Gi:slow:RWO,RWX"), "1Gi", "slow",
            "RWX", "b"),
        Arguments.of("too small", List.of("a:500Mi:slow:RWO"), "1Gi", "slow", "RWO", ""));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void matching(String name, List<String> pvs, String size, String className, String modes, String expected) {
    fake.store.put(classes, storageClass("slow", "example.com/none", "Immediate").build());
    for (String pv : pvs) {
      String[] f = pv.split(":");
      fake.store.put(volumes, volume(f[0], f[1], f[2], "Available", modes(f[3])).build());
    }
    fake.store.put(claims, claim("data", size, className, modes(modes)).build());
    done(binder.sync(new ObjectKey("d", "data")));
    ObjectNode pvc = fake.store.object(claims, "d", "data");
    assertEquals(expected, pvc.path("spec").path("volumeName").asText());
    assertEquals(expected.isEmpty() ? "Pending" : "Bound", pvc.path("status").path("phase").asText());
    if (!expected.isEmpty()) {
      ObjectNode pv = fake.store.object(volumes, "", expected);
      assertEquals("uid-data", pv.path("spec").path("claimRef").path("uid").asText());
      assertEquals("Bound", pv.path("status").path("phase").asText());
      assertEquals("yes", pvc.path("metadata").path("annotations").path(Volumes.BIND_COMPLETED).asText());
      assertEquals(pv.path("spec").path("capacity"), pvc.path("status").path("capacity"));
    }
  }

  private static String[] modes(String shortModes) {
    return Stream.of(shortModes.split(",")).map(m -> switch (m) {
      case "RWX" -> "ReadWriteMany";
      case "ROX" -> "ReadOnlyMany";
      default -> "ReadWriteOnce";
    }).toArray(String[]::new);
  }

  @Test
  void aWaitForFirstConsumerClaimWaitsForAPodThenForItsProvisioner() {
    fake.store.put(classes, storageClass("standard", "dekube.io/local-path", "WaitForFirstConsumer").build());
    fake.store.put(volumes, volume("static", "10Gi", "standard", "Available").build());
    fake.store.put(claims, claim("data", "1Gi", "standard").build());
    done(binder.sync(new ObjectKey("d", "data")));
    assertEquals(List.of("WaitForFirstConsumer: waiting for first consumer to be created before binding"),
        fake.eventReasons());
    assertEquals("", fake.store.object(claims, "d", "data").path("spec").path("volumeName").asText());

    ObjectNode chosen = fake.store.object(claims, "d", "data").deepCopy();
    chosen.with("metadata").with("annotations").put(Volumes.SELECTED_NODE, "n1");
    fake.store.put(claims, chosen);
    done(binder.sync(new ObjectKey("d", "data")));
    assertEquals("dekube.io/local-path", fake.store.object(claims, "d", "data").path("metadata").path("annotations")
        .path(Volumes.STORAGE_PROVISIONER).asText());
    assertTrue(fake.eventReasons().get(1).startsWith("ExternalProvisioning: Waiting for a volume to be created either "
        + "by the external provisioner 'dekube.io/local-path'"), fake.eventReasons().toString());
  }

  @Test
  void aClaimWithoutClassOrVolumeSaysSo() {
    fake.store.put(claims, claim("data", "1Gi", "").build());
    fake.store.put(claims, claim("other", "1Gi", "gone").build());
    done(binder.sync(new ObjectKey("d", "data")));
    done(binder.sync(new ObjectKey("d", "other")));
    assertEquals(List.of("FailedBinding: no persistent volumes available for this claim and no storage class is set",
        "ProvisioningFailed: storageclass.storage.k8s.io \"gone\" not found"), fake.eventReasons());
  }

  /** (reclaim policy, provisioned by, the volume's phase after its claim is deleted, still there). */
  @ParameterizedTest(name = "{0} {1}")
  @org.junit.jupiter.params.provider.CsvSource({
      "Retain, , Released, true",
      "Delete, dekube.io/local-path, Released, true",
      "Delete, , Failed, true",
      "Recycle, , Failed, true"})
  void aVolumeWhoseClaimGoesIsReleasedThenReclaimed(String policy, String provisionedBy, String phase, boolean kept) {
    var pv = volume("pv1", "1Gi", "", "Available").editSpec().withPersistentVolumeReclaimPolicy(policy).endSpec();
    if (provisionedBy != null) {
      pv.editMetadata().addToAnnotations(Volumes.PROVISIONED_BY, provisionedBy).endMetadata();
    }
    fake.store.put(volumes, pv.build());
    fake.store.put(claims, claim("data", "1Gi", "").build());
    done(binder.sync(new ObjectKey("d", "data")));
    done(reclaimer.sync(new ObjectKey("", "pv1")));
    assertEquals("Bound", fake.store.object(volumes, "", "pv1").path("status").path("phase").asText());
    fake.store.delete(claims, "d", "data", io.dekube.core.store.WriteOptions.none());
    done(reclaimer.sync(new ObjectKey("", "pv1")));
    assertEquals(phase, fake.store.object(volumes, "", "pv1").path("status").path("phase").asText());
  }

  @Test
  void aBoundClaimWhoseVolumeIsGoneIsLost() {
    fake.store.put(claims, claim("data", "1Gi", "").editSpec().withVolumeName("pv1").endSpec().editStatus()
        .withPhase("Bound").endStatus().build());
    done(binder.sync(new ObjectKey("d", "data")));
    assertEquals("Lost", fake.store.object(claims, "d", "data").path("status").path("phase").asText());
    assertEquals(List.of("ClaimLost: Bound claim has lost its PersistentVolume. Data on the volume is lost!"),
        fake.eventReasons());
  }

  @Test
  void aNewVolumeIsAvailable() {
    fake.store.put(volumes, volume("pv1", "1Gi", "", "Pending").build());
    done(reclaimer.sync(new ObjectKey("", "pv1")));
    assertEquals("Available", fake.store.object(volumes, "", "pv1").path("status").path("phase").asText());
  }
}
