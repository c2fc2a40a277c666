package io.dekube.store.admission;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/** Namespaces: the {@code kubernetes} finalizer, phase Active and the {@code kubernetes.io/metadata.name} label. */
final class NamespaceAdmission implements KindAdmission {

  static final String NAME_LABEL = "kubernetes.io/metadata.name";

  @Override
  public void defaults(ObjectNode ns, ObjectNode old) {
    ObjectNode meta = Json.metadata(ns);
    String name = Nodes.text(meta, "name");
    if (!name.isEmpty()) {
      Nodes.obj(meta, "labels").put(NAME_LABEL, name);
    }
    ObjectNode spec = Nodes.obj(ns, "spec");
    if (old == null && !(spec.get("finalizers") instanceof ArrayNode)) {
      spec.putArray("finalizers").add("kubernetes");
    } else if (old != null && !spec.has("finalizers") && old.path("spec").has("finalizers")) {
      spec.set("finalizers", old.path("spec").get("finalizers").deepCopy());
    }
    ObjectNode status = Nodes.obj(ns, "status");
    if (old != null && Nodes.absent(status, "phase") && old.path("status").has("phase")) {
      status.set("phase", old.path("status").get("phase"));
    }
    Nodes.defaultText(status, "phase", "Active");
  }

  @Override
  public void validate(ObjectNode ns, ObjectNode old, FieldErrors errs) {
    String name = Nodes.text(ns.path("metadata"), "name");
    if (!name.isEmpty()) {
      Validators.dns1123Label(name).forEach(e -> errs.invalid("metadata.name", name, e));
    }
  }
}
