package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * ReplicationControllers (core/v1), as kube's v1 defaults and {@code ValidateReplicationController}:
 * a selector left empty takes the template's labels, and so do the controller's own labels when it has
 * none; replicas defaults to 1 and the template's pod spec gets the pod defaults. The selector (a plain
 * label map, unlike the apps/v1 kinds' LabelSelector) must not be empty and must match the template's
 * labels; it may change on update. The template is required, restarts Always and may not set
 * activeDeadlineSeconds. Pure.
 */
final class ReplicationControllerAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Nodes.obj(obj, "spec");
    ObjectNode template = Nodes.objOrNull(spec, "template");
    if (template != null) {
      ObjectNode labels = Nodes.objOrNull(template.path("metadata"), "labels");
      if (labels != null) {
        if (empty(spec.get("selector"))) {
          spec.set("selector", labels.deepCopy());
        }
        if (empty(obj.path("metadata").get("labels"))) {
          Nodes.obj(obj, "metadata").set("labels", labels.deepCopy());
        }
      }
      PodSpecDefaults.apply(Nodes.obj(template, "spec"), old == null ? null : old.path("spec").path("template").path("spec"));
    }
    Nodes.defaultInt(spec, "replicas", 1);
    if (!obj.has("status")) {
      obj.putObject("status");
    }
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    JsonNode spec = obj.path("spec");
    nonNegative(spec, "minReadySeconds", errs);
    JsonNode selector = spec.get("selector");
    if (empty(selector)) {
      errs.required("spec.selector");
    }
    nonNegative(spec, "replicas", errs);
    JsonNode template = spec.get("template");
    if (template == null || template.isNull()) {
      errs.required("spec.template");
      return;
    }
    JsonNode labels = template.path("metadata").path("labels");
    if (!empty(selector) && !matches(selector, labels)) {
      errs.invalid("spec.template.metadata.labels", labels.isMissingNode() ? null : labels,
          "`selector` does not match template `labels`");
    }
    MetadataValidation.labels(labels, "spec.template.metadata.labels", errs);
    PodSpecValidation.validate(template.get("spec"), "spec.template.spec", errs);
    JsonNode restart = template.path("spec").get("restartPolicy");
    if (restart != null && !restart.asText().equals("Always")) {
      errs.notSupported("spec.template.spec.restartPolicy", restart, List.of("Always"));
    }
    JsonNode deadline = template.path("spec").get("activeDeadlineSeconds");
    if (deadline != null && !deadline.isNull()) {
      errs.forbidden("spec.template.spec.activeDeadlineSeconds",
          "activeDeadlineSeconds in ReplicationController is not Supported");
    }
  }

  private static void nonNegative(JsonNode spec, String field, FieldErrors errs) {
    JsonNode v = spec.get(field);
    if (v != null && v.isNumber() && v.asLong() < 0) {
      errs.invalid("spec." + field, v, "must be greater than or equal to 0");
    }
  }

  private static boolean empty(JsonNode map) {
    return map == null || !map.isObject() || map.isEmpty();
  }

  /** Whether every key of the selector map has its value among the labels. */
  private static boolean matches(JsonNode selector, JsonNode labels) {
    for (Map.Entry<String, JsonNode> e : selector.properties()) {
      JsonNode v = labels.get(e.getKey());
      if (v == null || !v.asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }
}
