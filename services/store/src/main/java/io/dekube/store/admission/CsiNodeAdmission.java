package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Set;

/**
 * CSINodes ({@code storage.k8s.io/v1}), as kube's {@code ValidateCSINode}: each driver has a valid,
 * unique name, a {@code nodeID} of at most 192 characters, qualified topology keys and a non-negative
 * allocatable count. Stored only: no kubelet plugin registers drivers. Pure.
 */
final class CsiNodeAdmission implements KindAdmission {

  static final int MAX_NODE_ID = 192;

  @Override
  public void defaults(ObjectNode node, ObjectNode old) {
  }

  @Override
  public void validate(ObjectNode node, ObjectNode old, FieldErrors errs) {
    JsonNode drivers = node.path("spec").path("drivers");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < drivers.size(); i++) {
      JsonNode d = drivers.get(i);
      String at = "spec.drivers[" + i + "]";
      String name = d.path("name").asText("");
      CsiDriverAdmission.driverName(name, at + ".name", errs);
      if (!name.isEmpty() && !names.add(name)) {
        errs.duplicate(at + ".name", d.path("name"));
      }
      String nodeId = d.path("nodeID").asText("");
      if (nodeId.isEmpty()) {
        errs.required(at + ".nodeID", "");
      } else if (nodeId.length() > MAX_NODE_ID) {
        errs.invalid(at + ".nodeID", nodeId, "must be " + MAX_NODE_ID + " characters or less");
      }
      JsonNode keys = d.path("topologyKeys");
      for (int k = 0; k < keys.size(); k++) {
        String key = keys.get(k).asText("");
        String path = at + ".topologyKeys";
        Validators.qualifiedName(key).forEach(m -> errs.invalid(path, key, m));
      }
      JsonNode count = d.path("allocatable").path("count");
      if (count.isNumber() && count.asLong() < 0) {
        errs.invalid(at + ".allocatable.count", count, "must be greater than or equal to 0");
      }
    }
  }
}
