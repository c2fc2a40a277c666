package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.util.List;

/** The fields PersistentVolumes and their claims share: access modes, volume modes, storage quantities. Pure. */
final class StorageFields {

  static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");
  static final List<String> VOLUME_MODES = List.of("Block", "Filesystem");
  static final String QUANTITY_FORMAT = "quantities must match the regular expression "
      + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

  private StorageFields() {
  }

  /** kube's access-mode rules: each one known, ReadWriteOncePod alone. */
  static void accessModes(JsonNode modes, String path, FieldErrors errs) {
    boolean oncePod = false;
    boolean other = false;
    for (JsonNode m : modes) {
      if (!ACCESS_MODES.contains(m.asText())) {
        errs.notSupported(path, m, ACCESS_MODES);
      }
      if ("ReadWriteOncePod".equals(m.asText())) {
        oncePod = true;
      } else if (ACCESS_MODES.contains(m.asText())) {
        other = true;
      }
    }
    if (oncePod && other) {
      errs.forbidden(path, "may not use ReadWriteOncePod with other access modes");
    }
  }

  /** The bytes of a quantity, or null (with an error) when it does not parse. */
  static BigDecimal quantity(JsonNode q, String path, FieldErrors errs) {
    try {
      return Quantity.getAmountInBytes(new Quantity(q.asText()));
    } catch (RuntimeException e) {
      errs.invalid(path, q, QUANTITY_FORMAT);
      return null;
    }
  }

  /** A storage quantity that must be above zero. */
  static void positive(JsonNode q, String path, FieldErrors errs) {
    BigDecimal v = quantity(q, path, errs);
    if (v != null && v.signum() <= 0) {
      errs.invalid(path, q.asText(), "must be greater than zero");
    }
  }

  /** The bytes of a quantity, null when absent or bad. */
  static BigDecimal bytes(JsonNode q) {
    if (q == null || q.isMissingNode() || q.isNull()) {
      return null;
    }
    try {
      return Quantity.getAmountInBytes(new Quantity(q.asText()));
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A class name (StorageClass) as kube checks it: a DNS-1123 subdomain. */
  static void className(JsonNode name, String path, FieldErrors errs) {
    if (name != null && name.isTextual() && !name.asText().isEmpty()) {
      Validators.dns1123Subdomain(name.asText()).forEach(m -> errs.invalid(path, name.asText(), m));
    }
  }

  /** An unsupported volumeMode. */
  static void volumeMode(JsonNode mode, String path, FieldErrors errs) {
    if (mode != null && !mode.isNull() && !VOLUME_MODES.contains(mode.asText())) {
      errs.notSupported(path, mode, VOLUME_MODES);
    }
  }
}
