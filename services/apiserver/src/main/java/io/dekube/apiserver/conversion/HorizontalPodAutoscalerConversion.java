package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * {@code autoscaling/v1} ↔ the stored {@code autoscaling/v2} HorizontalPodAutoscaler, as kube converts
 * them: v1's {@code targetCPUUtilizationPercentage} is v2's CPU {@code Utilization} metric and
 * {@code currentCPUUtilizationPercentage} its current utilization; what v1 has no field for (other
 * metrics, the behaviour, the conditions, other current metrics) travels in kube's
 * {@code autoscaling.alpha.kubernetes.io/*} annotations, so a v1 round trip keeps it. Pure; copies.
 */
final class HorizontalPodAutoscalerConversion implements LegacyConverter {

  static final String METRICS = "autoscaling.alpha.kubernetes.io/metrics";
  static final String BEHAVIOR = "autoscaling.alpha.kubernetes.io/behavior";
  static final String CONDITIONS = "autoscaling.alpha.kubernetes.io/conditions";
  static final String CURRENT_METRICS = "autoscaling.alpha.kubernetes.io/current-metrics";

  @Override
  public ObjectNode toStored(ObjectNode legacy, String legacyApiVersion, String storedApiVersion) {
    ObjectNode o = legacy.deepCopy();
    o.put("apiVersion", storedApiVersion);
    ObjectNode spec = o.with("spec");
    ArrayNode metrics = Json.MAPPER.createArrayNode();
    JsonNode cpu = spec.remove("targetCPUUtilizationPercentage");
    if (cpu != null && cpu.isNumber()) {
      metrics.add(cpuMetric("target", cpu.asInt()));
    }
    ArrayNode more = fromAnnotation(o, METRICS);
    if (more != null) {
      metrics.addAll(more);
    }
    if (!metrics.isEmpty()) {
      spec.set("metrics", metrics);
    }
    ArrayNode behavior = fromAnnotation(o, BEHAVIOR);
    if (behavior != null && behavior.size() == 1) {
      spec.set("behavior", behavior.get(0));
    }
    JsonNode status = o.get("status");
    if (status instanceof ObjectNode st) {
      ArrayNode current = Json.MAPPER.createArrayNode();
      JsonNode util = st.remove("currentCPUUtilizationPercentage");
      if (util != null && util.isNumber()) {
        current.add(cpuMetric("current", util.asInt()));
      }
      ArrayNode otherCurrent = fromAnnotation(o, CURRENT_METRICS);
      if (otherCurrent != null) {
        current.addAll(otherCurrent);
      }
      if (!current.isEmpty()) {
        st.set("currentMetrics", current);
      }
      ArrayNode conditions = fromAnnotation(o, CONDITIONS);
      if (conditions != null) {
        st.set("conditions", conditions);
      }
    } else {
      fromAnnotation(o, CURRENT_METRICS);
      fromAnnotation(o, CONDITIONS);
    }
    return o;
  }

  @Override
  public ObjectNode fromStored(ObjectNode stored, String legacyApiVersion) {
    ObjectNode o = stored.deepCopy();
    o.put("apiVersion", legacyApiVersion);
    ObjectNode spec = o.with("spec");
    JsonNode metrics = spec.remove("metrics");
    ArrayNode others = Json.MAPPER.createArrayNode();
    boolean cpuSet = false;
    for (JsonNode m : metrics == null ? Json.MAPPER.createArrayNode() : metrics) {
      if (!cpuSet && isCpuUtilization(m, "target")) {
        spec.put("targetCPUUtilizationPercentage", m.path("resource").path("target").path("averageUtilization").asInt());
        cpuSet = true;
      } else {
        others.add(m);
      }
    }
    toAnnotation(o, METRICS, others);
    JsonNode behavior = spec.remove("behavior");
    if (behavior != null && !behavior.isNull()) {
      toAnnotation(o, BEHAVIOR, Json.MAPPER.createArrayNode().add(behavior));
    }
    if (o.get("status") instanceof ObjectNode st) {
      JsonNode current = st.remove("currentMetrics");
      ArrayNode otherCurrent = Json.MAPPER.createArrayNode();
      boolean utilSet = false;
      for (JsonNode m : current == null ? Json.MAPPER.createArrayNode() : current) {
        if (!utilSet && isCpuUtilization(m, "current")) {
          st.put("currentCPUUtilizationPercentage", m.path("resource").path("current").path("averageUtilization").asInt());
          utilSet = true;
        } else {
          otherCurrent.add(m);
        }
      }
      toAnnotation(o, CURRENT_METRICS, otherCurrent);
      JsonNode conditions = st.remove("conditions");
      if (conditions instanceof ArrayNode c) {
        toAnnotation(o, CONDITIONS, c);
      }
    }
    return o;
  }

  private static boolean isCpuUtilization(JsonNode m, String which) {
    JsonNode r = m.path("resource");
    return "Resource".equals(m.path("type").asText()) && "cpu".equals(r.path("name").asText())
        && r.path(which).path("averageUtilization").isNumber()
        && ("current".equals(which) || "Utilization".equals(r.path(which).path("type").asText()));
  }

  private static ObjectNode cpuMetric(String which, int percent) {
    ObjectNode m = Json.object().put("type", "Resource");
    ObjectNode value = m.putObject("resource").put("name", "cpu").putObject(which);
    if ("target".equals(which)) {
      value.put("type", "Utilization");
    }
    value.put("averageUtilization", percent);
    return m;
  }

  /** Removes the annotation and returns its JSON array, or null when absent or not an array. */
  private static ArrayNode fromAnnotation(ObjectNode o, String key) {
    JsonNode annotations = o.path("metadata").path("annotations");
    if (!(annotations instanceof ObjectNode a) || !a.has(key)) {
      return null;
    }
    JsonNode raw = a.remove(key);
    if (a.isEmpty()) {
      ((ObjectNode) o.get("metadata")).remove("annotations");
    }
    try {
      JsonNode parsed = Json.MAPPER.readTree(raw.asText());
      return parsed instanceof ArrayNode arr ? arr : null;
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  private static void toAnnotation(ObjectNode o, String key, ArrayNode value) {
    if (value.isEmpty()) {
      return;
    }
    o.with("metadata").with("annotations").put(key, value.toString());
  }
}
