package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.util.List;

/**
 * HorizontalPodAutoscalers ({@code autoscaling/v2}; {@code autoscaling/v1} is converted to it by the
 * apiserver), as kube defaults and validates them: {@code minReplicas} 1, no metrics → CPU at 80 %
 * of the request, the scale-up and scale-down behaviour's defaults when a behaviour is given;
 * a named scale target, {@code 1 ≤ minReplicas ≤ maxReplicas} (scale to zero is an alpha gate in kube,
 * off here), each metric's source present for its type, targets of the types their source allows,
 * utilizations and policy values greater than 0. Pure.
 */
final class HorizontalPodAutoscalerAdmission implements KindAdmission {

  static final List<String> METRIC_TYPES = List.of("ContainerResource", "External", "Object", "Pods", "Resource");
  static final List<String> TARGET_TYPES = List.of("AverageValue", "Utilization", "Value");
  static final List<String> SELECT_POLICIES = List.of("Disabled", "Max", "Min");
  static final List<String> POLICY_TYPES = List.of("Percent", "Pods");
  static final int DEFAULT_CPU_UTILIZATION = 80;

  @Override
  public void defaults(ObjectNode hpa, ObjectNode old) {
    ObjectNode spec = Nodes.obj(hpa, "spec");
    Nodes.defaultInt(spec, "minReplicas", 1);
    if (spec.path("metrics").isEmpty()) {
      ObjectNode target = spec.putArray("metrics").addObject().put("type", "Resource").putObject("resource")
          .put("name", "cpu").putObject("target");
      target.put("type", "Utilization").put("averageUtilization", DEFAULT_CPU_UTILIZATION);
    }
    JsonNode behavior = spec.get("behavior");
    if (behavior instanceof ObjectNode b) {
      rules(b, "scaleUp", 0, true);
      rules(b, "scaleDown", 300, false);
    }
  }

  /** kube's behaviour defaults: up at once by 100 % or 4 pods a 15 s, whichever is more; down by 100 % after 5 min. */
  private static void rules(ObjectNode behavior, String direction, int window, boolean up) {
    ObjectNode r = Nodes.obj(behavior, direction);
    Nodes.defaultInt(r, "stabilizationWindowSeconds", window);
    Nodes.defaultText(r, "selectPolicy", "Max");
    if (r.path("policies").isEmpty()) {
      ArrayNode p = r.putArray("policies");
      if (up) {
        p.addObject().put("type", "Pods").put("value", 4).put("periodSeconds", 15);
      }
      p.addObject().put("type", "Percent").put("value", 100).put("periodSeconds", 15);
    }
  }

  @Override
  public void validate(ObjectNode hpa, ObjectNode old, FieldErrors errs) {
    JsonNode spec = hpa.path("spec");
    JsonNode ref = spec.path("scaleTargetRef");
    if (ref.path("kind").asText("").isEmpty()) {
      errs.required("spec.scaleTargetRef.kind");
    }
    if (ref.path("name").asText("").isEmpty()) {
      errs.required("spec.scaleTargetRef.name");
    }
    long min = spec.path("minReplicas").asLong(1);
    long max = spec.path("maxReplicas").asLong(0);
    if (min < 1) {
      errs.invalid("spec.minReplicas", spec.get("minReplicas"), "must be greater than or equal to 1");
    }
    if (max < 1) {
      errs.invalid("spec.maxReplicas", spec.path("maxReplicas").isMissingNode() ? null : spec.get("maxReplicas"),
          "must be greater than 0");
    } else if (max < min) {
      errs.invalid("spec.maxReplicas", spec.get("maxReplicas"), "must be greater than or equal to `minReplicas`");
    }
    int i = 0;
    for (JsonNode m : spec.path("metrics")) {
      metric(m, "spec.metrics[" + i++ + "]", errs);
    }
    for (String direction : new String[] {"scaleUp", "scaleDown"}) {
      JsonNode r = spec.path("behavior").path(direction);
      if (!r.isMissingNode() && !r.isNull()) {
        rules(r, "spec.behavior." + direction, errs);
      }
    }
  }

  /** The sources a metric may carry, in the order kube's {@code validateMetricSpec} looks at them. */
  private static final List<String> SOURCES = List.of("object", "external", "pods", "resource", "containerResource");

  /**
   * kube's {@code validateMetricSpec}: the type, the first source present validated as its kind asks, the
   * source the type names required and any other forbidden.
   */
  private static void metric(JsonNode m, String field, FieldErrors errs) {
    String type = m.path("type").asText("");
    if (type.isEmpty()) {
      errs.required(field + ".type", "must specify a metric source type");
    }
    if (!METRIC_TYPES.contains(type)) {
      errs.notSupported(field + ".type", m.hasNonNull("type") ? m.get("type") : TextNode.valueOf(""), METRIC_TYPES);
    }
    List<String> present = SOURCES.stream().filter(f -> m.hasNonNull(f)).toList();
    if (!present.isEmpty()) {
      String first = present.get(0);
      source(first, m.get(first), field + "." + first, errs);
    }
    String expected = METRIC_TYPES.contains(type) ? Character.toLowerCase(type.charAt(0)) + type.substring(1) : null;
    if (expected != null && !m.hasNonNull(expected)) {
      errs.required(field + "." + expected, "must populate information for the given metric source");
    }
    if (present.size() != 1) {
      present.stream().filter(f -> !f.equals(expected)).forEach(f -> errs.forbidden(field + "." + f,
          "must populate the given metric source only"));
    }
  }

  /** kube's validation of each metric source. */
  private static void source(String kind, JsonNode src, String field, FieldErrors errs) {
    JsonNode t = src.path("target");
    boolean value = t.hasNonNull("value");
    boolean average = t.hasNonNull("averageValue");
    boolean utilization = t.hasNonNull("averageUtilization");
    switch (kind) {
      case "resource", "containerResource" -> {
        String name = src.path("name").asText("");
        if (name.isEmpty()) {
          errs.required(field + ".name", "must specify a resource name");
        } else if (kind.equals("containerResource") && !name.contains("/") && !STANDARD_CONTAINER_RESOURCES
            .contains(name) && !name.startsWith("hugepages-")) {
          errs.invalid(field + ".name", name, "must be a standard resource for containers");
        }
        if (kind.equals("containerResource")) {
          String container = src.path("container").asText("");
          if (container.isEmpty()) {
            errs.required(field + ".container", "must specify a container");
          } else {
            Validators.dns1123Label(container).forEach(e -> errs.invalid(field + ".container", container, e));
          }
        }
        target(t, field + ".target", errs);
        if (!utilization && !average) {
          errs.required(field + ".target.averageUtilization", "must set either a target raw value or a target "
              + "utilization");
        }
        if (utilization && average) {
          errs.forbidden(field + ".target.averageValue", "may not set both a target raw value and a target "
              + "utilization");
        }
      }
      case "pods" -> {
        metricIdentifier(src.path("metric"), field + ".metric", errs);
        target(t, field + ".target", errs);
        if (!average) {
          errs.required(field + ".target.averageValue", "must specify a positive target averageValue");
        }
      }
      case "object" -> {
        JsonNode described = src.path("describedObject");
        if (described.path("kind").asText("").isEmpty()) {
          errs.required(field + ".describedObject.kind");
        }
        if (described.path("name").asText("").isEmpty()) {
          errs.required(field + ".describedObject.name");
        }
        metricIdentifier(src.path("metric"), field + ".metric", errs);
        target(t, field + ".target", errs);
        if (!value && !average) {
          errs.required(field + ".target.averageValue", "must set either a target value or averageValue");
        }
      }
      default -> {
        metricIdentifier(src.path("metric"), field + ".metric", errs);
        target(t, field + ".target", errs);
        if (!value && !average) {
          errs.required(field + ".target.averageValue", "must set either a target value for metric or a per-pod "
              + "target");
        }
        if (value && average) {
          errs.forbidden(field + ".target.value", "may not set both a target value for metric and a per-pod target");
        }
      }
    }
  }

  /** The resources a container may request without a domain (kube's {@code IsStandardContainerResourceName}). */
  private static final List<String> STANDARD_CONTAINER_RESOURCES = List.of("cpu", "memory", "ephemeral-storage");

  private static void metricIdentifier(JsonNode id, String field, FieldErrors errs) {
    String name = id.path("name").asText("");
    if (name.isEmpty()) {
      errs.required(field + ".name", "must specify a metric name");
    } else if (name.equals(".") || name.equals("..")) {
      errs.invalid(field + ".name", name, "may not be '" + name + "'");
    } else if (name.contains("/") || name.contains("%")) {
      errs.invalid(field + ".name", name, "may not contain '" + (name.contains("/") ? "/" : "%") + "'");
    }
  }

  /** kube's {@code validateMetricTarget}. */
  private static void target(JsonNode t, String field, FieldErrors errs) {
    String type = t.path("type").asText("");
    if (type.isEmpty()) {
      errs.required(field + ".type", "must specify a metric target type");
    }
    if (!TARGET_TYPES.contains(type)) {
      errs.invalid(field + ".type", type, "must be either Utilization, Value, or AverageValue");
    }
    for (String q : new String[] {"value", "averageValue"}) {
      if (t.hasNonNull(q) && t.get(q).asText().trim().startsWith("-") || t.hasNonNull(q) && isZero(t.get(q))) {
        errs.invalid(field + "." + q, t.get(q), "must be positive");
      }
    }
    if (t.hasNonNull("averageUtilization") && t.path("averageUtilization").asLong() < 1) {
      errs.invalid(field + ".averageUtilization", t.get("averageUtilization"), "must be greater than 0");
    }
  }

  private static boolean isZero(JsonNode q) {
    try {
      return new java.math.BigDecimal(q.asText().replaceAll("[a-zA-Z]+$", "")).signum() == 0;
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static void rules(JsonNode r, String field, FieldErrors errs) {
    long window = r.path("stabilizationWindowSeconds").asLong(0);
    if (window < 0 || window > 3600) {
      errs.invalid(field + ".stabilizationWindowSeconds", r.get("stabilizationWindowSeconds"),
          window < 0 ? "must be greater than or equal to zero" : "must be less than or equal to 3600");
    }
    JsonNode select = r.get("selectPolicy");
    if (select != null && !select.isNull() && !SELECT_POLICIES.contains(select.asText())) {
      errs.notSupported(field + ".selectPolicy", select, SELECT_POLICIES);
    }
    if (r.path("policies").isEmpty() && !"Disabled".equals(r.path("selectPolicy").asText())) {
      errs.required(field + ".policies", "must specify at least one Policy");
    }
    int i = 0;
    for (JsonNode p : r.path("policies")) {
      String pf = field + ".policies[" + i++ + "]";
      if (!POLICY_TYPES.contains(p.path("type").asText())) {
        errs.notSupported(pf + ".type", p.get("type"), POLICY_TYPES);
      }
      if (p.path("value").asLong(0) <= 0) {
        errs.invalid(pf + ".value", p.get("value"), "must be greater than zero");
      }
      long period = p.path("periodSeconds").asLong(0);
      if (period <= 0 || period > 1800) {
        errs.invalid(pf + ".periodSeconds", p.get("periodSeconds"),
            period <= 0 ? "must be greater than zero" : "must be less than or equal to 1800");
      }
    }
  }
}
