package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cel.common.values.CelByteString;
import dev.cel.common.values.NullValue;
import io.dekube.core.model.GoDuration;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * JSON values as CEL sees them, as kube converts them: objects are maps of string to their properties'
 * values (with a schema, the values of the struct {@link SchemaTypes} declares: keys escaped as
 * {@link CelNames} escapes them, those that cannot be left out), arrays lists, integers {@code int}
 * ({@code double} where the schema says {@code number}), strings of format byte, duration, date and
 * date-time bytes, durations and timestamps. Pure.
 */
public final class CelValues {

  private CelValues() {
  }

  /** {@code v} as a CEL value, without a schema. */
  public static Object of(JsonNode v) {
    return of(v, null);
  }

  /** {@code v} as a CEL value, typed by {@code schema} where it has one (null: by the JSON alone). */
  public static Object of(JsonNode v, JsonNode schema) {
    if (v == null || v.isNull() || v.isMissingNode()) {
      return NullValue.NULL_VALUE;
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isNumber()) {
      boolean number = schema != null && "number".equals(schema.path("type").asText());
      if (v.isIntegralNumber() && v.canConvertToLong() && !number) {
        return v.longValue();
      }
      return v.doubleValue();
    }
    if (v.isTextual()) {
      return schema == null || !"string".equals(schema.path("type").asText()) ? v.textValue()
          : formatted(v.textValue(), schema.path("format").asText(""));
    }
    if (v.isArray()) {
      JsonNode items = schema == null ? null : schema.get("items");
      List<Object> out = new ArrayList<>(v.size());
      v.forEach(e -> out.add(of(e, items)));
      return Collections.unmodifiableList(out);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    JsonNode props = schema == null ? null : schema.get("properties");
    JsonNode additional = schema == null ? null : schema.get("additionalProperties");
    boolean struct = schema != null && "object".equals(schema.path("type").asText())
        && (additional == null || !additional.isObject());
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      JsonNode child = props != null ? props.get(e.getKey()) : null;
      if (child == null && additional != null && additional.isObject()) {
        child = additional;
      }
      if (!struct) {
        out.put(e.getKey(), of(e.getValue(), child));
      } else {
        // a struct's fields are its properties' escaped names; kube's rules cannot see the others
        Optional<String> name = CelNames.escape(e.getKey());
        if (name.isPresent()) {
          out.put(name.get(), of(e.getValue(), child));
        }
      }
    }
    return Collections.unmodifiableMap(out);
  }

  /**
   * A string of {@code format} as kube's rules see it: {@code byte} base64-decoded to bytes,
   * {@code duration} a duration, {@code date} and {@code date-time} timestamps; the string itself when it
   * does not parse (the schema check has refused it already).
   */
  static Object formatted(String s, String format) {
    try {
      return switch (format) {
        case "byte" -> CelByteString.of(Base64.getDecoder().decode(s));
        case "duration" -> GoDuration.parse(s);
        case "date" -> LocalDate.parse(s).atStartOfDay(ZoneOffset.UTC).toInstant();
        case "date-time" -> OffsetDateTime.parse(s.replace(' ', 'T').replace('t', 'T').replace('z', 'Z'))
            .toInstant();
        default -> s;
      };
    } catch (IllegalArgumentException | DateTimeParseException e) {
      return s;
    }
  }

  /** CEL's text of a result, as kube's messages show it. */
  public static String text(Object v) {
    if (v instanceof NullValue) {
      return "null";
    }
    return String.valueOf(v);
  }
}
