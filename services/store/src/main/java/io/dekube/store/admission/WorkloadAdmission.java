package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Deployments, ReplicaSets, DaemonSets and StatefulSets (apps/v1): their defaults (replicas,
 * strategies, history limits, the pod template's), a required selector that matches the template's
 * labels and may not change, and a template whose restartPolicy is Always.
 */
final class WorkloadAdmission implements KindAdmission {

  private final String kind;
  private final String lowerKind;

  WorkloadAdmission(String kind) {
    this.kind = kind;
    this.lowerKind = kind.toLowerCase();
  }

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    ObjectNode spec = Nodes.obj(obj, "spec");
    ObjectNode template = Nodes.obj(spec, "template");
    Nodes.obj(template, "metadata");
    PodSpecDefaults.apply(Nodes.obj(template, "spec"), old == null ? null : old.path("spec").path("template").path("spec"));
    switch (kind) {
      case "Deployment" -> deployment(spec);
      case "ReplicaSet" -> Nodes.defaultInt(spec, "replicas", 1);
      case "DaemonSet" -> daemonSet(spec);
      case "StatefulSet" -> {
        statefulSet(spec);
        DisabledFields.statefulSetSpec(spec, old == null ? null : old.path("spec"));
      }
      default -> { }
    }
    if (!obj.has("status")) {
      obj.putObject("status");
    }
  }

  private static void deployment(ObjectNode spec) {
    Nodes.defaultInt(spec, "replicas", 1);
    ObjectNode strategy = Nodes.obj(spec, "strategy");
    Nodes.defaultText(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode ru = Nodes.obj(strategy, "rollingUpdate");
      Nodes.defaultText(ru, "maxUnavailable", "25%");
      Nodes.defaultText(ru, "maxSurge", "25%");
    }
    Nodes.defaultInt(spec, "revisionHistoryLimit", 10);
    Nodes.defaultInt(spec, "progressDeadlineSeconds", 600);
  }

  private static void daemonSet(ObjectNode spec) {
    ObjectNode strategy = Nodes.obj(spec, "updateStrategy");
    Nodes.defaultText(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      ObjectNode ru = Nodes.obj(strategy, "rollingUpdate");
      Nodes.defaultInt(ru, "maxUnavailable", 1);
      Nodes.defaultInt(ru, "maxSurge", 0);
    }
    Nodes.defaultInt(spec, "revisionHistoryLimit", 10);
  }

  private static void statefulSet(ObjectNode spec) {
    Nodes.defaultInt(spec, "replicas", 1);
    Nodes.defaultText(spec, "podManagementPolicy", "OrderedReady");
    ObjectNode strategy = Nodes.obj(spec, "updateStrategy");
    Nodes.defaultText(strategy, "type", "RollingUpdate");
    if (strategy.path("type").asText().equals("RollingUpdate")) {
      Nodes.defaultInt(Nodes.obj(strategy, "rollingUpdate"), "partition", 0);
    }
    Nodes.defaultInt(spec, "revisionHistoryLimit", 10);
    ObjectNode retention = Nodes.obj(spec, "persistentVolumeClaimRetentionPolicy");
    Nodes.defaultText(retention, "whenDeleted", "Retain");
    Nodes.defaultText(retention, "whenScaled", "Retain");
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    JsonNode spec = obj.path("spec");
    JsonNode selector = spec.get("selector");
    selectorAndLabels(spec, lowerKind, errs);
    JsonNode replicas = spec.get("replicas");
    if (replicas != null && replicas.isNumber() && replicas.asInt() < 0) {
      errs.invalid("spec.replicas", replicas, "must be greater than or equal to 0");
    }
    PodSpecValidation.validate(withClaimVolumes(spec), "spec.template.spec", errs);
    JsonNode restart = spec.path("template").path("spec").get("restartPolicy");
    if (restart != null && !restart.asText().equals("Always")) {
      errs.notSupported("spec.template.spec.restartPolicy", restart, List.of("Always"));
    }
    if (kind.equals("Deployment")) {
      strategy(spec.path("strategy"), errs);
    }
    if (old != null) {
      JsonNode oldSelector = old.path("spec").get("selector");
      if (oldSelector != null && selector != null && !oldSelector.equals(selector)) {
        errs.invalidRendered("spec.selector", LabelSelectors.goString(selector), "field is immutable");
      }
    }
  }

  /**
   * A required, non-empty selector that matches the template's labels, and valid labels on both:
   * the checks every workload kind (Jobs too) makes of {@code spec.selector}.
   */
  static void selectorAndLabels(JsonNode spec, String lowerKind, FieldErrors errs) {
    JsonNode selector = spec.get("selector");
    JsonNode labels = spec.path("template").path("metadata").path("labels");
    if (selector == null || selector.isNull()) {
      errs.required("spec.selector");
    } else {
      MetadataValidation.labels(selector.get("matchLabels"), "spec.selector.matchLabels", errs);
      if (LabelSelectors.isEmpty(selector)) {
        errs.invalidRendered("spec.selector", LabelSelectors.goString(selector), "empty selector is invalid for " + lowerKind);
      } else if (!LabelSelectors.matches(selector, labels)) {
        errs.invalid("spec.template.metadata.labels", labels.isMissingNode() ? null : labels,
            "`selector` does not match template `labels`");
      }
    }
    MetadataValidation.labels(labels, "spec.template.metadata.labels", errs);
  }

  /** A StatefulSet's template spec with a volume per volumeClaimTemplate, which its pods' mounts may name. */
  private JsonNode withClaimVolumes(JsonNode spec) {
    JsonNode podSpec = spec.path("template").get("spec");
    if (!kind.equals("StatefulSet") || !(podSpec instanceof ObjectNode) || Nodes.objects(spec, "volumeClaimTemplates").isEmpty()) {
      return podSpec;
    }
    ObjectNode copy = ((ObjectNode) podSpec).deepCopy();
    com.fasterxml.jackson.databind.node.ArrayNode volumes = copy.get("volumes") instanceof com.fasterxml.jackson.databind.node.ArrayNode a
        ? a : copy.putArray("volumes");
    for (ObjectNode claim : Nodes.objects(spec, "volumeClaimTemplates")) {
      volumes.addObject().put("name", claim.path("metadata").path("name").asText("")).putObject("emptyDir");
    }
    return copy;
  }

  private static void strategy(JsonNode strategy, FieldErrors errs) {
    String type = strategy.path("type").asText("");
    if (!type.isEmpty() && !type.equals("Recreate") && !type.equals("RollingUpdate")) {
      errs.notSupported("spec.strategy.type", strategy.get("type"), List.of("Recreate", "RollingUpdate"));
    }
    if (type.equals("Recreate") && strategy.has("rollingUpdate") && !strategy.get("rollingUpdate").isNull()) {
      errs.forbidden("spec.strategy.rollingUpdate", "may not be specified when strategy `type` is 'Recreate'");
    }
    JsonNode ru = strategy.path("rollingUpdate");
    if (ru.isObject() && isZero(ru.get("maxUnavailable")) && isZero(ru.get("maxSurge"))) {
      errs.invalid("spec.strategy.rollingUpdate.maxUnavailable", ru.get("maxUnavailable"),
          "may not be 0 when `maxSurge` is 0");
    }
  }

  private static boolean isZero(JsonNode v) {
    return v != null && (v.isNumber() ? v.asInt() == 0 : v.asText().equals("0%") || v.asText().equals("0"));
  }
}
