package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;
import static io.dekube.apiserver.rest.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Tables of persistentvolumes, persistentvolumeclaims and storageclasses, with kube's columns. */
final class StoragePrinters {

  private static final Column VOLUME_MODE = Column.wide("VolumeMode", "volumeMode defines if a volume is intended "
      + "to be used with a formatted filesystem or to remain in raw block state.");
  private static final Column ATTRIBUTES_CLASS = Column.string("VolumeAttributesClass",
      "VolumeAttributesClass of the volume");
  private static final Column ACCESS_MODES = Column.string("Access Modes", "accessModes contains the ways the "
      + "volume can be mounted.");

  private StoragePrinters() {
  }

  static TablePrinter persistentVolumes() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Capacity", "capacity is the description of the persistent volume's resources and capacity."),
        ACCESS_MODES,
        Column.string("Reclaim Policy", "persistentVolumeReclaimPolicy defines what happens to a persistent volume "
            + "when released from its claim: Retain, Delete or Recycle."),
        Column.string("Status", "phase indicates if a volume is available, bound to a claim, or released by a claim."),
        Column.string("Claim", "claimRef is part of a bi-directional binding between PersistentVolume and "
            + "PersistentVolumeClaim."),
        Column.string("StorageClass", "StorageClass of the pv"),
        ATTRIBUTES_CLASS,
        Column.string("Reason", "reason is a brief CamelCase string that describes any failure."),
        Column.AGE, VOLUME_MODE),
        (pv, now) -> {
          JsonNode ref = at(pv, "spec", "claimRef");
          String claim = ref.isObject() ? str(ref, "namespace") + "/" + str(ref, "name") : "";
          return List.of(name(pv), str(pv, "spec", "capacity", "storage"), accessModes(at(pv, "spec", "accessModes")),
              str(pv, "spec", "persistentVolumeReclaimPolicy"), phase(pv), claim, storageClass(pv),
              unset(str(pv, "spec", "volumeAttributesClassName")), str(pv, "status", "reason"), age(pv, now),
              unset(str(pv, "spec", "volumeMode")));
        });
  }

  static TablePrinter persistentVolumeClaims() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Status", "phase represents the current phase of PersistentVolumeClaim."),
        Column.string("Volume", "volumeName is the binding reference to the PersistentVolume backing this claim."),
        Column.string("Capacity", "capacity represents the actual resources of the underlying volume."),
        ACCESS_MODES,
        Column.string("StorageClass", "StorageClass of the pvc"),
        ATTRIBUTES_CLASS, Column.AGE, VOLUME_MODE),
        (pvc, now) -> {
          String volume = str(pvc, "spec", "volumeName");
          boolean bound = !volume.isEmpty();
          return List.of(name(pvc), phase(pvc), volume, bound ? str(pvc, "status", "capacity", "storage") : "",
              bound ? accessModes(at(pvc, "status", "accessModes")) : "", storageClass(pvc),
              unset(str(pvc, "spec", "volumeAttributesClassName")), age(pvc, now), unset(str(pvc, "spec", "volumeMode")));
        });
  }

  static TablePrinter storageClasses() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Provisioner", "provisioner indicates the type of the provisioner."),
        Column.string("ReclaimPolicy", "reclaimPolicy controls the reclaimPolicy for dynamically provisioned "
            + "PersistentVolumes of this storage class."),
        Column.string("VolumeBindingMode", "volumeBindingMode indicates how PersistentVolumeClaims should be "
            + "provisioned and bound."),
        new Column("AllowVolumeExpansion", "string", "", "allowVolumeExpansion shows whether the storage class allows "
            + "volume expand.", 0),
        Column.AGE),
        (sc, now) -> {
          String reclaim = str(sc, "reclaimPolicy");
          String mode = str(sc, "volumeBindingMode");
          return List.of(name(sc) + (isDefault(sc) ? " (default)" : ""), str(sc, "provisioner"),
              reclaim.isEmpty() ? "Delete" : reclaim, mode.isEmpty() ? "Immediate" : mode,
              String.valueOf(at(sc, "allowVolumeExpansion").asBoolean(false)), age(sc, now));
        });
  }

  /** kube's short access modes: RWO, ROX, RWX, RWOP, in that order. */
  static String accessModes(JsonNode modes) {
    List<String> given = new ArrayList<>();
    modes.forEach(m -> given.add(m.asText()));
    List<String> out = new ArrayList<>();
    String[][] shortNames = {{"ReadWriteOnce", "RWO"}, {"ReadOnlyMany", "ROX"}, {"ReadWriteMany", "RWX"},
        {"ReadWriteOncePod", "RWOP"}};
    for (String[] m : shortNames) {
      if (given.contains(m[0])) {
        out.add(m[1]);
      }
    }
    return String.join(",", out);
  }

  private static String phase(JsonNode o) {
    return at(o, "metadata", "deletionTimestamp").isTextual() ? "Terminating" : str(o, "status", "phase");
  }

  /** The class of a volume or claim: the field, else the beta annotation. */
  private static String storageClass(JsonNode o) {
    String c = str(o, "spec", "storageClassName");
    return c.isEmpty() ? str(o, "metadata", "annotations", "volume.beta.kubernetes.io/storage-class") : c;
  }

  private static boolean isDefault(JsonNode sc) {
    return "true".equals(str(sc, "metadata", "annotations", "storageclass.kubernetes.io/is-default-class"))
        || "true".equals(str(sc, "metadata", "annotations", "storageclass.beta.kubernetes.io/is-default-class"));
  }

  private static String unset(String v) {
    return v.isEmpty() ? "<unset>" : v;
  }
}
