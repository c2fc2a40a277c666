package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;
import static io.dekube.apiserver.rest.table.Cells.str;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Tables of csidrivers, csinodes, csistoragecapacities and volumeattachments, with kube 1.32's columns. */
final class CsiPrinters {

  private CsiPrinters() {
  }

  static TablePrinter csiDrivers() {
    return TablePrinter.of(List.of(Column.NAME,
        bool("AttachRequired", "attachRequired indicates this CSI volume driver requires an attach operation."),
        bool("PodInfoOnMount", "podInfoOnMount indicates this CSI volume driver requires additional pod information "
            + "(like podName, podUID, etc.) during mount operations."),
        bool("StorageCapacity", "storageCapacity indicates that the CSI volume driver wants pod scheduling to "
            + "consider the storage capacity that the driver deployment will report."),
        Column.string("TokenRequests", "tokenRequests indicates the CSI driver needs pods' service account tokens "
            + "it is mounting volume for to do necessary authentication."),
        bool("RequiresRepublish", "requiresRepublish indicates the CSI driver wants `NodePublishVolume` being "
            + "periodically called to reflect any possible change in the mounted volume."),
        Column.string("Modes", "volumeLifecycleModes defines what kind of volumes this CSI volume driver supports."),
        Column.AGE),
        (d, now) -> {
          JsonNode spec = at(d, "spec");
          List<String> audiences = Cells.each(spec.path("tokenRequests"), "audience");
          List<String> modes = new java.util.ArrayList<>();
          spec.path("volumeLifecycleModes").forEach(m -> modes.add(m.asText()));
          return List.of(name(d), spec.path("attachRequired").asBoolean(true),
              spec.path("podInfoOnMount").asBoolean(false), spec.path("storageCapacity").asBoolean(false),
              audiences.isEmpty() ? "<unset>" : String.join(",", audiences),
              spec.path("requiresRepublish").asBoolean(false),
              modes.isEmpty() ? "<none>" : String.join(",", modes), age(d, now));
        });
  }

  static TablePrinter csiNodes() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Drivers", "Drivers indicates the number of CSI drivers registered on the node"), Column.AGE),
        (n, now) -> List.of(name(n), (long) at(n, "spec", "drivers").size(), age(n, now)));
  }

  static TablePrinter csiStorageCapacities() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("StorageClassName", "storageClassName represents the name of the StorageClass that the "
            + "reported capacity applies to."),
        Column.string("Capacity", "capacity is the value reported by the CSI driver in its GetCapacityResponse for "
            + "a GetCapacityRequest with topology and parameters that match the previous fields.")),
        (c, now) -> {
          String capacity = str(c, "capacity");
          return List.of(name(c), str(c, "storageClassName"), capacity.isEmpty() ? "<unset>" : capacity);
        });
  }

  static TablePrinter volumeAttachments() {
    return TablePrinter.of(List.of(Column.NAME,
        new Column("Attacher", "string", "name", "attacher indicates the name of the volume driver that MUST handle "
            + "this request. This is the name returned by GetPluginName().", 0),
        Column.string("PV", "persistentVolumeName represents the name of the persistent volume to attach."),
        Column.string("Node", "nodeName represents the node that the volume should be attached to."),
        bool("Attached", "attached indicates the volume is successfully attached. This field must only be set by the "
            + "entity completing the attach operation, i.e. the external-attacher."),
        Column.AGE),
        (v, now) -> List.of(name(v), str(v, "spec", "attacher"), str(v, "spec", "source", "persistentVolumeName"),
            str(v, "spec", "nodeName"), at(v, "status", "attached").asBoolean(false), age(v, now)));
  }

  private static Column bool(String name, String description) {
    return new Column(name, "boolean", "", description, 0);
  }
}
