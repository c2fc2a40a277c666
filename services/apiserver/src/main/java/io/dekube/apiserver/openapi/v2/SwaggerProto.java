package io.dekube.apiserver.openapi.v2;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;

/**
 * Encodes a Swagger 2.0 tree as gnostic's {@code openapi.v2.Document} protobuf message — what
 * kube-apiserver answers to {@code Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf}
 * and what kubectl (1.27 and later) decodes for validation, {@code explain} and apply. Field
 * numbers are those of gnostic's {@code OpenAPIv2.proto}; values of {@code default}, {@code enum},
 * {@code example} and vendor extensions are {@code Any} messages holding YAML (JSON text is YAML).
 * Pure.
 */
public final class SwaggerProto {

  private SwaggerProto() {
  }

  /** The protobuf bytes of a Swagger 2.0 document tree. */
  public static byte[] encode(JsonNode doc) {
    ProtoWriter d = new ProtoWriter().string(1, doc.path("swagger").asText());
    d.message(2, new ProtoWriter().string(1, doc.at("/info/title").asText()).string(2, doc.at("/info/version").asText()));
    ProtoWriter paths = new ProtoWriter();
    doc.path("paths").fields().forEachRemaining(e -> paths.message(2, named(e.getKey(), pathItem(e.getValue()))));
    d.message(8, paths);
    ProtoWriter defs = new ProtoWriter();
    doc.path("definitions").fields().forEachRemaining(e -> defs.message(1, named(e.getKey(), schema(e.getValue()))));
    d.message(9, defs);
    for (JsonNode req : doc.path("security")) {
      ProtoWriter r = new ProtoWriter();
      req.fields().forEachRemaining(e -> r.message(1, named(e.getKey(), strings(new ProtoWriter(), 1, e.getValue()))));
      d.message(12, r);
    }
    ProtoWriter sec = new ProtoWriter();
    doc.path("securityDefinitions").fields().forEachRemaining(e -> {
      JsonNode s = e.getValue();
      ProtoWriter apiKey = new ProtoWriter().string(1, s.path("type").asText()).string(2, s.path("name").asText())
          .string(3, s.path("in").asText()).string(4, s.path("description").asText());
      sec.message(1, named(e.getKey(), new ProtoWriter().message(2, apiKey)));
    });
    d.message(13, sec);
    return d.toBytes();
  }

  private static ProtoWriter named(String name, ProtoWriter value) {
    return new ProtoWriter().string(1, name).message(2, value);
  }

  private static ProtoWriter any(JsonNode value) {
    return new ProtoWriter().string(2, value.toString() + "\n");
  }

  private static ProtoWriter strings(ProtoWriter w, int field, JsonNode array) {
    array.forEach(v -> w.string(field, v.asText()));
    return w;
  }

  static ProtoWriter schema(JsonNode s) {
    ProtoWriter w = new ProtoWriter();
    w.string(1, s.path("$ref").asText()).string(2, s.path("format").asText()).string(3, s.path("title").asText())
        .string(4, s.path("description").asText());
    if (s.has("default")) {
      w.message(5, any(s.get("default")));
    }
    w.dbl(6, s.path("multipleOf").asDouble()).dbl(7, s.path("maximum").asDouble())
        .bool(8, s.path("exclusiveMaximum").asBoolean()).dbl(9, s.path("minimum").asDouble())
        .bool(10, s.path("exclusiveMinimum").asBoolean()).int64(11, s.path("maxLength").asLong())
        .int64(12, s.path("minLength").asLong()).string(13, s.path("pattern").asText())
        .int64(14, s.path("maxItems").asLong()).int64(15, s.path("minItems").asLong())
        .bool(16, s.path("uniqueItems").asBoolean()).int64(17, s.path("maxProperties").asLong())
        .int64(18, s.path("minProperties").asLong());
    strings(w, 19, s.path("required"));
    s.path("enum").forEach(v -> w.message(20, any(v)));
    JsonNode additional = s.get("additionalProperties");
    if (additional != null) {
      w.message(21, additional.isBoolean() ? new ProtoWriter().bool(2, additional.asBoolean())
          : new ProtoWriter().message(1, schema(additional)));
    }
    JsonNode type = s.get("type");
    if (type != null) {
      w.message(22, type.isArray() ? strings(new ProtoWriter(), 1, type) : new ProtoWriter().string(1, type.asText()));
    }
    JsonNode items = s.get("items");
    if (items != null) {
      ProtoWriter item = new ProtoWriter();
      if (items.isArray()) {
        items.forEach(i -> item.message(1, schema(i)));
      } else {
        item.message(1, schema(items));
      }
      w.message(23, item);
    }
    s.path("allOf").forEach(a -> w.message(24, schema(a)));
    if (s.has("properties")) {
      ProtoWriter props = new ProtoWriter();
      s.get("properties").fields().forEachRemaining(e -> props.message(1, named(e.getKey(), schema(e.getValue()))));
      w.message(25, props);
    }
    w.string(26, s.path("discriminator").asText()).bool(27, s.path("readOnly").asBoolean());
    if (s.has("example")) {
      w.message(30, any(s.get("example")));
    }
    extensions(w, 31, s);
    return w;
  }

  private static void extensions(ProtoWriter w, int field, JsonNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getKey().startsWith("x-")) {
        w.message(field, named(e.getKey(), any(e.getValue())));
      }
    }
  }

  private static ProtoWriter pathItem(JsonNode p) {
    ProtoWriter w = new ProtoWriter();
    String[] methods = {"get", "put", "post", "delete", "options", "head", "patch"};
    for (int i = 0; i < methods.length; i++) {
      if (p.has(methods[i])) {
        w.message(i + 2, operation(p.get(methods[i])));
      }
    }
    p.path("parameters").forEach(param -> w.message(9, parameter(param)));
    extensions(w, 10, p);
    return w;
  }

  private static ProtoWriter operation(JsonNode o) {
    ProtoWriter w = new ProtoWriter();
    strings(w, 1, o.path("tags"));
    w.string(2, o.path("summary").asText()).string(3, o.path("description").asText())
        .string(5, o.path("operationId").asText());
    strings(w, 6, o.path("produces"));
    strings(w, 7, o.path("consumes"));
    o.path("parameters").forEach(param -> w.message(8, parameter(param)));
    ProtoWriter responses = new ProtoWriter();
    o.path("responses").fields().forEachRemaining(e -> {
      ProtoWriter r = new ProtoWriter().string(1, e.getValue().path("description").asText());
      if (e.getValue().has("schema")) {
        r.message(2, new ProtoWriter().message(1, schema(e.getValue().get("schema"))));
      }
      responses.message(1, named(e.getKey(), new ProtoWriter().message(1, r)));
    });
    w.message(9, responses);
    strings(w, 10, o.path("schemes"));
    w.bool(11, o.path("deprecated").asBoolean());
    extensions(w, 13, o);
    return w;
  }

  /** A ParametersItem holding a body parameter or a header/query/path parameter. */
  private static ProtoWriter parameter(JsonNode p) {
    String in = p.path("in").asText();
    ProtoWriter param = new ProtoWriter();
    if (in.equals("body")) {
      param.message(1, new ProtoWriter().string(1, p.path("description").asText()).string(2, p.path("name").asText())
          .string(3, in).bool(4, p.path("required").asBoolean()).message(5, schema(p.path("schema"))));
    } else {
      boolean query = in.equals("query") || in.equals("formData");
      // query and formData sub-schemas carry allowEmptyValue at 5, so their later fields sit one further
      int shift = query ? 1 : 0;
      ProtoWriter sub = new ProtoWriter().bool(1, p.path("required").asBoolean()).string(2, in)
          .string(3, p.path("description").asText()).string(4, p.path("name").asText())
          .string(5 + shift, p.path("type").asText()).string(6 + shift, p.path("format").asText())
          .bool(19 + shift, p.path("uniqueItems").asBoolean());
      int kind = switch (in) {
        case "header" -> 1;
        case "formData" -> 2;
        case "query" -> 3;
        default -> 4;
      };
      param.message(2, new ProtoWriter().message(kind, sub));
    }
    return new ProtoWriter().message(1, param);
  }
}
