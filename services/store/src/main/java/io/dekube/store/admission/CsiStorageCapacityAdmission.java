package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/**
 * CSIStorageCapacities ({@code storage.k8s.io/v1}), as kube's {@code ValidateCSIStorageCapacity}: a
 * StorageClass name that is a DNS subdomain, a valid node topology selector, non-negative
 * {@code capacity} and {@code maximumVolumeSize}. Stored only: no driver reports capacity. Pure.
 */
final class CsiStorageCapacityAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode capacity, ObjectNode old) {
  }

  @Override
  public void validate(ObjectNode capacity, ObjectNode old, FieldErrors errs) {
    String className = capacity.path("storageClassName").asText("");
    if (className.isEmpty()) {
      errs.required("storageClassName", "");
    } else {
      Validators.dns1123Subdomain(className).forEach(m -> errs.invalid("storageClassName", className, m));
    }
    if (capacity.path("nodeTopology").isObject()) {
      LabelSelectors.validate(capacity.get("nodeTopology"), "nodeTopology", errs);
    }
    nonNegative(capacity.get("capacity"), "capacity", errs);
    nonNegative(capacity.get("maximumVolumeSize"), "maximumVolumeSize", errs);
  }

  private static void nonNegative(JsonNode q, String path, FieldErrors errs) {
    if (q == null || q.isNull()) {
      return;
    }
    BigDecimal v = StorageFields.quantity(q, path, errs);
    if (v != null && v.signum() < 0) {
      errs.invalid(path, q.asText(), "must be greater than or equal to 0");
    }
  }
}
