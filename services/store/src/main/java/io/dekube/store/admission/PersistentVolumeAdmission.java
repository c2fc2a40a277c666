package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Set;

/**
 * v1 PersistentVolumes as kube's registry checks them: capacity (storage only, above zero), access
 * modes, exactly one volume source (a {@code local} one with node affinity), a known reclaim policy
 * (default Retain) and volume mode (default Filesystem); the source never changes. A new volume's
 * status is {@code Pending}.
 */
final class PersistentVolumeAdmission implements KindAdmission {

  static final List<String> RECLAIM = List.of("Delete", "Recycle", "Retain");
  /** The volume sources of a PersistentVolumeSpec (the fields that are not its other settings). */
  static final Set<String> NOT_SOURCES = Set.of("accessModes", "capacity", "claimRef", "mountOptions", "nodeAffinity",
      "persistentVolumeReclaimPolicy", "storageClassName", "volumeMode", "volumeAttributesClassName");

  @Override
  public void defaults(ObjectNode pv, ObjectNode old) {
    ObjectNode spec = Nodes.obj(pv, "spec");
    Nodes.defaultText(spec, "persistentVolumeReclaimPolicy", "Retain");
    Nodes.defaultText(spec, "volumeMode", "Filesystem");
    DisabledFields.volumeSpec(spec, old == null ? null : old.path("spec"));
    CanonicalQuantities.list(spec.get("capacity"));
    if (old == null) {
      pv.putObject("status").put("phase", "Pending");
      PersistentVolumeClaimAdmission.protect(pv, "kubernetes.io/pv-protection");
    }
  }

  @Override
  public void validate(ObjectNode pv, ObjectNode old, FieldErrors errs) {
    JsonNode spec = pv.path("spec");
    JsonNode modes = spec.path("accessModes");
    if (modes.isEmpty()) {
      errs.required("spec.accessModes");
    }
    StorageFields.accessModes(modes, "spec.accessModes", errs);
    JsonNode capacity = spec.path("capacity");
    if (capacity.isEmpty()) {
      errs.required("spec.capacity");
    }
    if (capacity.isMissingNode() || capacity.isNull()) {
      errs.add("FieldValueNotSupported", "spec.capacity",
          "Unsupported value: core.ResourceList(nil): supported values: \"storage\"");
    } else if (!capacity.has("storage") || capacity.size() > 1) {
      errs.notSupported("spec.capacity", capacity, List.of("storage"));
    }
    capacity.properties().forEach(e -> StorageFields.positive(e.getValue(), "spec.capacity[" + e.getKey() + "]", errs));
    JsonNode policy = spec.get("persistentVolumeReclaimPolicy");
    if (policy != null && !RECLAIM.contains(policy.asText())) {
      errs.notSupported("spec.persistentVolumeReclaimPolicy", policy, RECLAIM);
    }
    sources(spec, errs);
    StorageFields.className(spec.get("storageClassName"), "spec.storageClassName", errs);
    StorageFields.volumeMode(spec.get("volumeMode"), "spec.volumeMode", errs);
    if (old != null && !source(old.path("spec")).equals(source(spec))) {
      errs.forbidden("spec.persistentvolumesource", "spec.persistentvolumesource is immutable after creation");
    }
  }

  private static void sources(JsonNode spec, FieldErrors errs) {
    int count = 0;
    for (String field : (Iterable<String>) () -> spec.fieldNames()) {
      if (NOT_SOURCES.contains(field) || spec.get(field).isNull()) {
        continue;
      }
      if (count++ > 0) {
        errs.forbidden("spec." + field, "may not specify more than 1 volume type");
      }
    }
    if (count == 0) {
      errs.required("spec", "must specify a volume type");
    }
    if (spec.has("hostPath") && Nodes.text(spec.get("hostPath"), "path").isEmpty()) {
      errs.required("spec.hostPath.path");
    }
    if (spec.has("local")) {
      if (Nodes.text(spec.get("local"), "path").isEmpty()) {
        errs.required("spec.local.path");
      }
      if (!spec.has("nodeAffinity")) {
        errs.required("spec.nodeAffinity", "Local volume requires node affinity");
      }
    }
  }

  /** The volume source fields of a spec. */
  private static ObjectNode source(JsonNode spec) {
    ObjectNode s = io.dekube.core.model.Json.object();
    spec.properties().stream().filter(e -> !NOT_SOURCES.contains(e.getKey())).forEach(e -> s.set(e.getKey(), e.getValue()));
    return s;
  }
}
