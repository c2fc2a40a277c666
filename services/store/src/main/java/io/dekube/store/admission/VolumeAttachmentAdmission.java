package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * VolumeAttachments ({@code storage.k8s.io/v1}), as kube's {@code ValidateVolumeAttachment}: an
 * attacher that is a driver name, a node name, exactly one of {@code persistentVolumeName} and
 * {@code inlineVolumeSpec}; the spec never changes. Stored only: no attach/detach controller acts on
 * them. Pure.
 */
final class VolumeAttachmentAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode attachment, ObjectNode old) {
  }

  @Override
  public void validate(ObjectNode attachment, ObjectNode old, FieldErrors errs) {
    JsonNode spec = attachment.path("spec");
    CsiDriverAdmission.driverName(spec.path("attacher").asText(""), "spec.attacher", errs);
    String node = spec.path("nodeName").asText("");
    if (node.isEmpty()) {
      errs.required("spec.nodeName", "");
    } else {
      Validators.dns1123Subdomain(node).forEach(m -> errs.invalid("spec.nodeName", node, m));
    }
    JsonNode source = spec.path("source");
    boolean pv = !source.path("persistentVolumeName").asText("").isEmpty();
    boolean inline = source.path("inlineVolumeSpec").isObject();
    if (pv == inline) {
      errs.add("FieldValueInvalid", "spec.source", "Invalid value: \"\": must specify exactly one of inlineVolumeSpec "
          + "and persistentVolumeName");
    }
    if (old != null && !old.path("spec").equals(spec)) {
      errs.invalidRendered("spec", "{...}", "field is immutable");
    }
  }
}
