package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.util.Map;

/**
 * RuntimeClasses ({@code node.k8s.io/v1}), as kube's {@code ValidateRuntimeClass}: {@code handler}
 * is an RFC 1123 label and never changes; {@code overhead.podFixed} holds valid, non-negative
 * quantities of standard resources; {@code scheduling.nodeSelector} is a label map and
 * {@code scheduling.tolerations} valid, unique tolerations. No defaults. Pure.
 */
final class RuntimeClassValidation implements KindAdmission {

  @Override
  public void defaults(ObjectNode rc, ObjectNode old) {
  }

  @Override
  public void validate(ObjectNode rc, ObjectNode old, FieldErrors errs) {
    String handler = rc.path("handler").asText("");
    Validators.dns1123Label(handler).forEach(m -> errs.invalid("handler", handler, m));
    JsonNode podFixed = rc.path("overhead").path("podFixed");
    if (podFixed instanceof ObjectNode fixed) {
      for (Map.Entry<String, JsonNode> e : fixed.properties()) {
        overheadItem(e.getKey(), e.getValue(), errs);
      }
    }
    JsonNode scheduling = rc.path("scheduling");
    MetadataValidation.labels(scheduling.get("nodeSelector"), "scheduling.nodeSelector", errs);
    Tolerations.validate(scheduling.get("tolerations"), "scheduling.tolerations", true, errs);
    if (old != null && !old.path("handler").asText("").equals(handler)) {
      errs.invalid("handler", handler, "field is immutable");
    }
  }

  private static void overheadItem(String resource, JsonNode quantity, FieldErrors errs) {
    String path = "overhead.podFixed[" + resource + "]";
    if (!standardResource(resource)) {
      errs.invalid(path, resource, "must be a standard resource for containers");
    }
    BigDecimal v = StorageFields.quantity(quantity, path, errs);
    if (v != null && v.signum() < 0) {
      errs.invalid(path, quantity.asText(), "must be greater than or equal to 0");
    }
  }

  /** kube's IsStandardContainerResourceName: cpu, memory, ephemeral-storage, hugepages-*. */
  private static boolean standardResource(String name) {
    return name.equals("cpu") || name.equals("memory") || name.equals("ephemeral-storage")
        || name.startsWith("hugepages-");
  }
}
