package io.dekube.apiserver.rest.table;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Instant;
import java.util.List;

/**
 * Builds {@code meta.k8s.io} Tables: column definitions and one row per object, each row's
 * {@code object} being nothing, a {@code PartialObjectMetadata} or the object per
 * {@link IncludeObject}. Pure and thread-safe.
 */
public final class TableBuilder {

  private TableBuilder() {
  }

  /**
   * A Table of objects.
   *
   * @param printer     the kind's printer
   * @param objects     the rows' objects, in order (already in the requested version)
   * @param include     what each row's {@code object} holds
   * @param metaVersion {@code v1} or {@code v1beta1}
   * @param listMeta    the table's {@code metadata} (resourceVersion, continue...), copied
   * @param headers     whether to include the column definitions (watch events after the first may omit them)
   * @param now         the time ages are measured to
   */
  public static ObjectNode table(TablePrinter printer, List<ObjectNode> objects, IncludeObject include,
                                 String metaVersion, ObjectNode listMeta, boolean headers, Instant now) {
    ObjectNode t = Json.object();
    t.put("kind", "Table").put("apiVersion", "meta.k8s.io/" + metaVersion);
    t.set("metadata", listMeta == null ? Json.object() : listMeta.deepCopy());
    ArrayNode cols = t.putArray("columnDefinitions");
    if (headers) {
      printer.columns().forEach(c -> cols.add(c.toJson()));
    }
    ArrayNode rows = t.putArray("rows");
    for (ObjectNode o : printer.ordered(objects)) {
      rows.add(row(printer, o, include, metaVersion, now));
    }
    return t;
  }

  /** One row: cells, conditions when the printer gives them, and the object per {@code include}. */
  public static ObjectNode row(TablePrinter printer, ObjectNode object, IncludeObject include, String metaVersion,
                               Instant now) {
    ObjectNode row = Json.object();
    ArrayNode cells = row.putArray("cells");
    for (Object c : printer.cells(object, now)) {
      if (c instanceof Long l) {
        cells.add(l);
      } else if (c instanceof Boolean b) {
        cells.add(b);
      } else if (c instanceof Double d) {
        cells.add(d);
      } else if (c == null) {
        cells.addNull();
      } else {
        cells.add(String.valueOf(c));
      }
    }
    ArrayNode conditions = printer.conditions(object);
    if (conditions != null) {
      row.set("conditions", conditions);
    }
    switch (include) {
      case OBJECT -> row.set("object", object);
      case METADATA -> row.set("object", partialMetadata(object, metaVersion));
      case NONE -> { }
    }
    return row;
  }

  /** The {@code PartialObjectMetadata} of an object: kind, apiVersion and its metadata. */
  public static ObjectNode partialMetadata(ObjectNode object, String metaVersion) {
    ObjectNode p = Json.object();
    p.put("kind", "PartialObjectMetadata").put("apiVersion", "meta.k8s.io/" + metaVersion);
    p.set("metadata", object.path("metadata").isObject() ? object.get("metadata") : Json.object());
    return p;
  }
}
