package io.dekube.core.patch.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/** Reading and writing {@code metadata.managedFields}. Pure. */
public final class ManagedFields {

  /** One managedFields entry; {@code fields} is mutable while an apply computes the new entries. */
  public record Entry(String manager, String operation, String apiVersion, String time, FieldSet fields,
                      String subresource) {

    /** kube's manager identifier: the entry's manager, operation, apiVersion (of updates), subresource as JSON. */
    public String identifier() {
      ObjectNode id = Json.object().put("manager", manager).put("operation", operation);
      if (operation.equals("Update")) {
        id.put("apiVersion", apiVersion);
      }
      if (subresource != null && !subresource.isEmpty()) {
        id.put("subresource", subresource);
      }
      return id.toString();
    }

    /** How kube names the manager in conflict messages: {@code "kubectl-client-side-apply" using apps/v1}. */
    public String describe() {
      String who = Json.MAPPER.getNodeFactory().textNode(manager).toString();
      if (subresource != null && !subresource.isEmpty()) {
        who += " with subresource \"" + subresource + "\"";
      }
      return operation.equals("Update") ? who + " using " + apiVersion : who;
    }
  }

  private ManagedFields() {
  }

  public static String time(Instant now) {
    return DateTimeFormatter.ISO_INSTANT.format(now.truncatedTo(ChronoUnit.SECONDS));
  }

  /** The entries of an object (empty when none). */
  public static List<Entry> read(ObjectNode obj) {
    List<Entry> out = new ArrayList<>();
    for (JsonNode e : obj.path("metadata").path("managedFields")) {
      out.add(new Entry(e.path("manager").asText(""), e.path("operation").asText("Update"),
          e.path("apiVersion").asText(""), e.path("time").asText(null), FieldSet.fromFieldsV1(e.get("fieldsV1")),
          e.path("subresource").asText(null)));
    }
    return out;
  }

  /** The entry of a manager and operation (main resource), or null. */
  public static Entry find(List<Entry> entries, String manager, String operation) {
    return find(entries, manager, operation, null);
  }

  /** The entry of a manager, operation and subresource (null or "" for the main resource), or null. */
  public static Entry find(List<Entry> entries, String manager, String operation, String subresource) {
    String wanted = subresource == null ? "" : subresource;
    for (Entry e : entries) {
      String sub = e.subresource() == null ? "" : e.subresource();
      if (e.manager().equals(manager) && e.operation().equals(operation) && sub.equals(wanted)) {
        return e;
      }
    }
    return null;
  }

  /** Replaces the object's managedFields with the entries (none: the field is removed). */
  public static void write(ObjectNode obj, List<Entry> entries) {
    ObjectNode meta = Json.metadata(obj);
    if (entries.isEmpty()) {
      meta.remove("managedFields");
      return;
    }
    ArrayNode list = meta.putArray("managedFields");
    for (Entry e : entries) {
      ObjectNode o = list.addObject().put("manager", e.manager()).put("operation", e.operation())
          .put("apiVersion", e.apiVersion());
      if (e.time() != null) {
        o.put("time", e.time());
      }
      o.put("fieldsType", "FieldsV1");
      o.set("fieldsV1", e.fields().toFieldsV1());
      if (e.subresource() != null && !e.subresource().isEmpty()) {
        o.put("subresource", e.subresource());
      }
    }
  }
}
