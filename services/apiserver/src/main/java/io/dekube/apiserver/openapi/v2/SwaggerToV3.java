package io.dekube.apiserver.openapi.v2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.List;
import java.util.Map;

/**
 * kube-openapi's {@code openapiconv.ConvertV2ToV3}, which kube-aggregator applies to the
 * {@code /openapi/v2} of an aggregated API server that serves no {@code /openapi/v3} (metrics-server):
 * definitions become {@code components/schemas} (references rewritten, a reference with words beside
 * it wrapped in a one-element {@code allOf}, as v3 wants it), the {@code body} parameter a
 * {@code requestBody} for each {@code consumes} type, a response's schema its {@code content} for each
 * {@code produces} type, the other parameters get a {@code schema}; security definitions become
 * security schemes. Lossy where v3 has no counterpart, as kube's. Pure; returns a fresh tree.
 */
public final class SwaggerToV3 {

  private static final String V2_REF = "#/definitions/";
  private static final String V3_REF = "#/components/schemas/";
  private static final List<String> OPERATIONS = List.of("get", "put", "post", "delete", "options", "head", "patch");

  private SwaggerToV3() {
  }

  /** The v3 form of a Swagger 2.0 document. */
  public static ObjectNode convert(JsonNode v2) {
    ObjectNode doc = Json.object().put("openapi", "3.0.0");
    doc.set("info", v2.path("info").deepCopy());
    ObjectNode paths = doc.putObject("paths");
    v2.path("paths").fields().forEachRemaining(e -> paths.set(e.getKey(), pathItem(e.getValue())));
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    v2.path("definitions").fields().forEachRemaining(e -> schemas.set(e.getKey(), schema(e.getValue())));
    if (v2.has("securityDefinitions")) {
      components.set("securitySchemes", v2.get("securityDefinitions").deepCopy());
    }
    if (v2.has("security")) {
      doc.set("security", v2.get("security").deepCopy());
    }
    return doc;
  }

  /** A v2 schema as v3 writes it. */
  static JsonNode schema(JsonNode v2) {
    if (v2.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      v2.forEach(n -> out.add(schema(n)));
      return out;
    }
    if (!v2.isObject()) {
      return v2.deepCopy();
    }
    ObjectNode out = Json.object();
    JsonNode ref = v2.get("$ref");
    if (ref != null && v2.size() > 1) {
      // words beside a reference: v3 ignores a $ref's siblings, so kube wraps the reference in allOf
      out.putArray("allOf").addObject().put("$ref", ref(ref.asText()));
    }
    v2.fields().forEachRemaining(e -> {
      switch (e.getKey()) {
        case "$ref" -> {
          if (v2.size() == 1) {
            out.put("$ref", ref(e.getValue().asText()));
          }
        }
        case "properties", "patternProperties" -> {
          ObjectNode props = out.putObject(e.getKey());
          e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), schema(p.getValue())));
        }
        case "items", "additionalProperties", "allOf", "anyOf", "oneOf", "not" -> out.set(e.getKey(),
            schema(e.getValue()));
        default -> out.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    return out;
  }

  private static String ref(String v2) {
    return v2.startsWith(V2_REF) ? V3_REF + v2.substring(V2_REF.length()) : v2;
  }

  private static ObjectNode pathItem(JsonNode v2) {
    ObjectNode out = Json.object();
    v2.fields().forEachRemaining(e -> {
      if (e.getKey().equals("parameters")) {
        out.set("parameters", parameters(e.getValue()));
      } else if (OPERATIONS.contains(e.getKey())) {
        out.set(e.getKey(), operation(e.getValue()));
      } else {
        out.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    return out;
  }

  private static ArrayNode parameters(JsonNode v2) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode p : v2) {
      if (p.path("in").asText().equals("body")) {
        continue;
      }
      ObjectNode q = Json.object().put("name", p.path("name").asText()).put("in", p.path("in").asText());
      if (p.has("description")) {
        q.set("description", p.get("description"));
      }
      if (p.path("required").asBoolean()) {
        q.put("required", true);
      }
      ObjectNode s = q.putObject("schema");
      for (Map.Entry<String, JsonNode> f : (Iterable<Map.Entry<String, JsonNode>>) p::fields) {
        if (!List.of("name", "in", "description", "required").contains(f.getKey())) {
          s.set(f.getKey(), schema(f.getValue()));
        }
      }
      out.add(q);
    }
    return out;
  }

  private static ObjectNode operation(JsonNode v2) {
    ObjectNode out = Json.object();
    List<String> consumes = strings(v2.path("consumes"));
    List<String> produces = strings(v2.path("produces"));
    v2.fields().forEachRemaining(e -> {
      switch (e.getKey()) {
        case "consumes", "produces", "schemes" -> {
          // into requestBody and responses
        }
        case "parameters" -> {
          ArrayNode params = parameters(e.getValue());
          if (!params.isEmpty()) {
            out.set("parameters", params);
          }
          for (JsonNode p : e.getValue()) {
            if (p.path("in").asText().equals("body")) {
              ObjectNode body = out.putObject("requestBody");
              ObjectNode content = body.putObject("content");
              for (String type : consumes.isEmpty() ? List.of("application/json") : consumes) {
                content.putObject(type).set("schema", schema(p.path("schema")));
              }
              if (p.path("required").asBoolean()) {
                body.put("required", true);
              }
            }
          }
        }
        case "responses" -> {
          ObjectNode responses = out.putObject("responses");
          e.getValue().fields().forEachRemaining(r -> {
            ObjectNode resp = responses.putObject(r.getKey());
            resp.put("description", r.getValue().path("description").asText());
            if (r.getValue().has("schema")) {
              ObjectNode content = resp.putObject("content");
              for (String type : produces.isEmpty() ? List.of("application/json") : produces) {
                content.putObject(type).set("schema", schema(r.getValue().get("schema")));
              }
            }
          });
        }
        default -> out.set(e.getKey(), e.getValue().deepCopy());
      }
    });
    return out;
  }

  private static List<String> strings(JsonNode array) {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
