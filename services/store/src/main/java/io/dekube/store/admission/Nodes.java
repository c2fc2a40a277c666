package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Small helpers to read and default fields of Jackson trees. */
final class Nodes {

  private Nodes() {
  }

  /** The child object, created (replacing a non-object) when absent. */
  static ObjectNode obj(ObjectNode parent, String field) {
    JsonNode n = parent.get(field);
    return n instanceof ObjectNode o ? o : parent.putObject(field);
  }

  /** The child object or null. */
  static ObjectNode objOrNull(JsonNode parent, String field) {
    JsonNode n = parent == null ? null : parent.get(field);
    return n instanceof ObjectNode o ? o : null;
  }

  /** The elements of an array field that are objects; empty when absent. */
  static List<ObjectNode> objects(JsonNode parent, String field) {
    List<ObjectNode> out = new ArrayList<>();
    JsonNode n = parent == null ? null : parent.get(field);
    if (n instanceof ArrayNode a) {
      for (JsonNode e : a) {
        if (e instanceof ObjectNode o) {
          out.add(o);
        }
      }
    }
    return out;
  }

  static boolean absent(JsonNode parent, String field) {
    JsonNode n = parent.get(field);
    return n == null || n.isNull() || (n.isTextual() && n.asText().isEmpty());
  }

  static void defaultText(ObjectNode parent, String field, String value) {
    if (absent(parent, field)) {
      parent.put(field, value);
    }
  }

  static void defaultInt(ObjectNode parent, String field, int value) {
    if (absent(parent, field)) {
      parent.put(field, value);
    }
  }

  static void defaultLong(ObjectNode parent, String field, long value) {
    if (absent(parent, field)) {
      parent.put(field, value);
    }
  }

  static void defaultBool(ObjectNode parent, String field, boolean value) {
    if (absent(parent, field)) {
      parent.put(field, value);
    }
  }

  static String text(JsonNode parent, String field) {
    JsonNode n = parent == null ? null : parent.get(field);
    return n == null || n.isNull() ? "" : n.asText();
  }
}
