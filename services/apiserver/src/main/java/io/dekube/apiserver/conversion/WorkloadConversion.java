package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Deployments, ReplicaSets, DaemonSets and StatefulSets of apps/v1beta1, apps/v1beta2 and
 * extensions/v1beta1 ↔ apps/v1. The shapes are the same; what differs is what the old versions
 * defaulted before conversion: a selector taken from the template's labels (apps/v1beta1,
 * extensions/v1beta1), extensions' "keep everything" history and progress deadline, apps/v1beta1's
 * history of 2, and the OnDelete update strategies of the first DaemonSets and StatefulSets.
 * {@code spec.rollbackTo} is dropped, as the stored version has no such field.
 */
final class WorkloadConversion implements LegacyConverter {

  static final int MAX_INT32 = Integer.MAX_VALUE;
  private final String kind;

  WorkloadConversion(String kind) {
    this.kind = kind;
  }

  @Override
  public ObjectNode toStored(ObjectNode legacy, String legacyApiVersion, String storedApiVersion) {
    ObjectNode obj = legacy.deepCopy();
    obj.put("apiVersion", storedApiVersion);
    ObjectNode spec = obj.get("spec") instanceof ObjectNode s ? s : obj.putObject("spec");
    spec.remove("rollbackTo");
    spec.remove("templateGeneration");
    boolean v1beta2 = legacyApiVersion.equals("apps/v1beta2");
    if (!v1beta2 && !spec.has("selector")) {
      JsonNode labels = spec.path("template").path("metadata").path("labels");
      if (labels.isObject() && labels.size() > 0) {
        spec.putObject("selector").set("matchLabels", labels.deepCopy());
      }
    }
    if (!v1beta2) {
      oldDefaults(spec, legacyApiVersion);
    }
    return obj;
  }

  private void oldDefaults(ObjectNode spec, String apiVersion) {
    boolean extensions = apiVersion.startsWith("extensions/");
    switch (kind) {
      case "Deployment" -> {
        if (extensions) {
          defaultInt(spec, "revisionHistoryLimit", MAX_INT32);
          defaultInt(spec, "progressDeadlineSeconds", MAX_INT32);
          ObjectNode strategy = spec.get("strategy") instanceof ObjectNode s ? s : spec.putObject("strategy");
          if (!strategy.has("type") || strategy.path("type").asText().equals("RollingUpdate")) {
            strategy.put("type", "RollingUpdate");
            ObjectNode ru = strategy.get("rollingUpdate") instanceof ObjectNode r ? r : strategy.putObject("rollingUpdate");
            defaultInt(ru, "maxUnavailable", 1);
            defaultInt(ru, "maxSurge", 1);
          }
        } else {
          defaultInt(spec, "revisionHistoryLimit", 2);
        }
      }
      case "DaemonSet" -> {
        if (extensions && !spec.has("updateStrategy")) {
          spec.putObject("updateStrategy").put("type", "OnDelete");
        }
      }
      case "StatefulSet" -> {
        if (!spec.has("updateStrategy")) {
          spec.putObject("updateStrategy").put("type", "OnDelete");
        }
      }
      default -> { }
    }
  }

  private static void defaultInt(ObjectNode o, String field, int value) {
    if (!o.has(field) || o.get(field).isNull()) {
      o.put(field, value);
    }
  }

  @Override
  public ObjectNode fromStored(ObjectNode stored, String legacyApiVersion) {
    ObjectNode obj = stored.deepCopy();
    obj.put("apiVersion", legacyApiVersion);
    return obj;
  }
}
