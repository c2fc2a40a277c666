package io.dekube.core.model;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;

/** The shared, thread-safe Jackson mappers for JSON and YAML. */
public final class Json {

  /** JSON mapper: leaves nulls out, tolerates unknown fields when binding typed models. */
  public static final ObjectMapper MAPPER = new ObjectMapper()
      .setSerializationInclusion(JsonInclude.Include.NON_NULL)
      .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** YAML mapper, writing without the leading {@code ---} document marker. */
  public static final ObjectMapper YAML = new ObjectMapper(
      new YAMLFactory().disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
          .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES))
      .setSerializationInclusion(JsonInclude.Include.NON_NULL);

  /**
   * JSON as Go's {@code encoding/json} writes it, which kube uses for the JSON it keeps in strings (annotations): beyond
   * JSON's own escapes, {@code < > &} and the line and paragraph separators as {@code \\u003c}... Thread-safe.
   */
  public static final ObjectWriter GO = MAPPER.writer().with(new GoEscapes());

  private Json() {
  }

  /** encoding/json's escapes beyond JSON's own: {@code < > &} and U+2028, U+2029. */
  private static final class GoEscapes extends CharacterEscapes {
    private final int[] ascii = standardAsciiEscapesForJSON();

    GoEscapes() {
      ascii['<'] = ESCAPE_CUSTOM;
      ascii['>'] = ESCAPE_CUSTOM;
      ascii['&'] = ESCAPE_CUSTOM;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
      return ascii;
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
      return ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029
          ? new SerializedString(String.format("\\u%04x", ch)) : null;
    }
  }

  /** A new empty object node. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** The object's {@code metadata}, created when missing. */
  public static ObjectNode metadata(ObjectNode object) {
    return child(object, "metadata");
  }

  /** The object field {@code name} of {@code parent}, created (or replaced, when not an object) when missing. */
  public static ObjectNode child(ObjectNode parent, String name) {
    return parent.get(name) instanceof ObjectNode o ? o : parent.putObject(name);
  }

  /** JSON equality where numbers compare by value (a parsed {@code 1} is an int, a set one may be a long). */
  public static boolean sameValue(JsonNode a, JsonNode b) {
    return a.equals(NUMERIC_VALUE, b);
  }

  private static final java.util.Comparator<JsonNode> NUMERIC_VALUE = (x, y) -> {
    if (x.isNumber() && y.isNumber()) {
      return x.decimalValue().compareTo(y.decimalValue());
    }
    return x.equals(y) ? 0 : 1;
  };
}
