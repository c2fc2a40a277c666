package io.dekube.apiserver.codec;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one JSON or YAML value from a streaming parser into a Jackson tree, keeping the last of
 * duplicate object fields (as Go's decoder does) and recording their paths, as
 * {@code sigs.k8s.io/json} reports them for {@code fieldValidation}: {@code spec.replicas},
 * {@code spec.containers[0].name}. Not thread-safe: one instance per read.
 */
final class TreeReader {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private final JsonParser parser;
  private final List<String> duplicates = new ArrayList<>();

  TreeReader(JsonParser parser) {
    this.parser = parser;
  }

  /** The duplicate field paths met so far, in document order. */
  List<String> duplicates() {
    return duplicates;
  }

  /** Reads the next value; null at end of input. */
  JsonNode read() throws IOException {
    JsonToken t = parser.nextToken();
    return t == null ? null : value(t, "");
  }

  private JsonNode value(JsonToken t, String path) throws IOException {
    return switch (t) {
      case START_OBJECT -> object(path);
      case START_ARRAY -> array(path);
      case VALUE_STRING -> NODES.textNode(parser.getText());
      case VALUE_NUMBER_INT -> integer();
      case VALUE_NUMBER_FLOAT -> NODES.numberNode(parser.getDecimalValue());
      case VALUE_TRUE -> NODES.booleanNode(true);
      case VALUE_FALSE -> NODES.booleanNode(false);
      case VALUE_NULL -> NODES.nullNode();
      case VALUE_EMBEDDED_OBJECT -> embedded();
      default -> throw new IOException("unexpected token " + t);
    };
  }

  private JsonNode integer() throws IOException {
    return switch (parser.getNumberType()) {
      case INT -> NODES.numberNode(parser.getIntValue());
      case LONG -> NODES.numberNode(parser.getLongValue());
      default -> NODES.numberNode(parser.getBigIntegerValue());
    };
  }

  private JsonNode embedded() throws IOException {
    Object o = parser.getEmbeddedObject();
    return o == null ? NODES.nullNode() : NODES.textNode(o.toString());
  }

  private ObjectNode object(String path) throws IOException {
    ObjectNode node = NODES.objectNode();
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_OBJECT; t = parser.nextToken()) {
      String name = parser.currentName();
      String child = path.isEmpty() ? name : path + "." + name;
      if (node.has(name)) {
        duplicates.add(child);
      }
      node.set(name, value(parser.nextToken(), child));
    }
    return node;
  }

  private ArrayNode array(String path) throws IOException {
    ArrayNode node = NODES.arrayNode();
    int i = 0;
    for (JsonToken t = parser.nextToken(); t != JsonToken.END_ARRAY; t = parser.nextToken()) {
      node.add(value(t, path + "[" + i++ + "]"));
    }
    return node;
  }
}
