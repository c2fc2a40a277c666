package io.dekube.controllermanager.persistentvolume;

import io.fabric8.kubernetes.api.model.PersistentVolumeBuilder;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.storage.StorageClassBuilder;
import java.util.List;
import java.util.Map;

/** Builders of claims, volumes and classes for the storage controllers' tests. */
public final class StorageObjects {

  private StorageObjects() {
  }

  public static PersistentVolumeClaimBuilder claim(String name, String size, String className, String... modes) {
    return new PersistentVolumeClaimBuilder()
        .withNewMetadata().withName(name).withNamespace("d").withUid("uid-" + name).endMetadata()
        .withNewSpec().withAccessModes(modes.length == 0 ? List.of("ReadWriteOnce") : List.of(modes))
        .withNewResources().withRequests(Map.of("storage", new Quantity(size))).endResources()
        .withStorageClassName(className).withVolumeMode("Filesystem").endSpec()
        .withNewStatus().withPhase("Pending").endStatus();
  }

  public static PersistentVolumeBuilder volume(String name, String size, String className, String phase, String... modes) {
    return new PersistentVolumeBuilder()
        .withNewMetadata().withName(name).withUid("uid-" + name).endMetadata()
        .withNewSpec().withCapacity(Map.of("storage", new Quantity(size)))
        .withAccessModes(modes.length == 0 ? List.of("ReadWriteOnce") : List.of(modes))
        .withStorageClassName(className).withVolumeMode("Filesystem").withPersistentVolumeReclaimPolicy("Retain")
        .withNewHostPath("/tmp/" + name, null).endSpec()
        .withNewStatus().withPhase(phase).endStatus();
  }

  public static StorageClassBuilder storageClass(String name, String provisioner, String mode) {
    return new StorageClassBuilder().withNewMetadata().withName(name).endMetadata().withProvisioner(provisioner)
        .withReclaimPolicy("Delete").withVolumeBindingMode(mode);
  }
}
