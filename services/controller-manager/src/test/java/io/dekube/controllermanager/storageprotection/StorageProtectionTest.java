package io.dekube.controllermanager.storageprotection;

import static io.dekube.controllermanager.persistentvolume.StorageObjects.claim;
import static io.dekube.controllermanager.persistentvolume.StorageObjects.volume;
import static io.dekube.controllermanager.testing.Fake.done;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.controllermanager.testing.Fake;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** pvc-protection and pv-protection: a claim or volume in use stays Terminating until it is not. */
class StorageProtectionTest {

  private final Fake fake = new Fake();
  private final ResourceType claims = fake.store.type("persistentvolumeclaims");
  private final ResourceType volumes = fake.store.type("persistentvolumes");
  private final ResourceType pods = fake.store.type("pods");

  /** (a pod naming the claim: none | Running | Succeeded, the claim is gone after the sync). */
  @ParameterizedTest(name = "pod {0}")
  @CsvSource({"none, true", "Running, false", "Pending, false", "Succeeded, true"})
  void aClaimGoesOnceNoUnfinishedPodUsesIt(String podPhase, boolean gone) {
    fake.store.put(claims, claim("data", "1Gi", "").editMetadata().addToFinalizers(StorageProtection.PVC_FINALIZER)
        .endMetadata().build());
    if (!podPhase.equals("none")) {
      fake.store.put(pods, new PodBuilder().withNewMetadata().withName("db-0").withNamespace("d").endMetadata()
          .withNewSpec().addNewVolume().withName("data").withNewPersistentVolumeClaim("data", false).endVolume().endSpec()
          .withNewStatus().withPhase(podPhase).endStatus().build());
    }
    fake.store.delete(claims, "d", "data", WriteOptions.none());
    done(StorageProtection.claimSync(fake.ctx).sync(new ObjectKey("d", "data")));
    assertEquals(gone, fake.store.object(claims, "d", "data") == null);
  }

  /** A generic ephemeral volume's claim is in use by the pod it was made for, not by another pod of that name. */
  @ParameterizedTest(name = "owner uid {0}")
  @CsvSource({"pod-uid, false", "other, true"})
  void anEphemeralClaimIsInUseByItsPod(String ownerUid, boolean gone) {
    fake.store.put(claims, claim("web-data", "1Gi", "").editMetadata().addToFinalizers(StorageProtection.PVC_FINALIZER)
        .addNewOwnerReference().withApiVersion("v1").withKind("Pod").withName("web").withUid(ownerUid)
        .withController(true).endOwnerReference().endMetadata().build());
    fake.store.put(pods, new PodBuilder().withNewMetadata().withName("web").withNamespace("d").withUid("pod-uid")
        .endMetadata().withNewSpec().addNewVolume().withName("data").withNewEphemeral().withNewVolumeClaimTemplate()
        .withNewSpec().endSpec().endVolumeClaimTemplate().endEphemeral().endVolume().endSpec()
        .withNewStatus().withPhase("Running").endStatus().build());
    fake.store.delete(claims, "d", "web-data", WriteOptions.none());
    done(StorageProtection.claimSync(fake.ctx).sync(new ObjectKey("d", "web-data")));
    assertEquals(gone, fake.store.object(claims, "d", "web-data") == null);
  }

  /** (the volume's phase, it is gone after the sync). */
  @ParameterizedTest(name = "{0}")
  @CsvSource({"Bound, false", "Released, true", "Available, true"})
  void aVolumeGoesOnceItIsNotBound(String phase, boolean gone) {
    fake.store.put(volumes, volume("pv1", "1Gi", "", phase).editMetadata()
        .addToFinalizers(StorageProtection.PV_FINALIZER).endMetadata().build());
    fake.store.delete(volumes, "", "pv1", WriteOptions.none());
    done(StorageProtection.volumeSync(fake.ctx).sync(new ObjectKey("", "pv1")));
    assertEquals(gone, fake.store.object(volumes, "", "pv1") == null);
  }
}
