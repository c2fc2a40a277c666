package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * storage.k8s.io/v1 StorageClasses as kube's registry checks them: a provisioner (a qualified name),
 * reclaimPolicy Delete (default) or Retain, volumeBindingMode Immediate (default) or
 * WaitForFirstConsumer; provisioner, parameters, reclaimPolicy and volumeBindingMode never change.
 */
final class StorageClassAdmission implements KindAdmission {

  static final List<String> RECLAIM = List.of("Delete", "Retain");
  static final List<String> BINDING_MODES = List.of("Immediate", "WaitForFirstConsumer");

  @Override
  public void defaults(ObjectNode sc, ObjectNode old) {
    Nodes.defaultText(sc, "reclaimPolicy", "Delete");
    Nodes.defaultText(sc, "volumeBindingMode", "Immediate");
  }

  @Override
  public void validate(ObjectNode sc, ObjectNode old, FieldErrors errs) {
    String provisioner = Nodes.text(sc, "provisioner");
    if (provisioner.isEmpty()) {
      errs.required("provisioner");
    } else {
      if (provisioner.length() > 63) {
        errs.tooLong("provisioner", 63);
      }
      Validators.qualifiedName(provisioner.toLowerCase()).forEach(m -> errs.invalid("provisioner", provisioner, m));
    }
    JsonNode reclaim = sc.get("reclaimPolicy");
    if (reclaim != null && !RECLAIM.contains(reclaim.asText())) {
      errs.notSupported("reclaimPolicy", reclaim, RECLAIM);
    }
    JsonNode mode = sc.get("volumeBindingMode");
    if (mode != null && !BINDING_MODES.contains(mode.asText())) {
      errs.notSupported("volumeBindingMode", mode, BINDING_MODES);
    }
    if (old == null) {
      return;
    }
    if (!Nodes.text(old, "provisioner").equals(provisioner)) {
      errs.forbidden("provisioner", "updates to provisioner are forbidden.");
    }
    if (!old.path("parameters").equals(sc.path("parameters"))) {
      errs.forbidden("parameters", "updates to parameters are forbidden.");
    }
    if (!Nodes.text(old, "reclaimPolicy").equals(Nodes.text(sc, "reclaimPolicy"))) {
      errs.forbidden("reclaimPolicy", "updates to reclaimPolicy are forbidden.");
    }
    if (!Nodes.text(old, "volumeBindingMode").equals(Nodes.text(sc, "volumeBindingMode"))) {
      errs.invalid("volumeBindingMode", sc.get("volumeBindingMode"), "field is immutable");
    }
  }
}
