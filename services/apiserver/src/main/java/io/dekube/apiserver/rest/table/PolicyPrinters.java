package io.dekube.apiserver.rest.table;

import static io.dekube.apiserver.rest.table.Cells.age;
import static io.dekube.apiserver.rest.table.Cells.at;
import static io.dekube.apiserver.rest.table.Cells.name;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Tables of priorityclasses, poddisruptionbudgets and resourcequotas, with kube's columns. */
final class PolicyPrinters {

  private PolicyPrinters() {
  }

  static TablePrinter priorityClasses() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.integer("Value", "Value is the integer value of this priority class. This is the actual priority that "
            + "pods receive when they have the name of this class in their pod spec."),
        new Column("Global-Default", "boolean", "", "globalDefault specifies whether this PriorityClass should be "
            + "considered as the default priority for pods that do not have any priority class.", 0),
        Column.AGE,
        Column.string("PreemptionPolicy", "preemptionPolicy is the Policy for preempting pods with lower priority.")),
        (pc, now) -> List.of(name(pc), at(pc, "value").asLong(0), at(pc, "globalDefault").asBoolean(false),
            age(pc, now), at(pc, "preemptionPolicy").asText("")));
  }

  static TablePrinter podDisruptionBudgets() {
    return TablePrinter.of(List.of(Column.NAME,
        Column.string("Min Available", "The minimum number of pods that must be available simultaneously. This can "
            + "be either an integer or a string specifying a percentage, e.g. \"28%\"."),
        Column.string("Max Unavailable", "The maximum number of pods that may be unavailable. This can be either an "
            + "integer or a string specifying a percentage, e.g. \"28%\"."),
        Column.integer("Allowed Disruptions", "Number of pod disruptions that are currently allowed."),
        Column.AGE),
        (pdb, now) -> List.of(name(pdb), intOrPercent(at(pdb, "spec", "minAvailable")),
            intOrPercent(at(pdb, "spec", "maxUnavailable")), at(pdb, "status", "disruptionsAllowed").asLong(0),
            age(pdb, now)));
  }

  /** kube 1.32's quota table: {@code REQUEST} and {@code LIMIT} as {@code name: used/hard}, limits.* in LIMIT. */
  static TablePrinter resourceQuotas() {
    return TablePrinter.of(List.of(Column.NAME, Column.AGE,
        Column.string("Request", "Request represents a minimum amount of cpu/memory that a container may consume."),
        Column.string("Limit", "Limits control the maximum amount of cpu/memory that a container may use independent "
            + "of contention on the node.")),
        (q, now) -> {
          java.util.StringJoiner request = new java.util.StringJoiner(", ");
          java.util.StringJoiner limit = new java.util.StringJoiner(", ");
          JsonNode hard = at(q, "status", "hard");
          JsonNode used = at(q, "status", "used");
          java.util.TreeSet<String> names = new java.util.TreeSet<>();
          hard.fieldNames().forEachRemaining(names::add);
          for (String r : names) {
            String cell = r + ": " + used.path(r).asText("0") + "/" + hard.path(r).asText();
            (r.startsWith("limits.") ? limit : request).add(cell);
          }
          return List.of(name(q), age(q, now), request.toString(), limit.toString());
        });
  }

  private static String intOrPercent(JsonNode v) {
    return v == null || v.isMissingNode() || v.isNull() ? "N/A" : v.asText();
  }
}
