package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * v1 PersistentVolumeClaims as kube's registry checks them (access modes, a positive
 * {@code resources.requests.storage}, class name, volume mode; the spec fixed once created except
 * for {@code volumeName} set once, a class given to a claim that had none, and the requested size of a
 * bound claim, which may only grow), plus kube's DefaultStorageClass admission: a new claim without
 * {@code storageClassName} gets the default StorageClass's name, and its PersistentVolumeClaimResize admission: a
 * request grows only where the claim's class has {@code allowVolumeExpansion}. A new claim's status is {@code Pending}.
 */
final class PersistentVolumeClaimAdmission implements KindAdmission {

  static final String DEFAULT_CLASS = "storageclass.kubernetes.io/is-default-class";
  static final String BETA_DEFAULT_CLASS = "storageclass.beta.kubernetes.io/is-default-class";
  static final String BETA_CLASS = "volume.beta.kubernetes.io/storage-class";

  /** The stored StorageClasses (set by the launcher from an informer); none without it. */
  static volatile Supplier<List<? extends JsonNode>> classes = List::of;

  @Override
  public void defaults(ObjectNode pvc, ObjectNode old) {
    ObjectNode spec = Nodes.obj(pvc, "spec");
    Nodes.defaultText(spec, "volumeMode", "Filesystem");
    DisabledFields.claimSpec(spec, old == null ? null : old.path("spec"));
    ClaimDataSources.apply(spec, old == null ? null : old.path("spec"));
    CanonicalQuantities.list(spec.path("resources").get("requests"));
    CanonicalQuantities.list(spec.path("resources").get("limits"));
    if (old != null) {
      return;
    }
    pvc.putObject("status").put("phase", "Pending");
    protect(pvc, "kubernetes.io/pvc-protection");
    if (!spec.hasNonNull("storageClassName") && !pvc.path("metadata").path("annotations").has(BETA_CLASS)) {
      defaultClass(classes.get()).ifPresent(name -> spec.put("storageClassName", name));
    }
  }

  /** kube's StorageObjectInUseProtection admission: a new claim or volume gets its protection finalizer. */
  static void protect(ObjectNode obj, String finalizer) {
    com.fasterxml.jackson.databind.node.ArrayNode fs = Nodes.obj(obj, "metadata").withArrayProperty("finalizers");
    for (JsonNode f : fs) {
      if (finalizer.equals(f.asText())) {
        return;
      }
    }
    fs.add(finalizer);
  }

  /**
   * kube's DefaultStorageClass admission: the class annotated as the default (GA or beta annotation);
   * of several, the newest, then by name.
   */
  static Optional<String> defaultClass(List<? extends JsonNode> all) {
    return all.stream()
        .filter(PersistentVolumeClaimAdmission::isDefault)
        .max(Comparator.comparing((JsonNode c) -> c.path("metadata").path("creationTimestamp").asText(""))
            .thenComparing(c -> c.path("metadata").path("name").asText(""), Comparator.reverseOrder()))
        .map(c -> c.path("metadata").path("name").asText());
  }

  static boolean isDefault(JsonNode sc) {
    JsonNode a = sc.path("metadata").path("annotations");
    return "true".equals(a.path(DEFAULT_CLASS).asText()) || "true".equals(a.path(BETA_DEFAULT_CLASS).asText());
  }

  @Override
  public void validate(ObjectNode pvc, ObjectNode old, FieldErrors errs) {
    spec(pvc.path("spec"), "spec", errs);
    if (old != null) {
      update(pvc, old, errs);
    }
  }

  /**
   * kube's ValidatePersistentVolumeClaimSpec of the spec at {@code path} (a claim's, or a generic ephemeral volume's
   * {@code volumeClaimTemplate.spec}).
   */
  static void spec(JsonNode spec, String path, FieldErrors errs) {
    JsonNode modes = spec.path("accessModes");
    if (modes.isEmpty()) {
      errs.required(path + ".accessModes", "at least 1 access mode is required");
    }
    StorageFields.accessModes(modes, path + ".accessModes", errs);
    JsonNode storage = spec.path("resources").path("requests").get("storage");
    if (storage == null || storage.isNull()) {
      errs.required(path + ".resources[storage]");
    } else {
      StorageFields.positive(storage, path + ".resources[storage]", errs);
    }
    StorageFields.className(spec.get("storageClassName"), path + ".storageClassName", errs);
    StorageFields.volumeMode(spec.get("volumeMode"), path + ".volumeMode", errs);
  }

  private static void update(ObjectNode pvc, ObjectNode old, FieldErrors errs) {
    ObjectNode was = old.path("spec").deepCopy();
    ClaimDataSources.normalize(was); // a claim stored before its data sources were normalized
    CanonicalQuantities.list(was.path("resources").get("requests")); // a claim stored before they were canonical
    CanonicalQuantities.list(was.path("resources").get("limits"));
    ObjectNode now = pvc.path("spec").deepCopy();
    if (Nodes.text(was, "volumeName").isEmpty()) {
      copy(now, was, "volumeName");
    }
    if (!was.hasNonNull("storageClassName") && now.hasNonNull("storageClassName")) {
      copy(now, was, "storageClassName");
    }
    if ("Bound".equals(pvc.path("status").path("phase").asText())) {
      Nodes.obj(Nodes.obj(now, "resources"), "requests").set("storage", was.path("resources").path("requests").get("storage"));
    }
    boolean classChanged = !java.util.Objects.equals(was.get("volumeAttributesClassName"),
        now.get("volumeAttributesClassName"));
    copy(was, now, "volumeAttributesClassName");
    if (!was.equals(now)) {
      errs.forbidden("spec", "spec is immutable after creation except resources.requests and volumeAttributesClassName "
          + "for bound claims\n" + diff(was, now));
    }
    BigDecimal oldSize = StorageFields.bytes(old.path("spec").path("resources").path("requests").get("storage"));
    BigDecimal newSize = StorageFields.bytes(pvc.path("spec").path("resources").path("requests").get("storage"));
    if (oldSize != null && newSize != null && newSize.compareTo(oldSize) < 0) {
      errs.forbidden("spec.resources.requests.storage", "field can not be less than previous value");
    }
    if (classChanged) {
      // the class a claim stored with it keeps (DisabledFields) may not change while VolumeAttributesClass is off
      errs.forbidden("spec.volumeAttributesClassName", "update is forbidden when the VolumeAttributesClass feature gate "
          + "is disabled");
    }
  }

  /**
   * kube's PersistentVolumeClaimResize admission, after validation: a claim whose storage request grows must be
   * bound, and its StorageClass must exist and allow volume expansion; null when the update may go on, else why not.
   */
  static String resizeRefusal(ObjectNode pvc, ObjectNode old) {
    BigDecimal oldSize = StorageFields.bytes(old.path("spec").path("resources").path("requests").get("storage"));
    BigDecimal newSize = StorageFields.bytes(pvc.path("spec").path("resources").path("requests").get("storage"));
    if (oldSize == null || newSize == null || newSize.compareTo(oldSize) <= 0) {
      return null;
    }
    if (!"Bound".equals(old.path("status").path("phase").asText())) {
      return "Only bound persistent volume claims can be expanded";
    }
    String className = old.path("spec").path("storageClassName").asText("");
    if (className.isEmpty()) {
      className = old.path("metadata").path("annotations").path(BETA_CLASS).asText("");
    }
    for (JsonNode sc : classes.get()) {
      if (!className.isEmpty() && className.equals(sc.path("metadata").path("name").asText())
          && sc.path("allowVolumeExpansion").asBoolean(false)) {
        return null;
      }
    }
    return "only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support "
        + "resize";
  }

  private static void copy(ObjectNode from, ObjectNode to, String field) {
    if (from.has(field)) {
      to.set(field, from.get(field));
    } else {
      to.remove(field);
    }
  }

  /** The changed fields, one {@code -}/{@code +} pair each, as a short stand-in for Go's cmp.Diff. */
  static String diff(ObjectNode was, ObjectNode now) {
    StringBuilder sb = new StringBuilder("  core.PersistentVolumeClaimSpec{\n");
    java.util.Set<String> fields = new java.util.TreeSet<>();
    was.fieldNames().forEachRemaining(fields::add);
    now.fieldNames().forEachRemaining(fields::add);
    for (String f : fields) {
      JsonNode a = was.get(f);
      JsonNode b = now.get(f);
      if (a == null ? b != null : !a.equals(b)) {
        String name = Character.toUpperCase(f.charAt(0)) + f.substring(1);
        sb.append("-   ").append(name).append(": ").append(a == null ? "nil" : a).append(",\n");
        sb.append("+   ").append(name).append(": ").append(b == null ? "nil" : b).append(",\n");
      }
    }
    return sb.append("  }").toString();
  }
}
