package io.dekube.apiserver.rest.table;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.CustomKind;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The Table of a custom resource, as kube-apiextensions' table convertor builds it: Name, then the
 * version's {@code additionalPrinterColumns} (their JSONPath read from the object; {@code date}
 * columns as a human age), or Name and Age when the CRD declares none. Pure and thread-safe.
 */
public final class CustomPrinter implements TablePrinter {

  private record Def(Column column, List<JsonPaths.Step> path) {
  }

  private final List<Def> defs;

  private CustomPrinter(List<Def> defs) {
    this.defs = defs;
  }

  /** The printer of one served version of a kind. */
  public static TablePrinter of(CustomKind.Version version) {
    JsonNode cols = version.printerColumns();
    List<Def> defs = new ArrayList<>();
    if (cols == null || !cols.isArray() || cols.isEmpty()) {
      defs.add(new Def(new Column("Age", "date", "", Column.AGE.description(), 0),
          JsonPaths.parse(".metadata.creationTimestamp")));
    } else {
      for (JsonNode c : cols) {
        defs.add(new Def(new Column(c.path("name").asText(), c.path("type").asText("string"),
            c.path("format").asText(""), c.path("description").asText(""), c.path("priority").asInt(0)),
            JsonPaths.parse(c.path("jsonPath").asText())));
      }
    }
    return new CustomPrinter(List.copyOf(defs));
  }

  @Override
  public List<Column> columns() {
    List<Column> out = new ArrayList<>();
    out.add(Column.NAME);
    defs.forEach(d -> out.add(d.column()));
    return out;
  }

  @Override
  public List<Object> cells(ObjectNode object, Instant now) {
    List<Object> out = new ArrayList<>();
    out.add(Cells.name(object));
    for (Def d : defs) {
      out.add(cell(d.column().type(), JsonPaths.read(object, d.path()), now));
    }
    return out;
  }

  private static Object cell(String type, JsonNode v, Instant now) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return null;
    }
    return switch (type) {
      case "integer" -> v.isNumber() ? (Object) v.asLong() : v.asText();
      case "number" -> v.isNumber() ? (Object) v.asDouble() : v.asText();
      case "boolean" -> v.isBoolean() ? (Object) v.asBoolean() : v.asText();
      case "date" -> Cells.since(v.asText(), now);
      default -> v.isValueNode() ? v.asText() : v.toString();
    };
  }
}
