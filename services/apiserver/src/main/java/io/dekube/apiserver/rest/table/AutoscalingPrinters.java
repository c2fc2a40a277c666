package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The table of horizontalpodautoscalers with kube's columns (NAME REFERENCE TARGETS MINPODS MAXPODS
 * REPLICAS AGE) and its TARGETS cell ({@code cpu: 12%/50%}, {@code <unknown>} before a measurement, at
 * most two metrics then {@code + N more...}); rows of {@code autoscaling/v1} objects read their CPU
 * target and current utilization fields.
 */
final class AutoscalingPrinters {

  private static final int SHOWN_METRICS = 2;

  private AutoscalingPrinters() {
  }

  static TablePrinter horizontalPodAutoscalers() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Reference", "Reference to the scale target"),
        Column.string("Targets", "Current and target values of the metrics"),
        Column.string("MinPods", "Lower limit for the number of pods that can be set by the autoscaler, default 1."),
        Column.integer("MaxPods", "Upper limit for the number of pods that can be set by the autoscaler; "
            + "cannot be smaller than MinPods."),
        Column.integer("Replicas", "Current number of replicas of pods managed by this autoscaler."),
        Column.AGE),
        (hpa, now) -> List.of(name(hpa), at(hpa, "spec", "scaleTargetRef", "kind").asText("") + "/"
                + at(hpa, "spec", "scaleTargetRef", "name").asText(""), targets(hpa),
            at(hpa, "spec", "minReplicas").isNumber() ? at(hpa, "spec", "minReplicas").asText() : "<unset>",
            at(hpa, "spec", "maxReplicas").asLong(0), at(hpa, "status", "currentReplicas").asLong(0), age(hpa, now)));
  }

  /**
   * The table of an {@code autoscaling/v1} Scale ({@code kubectl get deploy/x --subresource=scale}):
   * NAME DESIRED AVAILABLE AGE, as kube's {@code printScale}; kube's Name column has no
   * {@code name} format here.
   */
  static TablePrinter scales() {
    return TablePrinter.of(List.of(new Column("Name", "string", "", Column.NAME.description(), 0),
        Column.integer("Desired", "replicas is the desired number of instances for the scaled object."),
        Column.integer("Available", "replicas is the actual number of observed instances of the scaled object."),
        Column.AGE),
        (s, now) -> List.of(name(s), Cells.num(s, "spec", "replicas"), Cells.num(s, "status", "replicas"),
            age(s, now)));
  }

  /** The TARGETS cell, as kube's {@code formatHPAMetrics}. */
  static String targets(JsonNode hpa) {
    if ("autoscaling/v1".equals(hpa.path("apiVersion").asText())) {
      JsonNode current = at(hpa, "status", "currentCPUUtilizationPercentage");
      JsonNode target = at(hpa, "spec", "targetCPUUtilizationPercentage");
      return "cpu: " + (current.isNumber() ? current.asInt() + "%" : "<unknown>") + "/"
          + (target.isNumber() ? target.asInt() + "%" : "<auto>");
    }
    JsonNode specs = at(hpa, "spec", "metrics");
    if (specs.isEmpty()) {
      return "<none>";
    }
    JsonNode statuses = at(hpa, "status", "currentMetrics");
    List<String> list = new ArrayList<>();
    for (int i = 0; i < specs.size(); i++) {
      list.add(metric(specs.get(i), statuses.path(i)));
    }
    String shown = String.join(", ", list.subList(0, Math.min(SHOWN_METRICS, list.size())));
    return list.size() > SHOWN_METRICS ? shown + " + " + (list.size() - SHOWN_METRICS) + " more..." : shown;
  }

  private static String metric(JsonNode spec, JsonNode status) {
    String type = spec.path("type").asText();
    String field = type.isEmpty() ? "" : Character.toLowerCase(type.charAt(0)) + type.substring(1);
    JsonNode target = spec.path(field).path("target");
    JsonNode current = status.path(field).path("current");
    boolean known = !status.path(field).isMissingNode();
    return switch (type) {
      case "Resource", "ContainerResource" -> {
        String resource = spec.path(field).path("name").asText() + ": ";
        if (target.hasNonNull("averageValue")) {
          yield resource + (known ? current.path("averageValue").asText("<unknown>") : "<unknown>") + "/"
              + target.path("averageValue").asText();
        }
        String now = known && current.path("averageUtilization").isNumber()
            ? current.path("averageUtilization").asInt() + "%" : "<unknown>";
        String goal = target.path("averageUtilization").isNumber() ? target.path("averageUtilization").asInt() + "%"
            : "<auto>";
        yield resource + now + "/" + goal;
      }
      case "Pods" -> (known ? current.path("averageValue").asText("<unknown>") : "<unknown>") + "/"
          + target.path("averageValue").asText();
      case "Object", "External" -> target.hasNonNull("averageValue")
          ? (known ? current.path("averageValue").asText("<unknown>") : "<unknown>") + "/"
              + target.path("averageValue").asText() + " (avg)"
          : (known ? current.path("value").asText("<unknown>") : "<unknown>") + "/" + target.path("value").asText();
      default -> "<unknown type>";
    };
  }
}
