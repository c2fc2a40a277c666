package io.dekube.apiserver.openapi.v2;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.openapi.OpenApiDocuments;
import io.dekube.core.model.Json;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The single Swagger 2.0 document kube-apiserver serves at {@code /openapi/v2}, derived from the
 * OpenAPI v3 documents of every group-version (the same model, so both say the same): the
 * {@code components/schemas} become {@code definitions} (refs rewritten, {@code allOf} around a
 * single ref unwrapped as kube's v2 writes it), the request bodies become {@code body} parameters
 * with {@code consumes}, the responses keep their schema and the media types become
 * {@code produces}. Pure; the result is a fresh tree.
 */
public final class SwaggerDocument {

  private static final String V3_REF = "#/components/schemas/";
  private static final String V2_REF = "#/definitions/";
  /** v3 writes these as a {@code oneOf} of types, kube's v2 as strings. */
  private static final String[] STRINGS = {"io.k8s.apimachinery.pkg.util.intstr.IntOrString",
      "io.k8s.apimachinery.pkg.api.resource.Quantity"};

  private SwaggerDocument() {
  }

  /** The Swagger 2.0 tree of all the v3 documents. */
  public static ObjectNode of(OpenApiDocuments v3) {
    Map<String, JsonNode> paths = new TreeMap<>();
    Map<String, JsonNode> definitions = new TreeMap<>();
    for (OpenApiDocuments.Document d : v3.documents().values()) {
      d.json().path("paths").fields().forEachRemaining(e -> paths.putIfAbsent(e.getKey(), pathItem(e.getValue())));
      d.json().path("components").path("schemas").fields()
          .forEachRemaining(e -> definitions.putIfAbsent(e.getKey(), schema(e.getValue())));
    }
    ObjectNode doc = Json.object();
    doc.put("swagger", "2.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    ObjectNode p = doc.putObject("paths");
    paths.forEach(p::set);
    ObjectNode defs = doc.putObject("definitions");
    definitions.forEach(defs::set);
    for (String scalar : STRINGS) {
      if (defs.get(scalar) instanceof ObjectNode o && !o.has("type")) {
        o.put("type", "string");
      }
    }
    doc.putObject("securityDefinitions").putObject("BearerToken").put("description", "Bearer Token authentication")
        .put("type", "apiKey").put("name", "authorization").put("in", "header");
    doc.putArray("security").addObject().putArray("BearerToken");
    return doc;
  }

  /** A v3 schema as v2 writes it. */
  static JsonNode schema(JsonNode v3) {
    if (v3.isArray()) {
      ArrayNode out = Json.MAPPER.createArrayNode();
      v3.forEach(n -> out.add(schema(n)));
      return out;
    }
    if (!v3.isObject()) {
      return v3;
    }
    ObjectNode in = (ObjectNode) v3;
    JsonNode allOf = in.get("allOf");
    if (allOf != null && allOf.size() == 1 && allOf.get(0).has("$ref")) {
      ObjectNode out = Json.object().put("$ref", ref(allOf.get(0).get("$ref").asText()));
      if (in.has("description")) {
        out.put("description", in.get("description").asText());
      }
      return out;
    }
    ObjectNode out = Json.object();
    for (Iterator<Map.Entry<String, JsonNode>> it = in.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      switch (e.getKey()) {
        case "$ref" -> out.put("$ref", ref(e.getValue().asText()));
        case "nullable", "oneOf", "anyOf", "not" -> {
          // not in Swagger 2.0
        }
        case "properties" -> {
          ObjectNode props = out.putObject("properties");
          e.getValue().fields().forEachRemaining(p -> props.set(p.getKey(), schema(p.getValue())));
        }
        case "items", "additionalProperties", "allOf" -> out.set(e.getKey(), schema(e.getValue()));
        default -> out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    return out;
  }

  private static String ref(String v3) {
    return v3.startsWith(V3_REF) ? V2_REF + v3.substring(V3_REF.length()) : v3;
  }

  private static JsonNode pathItem(JsonNode v3) {
    ObjectNode out = Json.object();
    v3.fields().forEachRemaining(e -> {
      if (e.getKey().equals("parameters")) {
        out.set("parameters", parameters(e.getValue()));
      } else if (e.getValue().isObject()) {
        out.set(e.getKey(), operation(e.getValue()));
      }
    });
    return out;
  }

  private static ArrayNode parameters(JsonNode v3) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (JsonNode p : v3) {
      ObjectNode q = Json.object().put("name", p.path("name").asText()).put("in", p.path("in").asText());
      if (p.has("description")) {
        q.put("description", p.get("description").asText());
      }
      if (p.path("required").asBoolean()) {
        q.put("required", true);
      }
      JsonNode s = p.path("schema");
      q.put("type", s.path("type").asText("string"));
      if (s.path("uniqueItems").asBoolean()) {
        q.put("uniqueItems", true);
      }
      out.add(q);
    }
    return out;
  }

  private static ObjectNode operation(JsonNode v3) {
    ObjectNode out = Json.object();
    ArrayNode params = v3.has("parameters") ? parameters(v3.get("parameters")) : Json.MAPPER.createArrayNode();
    JsonNode body = v3.get("requestBody");
    ArrayNode consumes = Json.MAPPER.createArrayNode();
    if (body != null) {
      JsonNode content = body.path("content");
      content.fieldNames().forEachRemaining(consumes::add);
      ObjectNode b = Json.object().put("name", "body").put("in", "body").put("required", body.path("required")
          .asBoolean(true));
      Iterator<JsonNode> schemas = content.elements();
      b.set("schema", schemas.hasNext() ? schema(schemas.next().path("schema")) : Json.object());
      params.insert(0, b);
    }
    ArrayNode produces = Json.MAPPER.createArrayNode();
    v3.path("responses").path("200").path("content").fieldNames().forEachRemaining(produces::add);
    for (Iterator<Map.Entry<String, JsonNode>> it = v3.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      switch (e.getKey()) {
        case "parameters", "requestBody" -> {
          // below
        }
        case "responses" -> out.set("responses", responses(e.getValue()));
        default -> out.set(e.getKey(), e.getValue().deepCopy());
      }
    }
    if (!consumes.isEmpty()) {
      out.set("consumes", consumes);
    }
    if (!produces.isEmpty()) {
      out.set("produces", produces);
    }
    if (!params.isEmpty()) {
      out.set("parameters", params);
    }
    out.putArray("schemes").add("https");
    return out;
  }

  private static ObjectNode responses(JsonNode v3) {
    ObjectNode out = Json.object();
    v3.fields().forEachRemaining(e -> {
      ObjectNode r = out.putObject(e.getKey()).put("description", e.getValue().path("description").asText());
      Iterator<JsonNode> media = e.getValue().path("content").elements();
      if (media.hasNext()) {
        r.set("schema", schema(media.next().path("schema")));
      }
    });
    return out;
  }
}
