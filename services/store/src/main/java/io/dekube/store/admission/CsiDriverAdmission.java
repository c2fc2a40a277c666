package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * CSIDrivers ({@code storage.k8s.io/v1}), as kube's v1 defaults and {@code ValidateCSIDriver}: the
 * name is a driver name (a DNS subdomain of at most 63 characters); {@code attachRequired} defaults to
 * true and never changes, {@code podInfoOnMount}, {@code storageCapacity}, {@code requiresRepublish} and
 * {@code seLinuxMount} to false, {@code fsGroupPolicy} to {@code ReadWriteOnceWithFSType},
 * {@code volumeLifecycleModes} to {@code [Persistent]}; token requests have unique audiences and live at
 * least 10 minutes. Stored only: no CSI driver runs behind it. Pure.
 */
final class CsiDriverAdmission implements KindAdmission {

  static final List<String> FS_GROUP_POLICIES = List.of("File", "None", "ReadWriteOnceWithFSType");
  static final List<String> MODES = List.of("Ephemeral", "Persistent");

  @Override
  public void defaults(ObjectNode driver, ObjectNode old) {
    ObjectNode spec = Nodes.obj(driver, "spec");
    Nodes.defaultBool(spec, "attachRequired", true);
    Nodes.defaultBool(spec, "podInfoOnMount", false);
    Nodes.defaultBool(spec, "storageCapacity", false);
    Nodes.defaultBool(spec, "requiresRepublish", false);
    Nodes.defaultBool(spec, "seLinuxMount", false);
    Nodes.defaultText(spec, "fsGroupPolicy", "ReadWriteOnceWithFSType");
    if (Nodes.absent(spec, "volumeLifecycleModes")) {
      spec.putArray("volumeLifecycleModes").add("Persistent");
    }
  }

  @Override
  public void validate(ObjectNode driver, ObjectNode old, FieldErrors errs) {
    driverName(driver.path("metadata").path("name").asText(""), "metadata.name", errs);
    JsonNode spec = driver.path("spec");
    JsonNode policy = spec.path("fsGroupPolicy");
    if (policy.isTextual() && !FS_GROUP_POLICIES.contains(policy.asText())) {
      errs.notSupported("spec.fsGroupPolicy", policy, FS_GROUP_POLICIES);
    }
    JsonNode modes = spec.path("volumeLifecycleModes");
    for (int i = 0; i < modes.size(); i++) {
      if (!MODES.contains(modes.get(i).asText())) {
        errs.notSupported("spec.volumeLifecycleModes", modes.get(i), MODES);
      }
    }
    JsonNode requests = spec.path("tokenRequests");
    Set<String> audiences = new HashSet<>();
    for (int i = 0; i < requests.size(); i++) {
      JsonNode r = requests.get(i);
      String at = "spec.tokenRequests[" + i + "]";
      if (!audiences.add(r.path("audience").asText(""))) {
        errs.duplicate(at + ".audience", r.path("audience"));
      }
      JsonNode seconds = r.path("expirationSeconds");
      if (seconds.isNumber() && seconds.asLong() < 600) {
        errs.invalid(at + ".expirationSeconds", seconds, "may not specify a duration less than 10 minutes");
      } else if (seconds.isNumber() && seconds.asLong() > 4294967296L) {
        errs.invalid(at + ".expirationSeconds", seconds, "may not specify a duration larger than 2^32 seconds");
      }
    }
    if (old != null && !old.path("spec").path("attachRequired").equals(spec.path("attachRequired"))) {
      errs.invalid("spec.attachRequired", spec.path("attachRequired"), "field is immutable");
    }
  }

  /** kube's ValidateCSIDriverName: required, at most 63 characters, a DNS subdomain. */
  static void driverName(String name, String path, FieldErrors errs) {
    if (name.isEmpty()) {
      errs.required(path, "");
      return;
    }
    if (name.length() > 63) {
      errs.tooLong(path, 63);
    }
    Validators.dns1123Subdomain(name.toLowerCase()).forEach(m -> errs.invalid(path, name, m));
  }
}
