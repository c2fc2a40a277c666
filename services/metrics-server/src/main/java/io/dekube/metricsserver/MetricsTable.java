package io.dekube.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.math.BigInteger;

/**
 * The {@code meta.k8s.io/v1} Table of NodeMetrics and PodMetrics, for {@code kubectl get
 * nodes.metrics.k8s.io} / {@code pods.metrics.k8s.io}, with metrics-server's columns: Name, CPU, Memory,
 * Window (a pod's usage summed over its containers). Pure.
 */
final class MetricsTable {

  private MetricsTable() {
  }

  /** Whether an {@code Accept} header asks for a Table. */
  static boolean wanted(String accept) {
    return accept != null && accept.contains("as=Table") && accept.contains("g=meta.k8s.io");
  }

  /** The Table of a NodeMetrics/PodMetrics object or list. */
  static ObjectNode of(ObjectNode answer) {
    ObjectNode table = Json.object().put("kind", "Table").put("apiVersion", "meta.k8s.io/v1");
    table.set("metadata", answer.path("metadata").isObject() && answer.has("items") ? answer.get("metadata").deepCopy()
        : Json.object());
    ArrayNode columns = table.putArray("columnDefinitions");
    column(columns, "Name", "name", "Name of the resource");
    column(columns, "CPU", "", "CPU usage");
    column(columns, "Memory", "", "Memory usage");
    column(columns, "Window", "", "Interval over which the usage was measured");
    ArrayNode rows = table.putArray("rows");
    if (answer.has("items")) {
      answer.path("items").forEach(item -> rows.add(row(item)));
    } else if (answer.has("metadata")) {
      rows.add(row(answer));
    }
    return table;
  }

  private static void column(ArrayNode columns, String name, String format, String description) {
    columns.addObject().put("name", name).put("type", "string").put("format", format).put("description", description)
        .put("priority", 0);
  }

  private static ObjectNode row(JsonNode item) {
    BigInteger cpu = BigInteger.ZERO;
    BigInteger memory = BigInteger.ZERO;
    Iterable<JsonNode> usages = item.has("usage") ? java.util.List.of(item.get("usage"))
        : () -> java.util.stream.StreamSupport.stream(item.path("containers").spliterator(), false)
            .map(c -> c.path("usage")).iterator();
    for (JsonNode u : usages) {
      cpu = cpu.add(number(u.path("cpu").asText(), "n"));
      memory = memory.add(number(u.path("memory").asText(), "Ki"));
    }
    ObjectNode row = Json.object();
    row.putArray("cells").add(item.path("metadata").path("name").asText()).add(cpu + "n").add(memory + "Ki")
        .add(item.path("window").asText());
    ObjectNode object = row.putObject("object").put("kind", "PartialObjectMetadata")
        .put("apiVersion", "meta.k8s.io/v1");
    object.set("metadata", item.path("metadata").deepCopy());
    return row;
  }

  private static BigInteger number(String quantity, String suffix) {
    String digits = quantity.endsWith(suffix) ? quantity.substring(0, quantity.length() - suffix.length()) : quantity;
    try {
      return new BigInteger(digits);
    } catch (NumberFormatException e) {
      return BigInteger.ZERO;
    }
  }
}
