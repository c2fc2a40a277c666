package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The {@code pods/ephemeralcontainers} subresource as kube's strategy and validation have it: of the
 * object sent only {@code spec.ephemeralContainers} is taken (the rest of the pod stays as stored);
 * existing ephemeral containers may be neither removed nor changed; a new one needs a unique name and an
 * image, names a {@code targetContainerName} among the pod's containers, and sets none of the fields an
 * ephemeral container cannot have (ports, probes, lifecycle, resources, resizePolicy, restartPolicy);
 * then the ServiceAccount admission judges the ephemeral containers' secrets. Pure but for that
 * admission's view of the accounts; called by the writer's loop thread.
 */
public final class EphemeralContainersUpdate {

  /** The subresource's name, as {@code WriteOptions.subresource}. */
  public static final String SUBRESOURCE = "ephemeralcontainers";

  private static final List<String> FORBIDDEN = List.of("ports", "livenessProbe", "readinessProbe", "startupProbe",
      "lifecycle", "resources", "resizePolicy", "restartPolicy");

  private EphemeralContainersUpdate() {
  }

  /**
   * The stored pod {@code current} with the ephemeral containers of {@code wanted}; 422 Invalid with
   * kube's wording when the change is not allowed.
   */
  public static ObjectNode apply(ResourceType type, ObjectNode current, ObjectNode wanted) {
    String name = current.path("metadata").path("name").asText("");
    if (current.path("metadata").path("annotations").has("kubernetes.io/config.mirror")) {
      throw BasicAdmission.invalid(type, name, List.of(new BasicAdmission.Cause("FieldValueForbidden", "",
          "Forbidden: static pods do not support ephemeral containers")));
    }
    JsonNode next = wanted.path("spec").path("ephemeralContainers");
    JsonNode old = current.path("spec").path("ephemeralContainers");
    List<BasicAdmission.Cause> causes = new ArrayList<>();
    Map<String, JsonNode> byName = new HashMap<>();
    next.forEach(c -> byName.put(c.path("name").asText(""), c));
    Set<String> existing = new HashSet<>();
    for (JsonNode o : old) {
      String n = o.path("name").asText("");
      existing.add(n);
      JsonNode now = byName.get(n);
      if (now == null) {
        causes.add(forbidden("spec.ephemeralContainers", "existing ephemeral containers \"" + n
            + "\" may not be removed\n"));
      } else if (!now.equals(o)) {
        causes.add(forbidden("spec.ephemeralContainers", "existing ephemeral containers \"" + n
            + "\" may not be changed\n"));
      }
    }
    Set<String> names = new HashSet<>();
    Set<String> targets = new HashSet<>();
    for (String list : List.of("containers", "initContainers")) {
      current.path("spec").path(list).forEach(c -> {
        names.add(c.path("name").asText());
        targets.add(c.path("name").asText());
      });
    }
    for (int i = 0; i < next.size(); i++) {
      JsonNode c = next.get(i);
      String n = c.path("name").asText("");
      String path = "spec.ephemeralContainers[" + i + "]";
      if (!names.add(n)) {
        causes.add(new BasicAdmission.Cause("FieldValueDuplicate", path + ".name", "Duplicate value: \"" + n + "\""));
      }
      if (existing.contains(n)) {
        continue;
      }
      newContainer(c, path, targets, causes);
    }
    if (!causes.isEmpty()) {
      throw BasicAdmission.invalid(type, name, causes);
    }
    ObjectNode out = current.deepCopy();
    ObjectNode spec = (ObjectNode) out.get("spec");
    if (next.isArray() && !next.isEmpty()) {
      spec.set("ephemeralContainers", next.deepCopy());
    } else {
      spec.remove("ephemeralContainers");
    }
    ServiceAccountAdmission.admitEphemeralContainers(out);
    return out;
  }

  /**
   * The old pod the admission compares {@code next} with: the stored one with {@code next}'s ephemeral
   * containers, defaulted as the admission defaults them, so that they are not a change of the pod's spec.
   */
  public static ObjectNode admissionOld(ObjectNode current, ObjectNode next) {
    ObjectNode old = current.deepCopy();
    ObjectNode spec = (ObjectNode) old.get("spec");
    if (next.path("spec").has("ephemeralContainers")) {
      spec.set("ephemeralContainers", next.path("spec").get("ephemeralContainers").deepCopy());
      PodSpecDefaults.apply(spec, current.path("spec"));
    }
    return old;
  }

  private static void newContainer(JsonNode c, String path, Set<String> targets, List<BasicAdmission.Cause> causes) {
    String n = c.path("name").asText("");
    if (n.isEmpty()) {
      causes.add(new BasicAdmission.Cause("FieldValueRequired", path + ".name", "Required value"));
    } else if (!n.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") || n.length() > 63) {
      causes.add(new BasicAdmission.Cause("FieldValueInvalid", path + ".name", "Invalid value: \"" + n + "\": a "
          + "lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
          + "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
          + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"));
    }
    if (c.path("image").asText("").isBlank()) {
      causes.add(new BasicAdmission.Cause("FieldValueRequired", path + ".image", "Required value"));
    }
    for (String f : FORBIDDEN) {
      JsonNode v = c.get(f);
      if (v != null && !v.isNull() && !(v.isContainerNode() && v.isEmpty())) {
        causes.add(forbidden(path + "." + f, "cannot be set for an Ephemeral Container"));
      }
    }
    String target = c.path("targetContainerName").asText("");
    if (!target.isEmpty() && !targets.contains(target)) {
      causes.add(new BasicAdmission.Cause("FieldValueNotFound", path + ".targetContainerName", "Not found: \""
          + target + "\""));
    }
  }

  private static BasicAdmission.Cause forbidden(String field, String why) {
    return new BasicAdmission.Cause("FieldValueForbidden", field, "Forbidden: " + why);
  }
}
