package io.dekube.core.bus;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.Draft;
import io.vertx.json.schema.JsonSchema;
import io.vertx.json.schema.JsonSchemaOptions;
import io.vertx.json.schema.OutputFormat;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bus schemas from the bus-schemas jar ({@code dekube-bus/schemas/*.json}), loaded into one
 * draft 2020-12 repository so that relative {@code $ref}s resolve, and a validator per topic.
 */
public final class BusSchemas {

  public static final String BASE = "https://dekube.io/bus/";
  public static final List<String> FILES = List.of("status.json", "object.json", "request.json", "reply.json",
      "ingest.json", "ingest-result.json", "store-marker.json");

  private final SchemaRepository repository;
  private final TopicCatalog catalog = TopicCatalog.load();

  public BusSchemas() {
    repository = SchemaRepository.create(new JsonSchemaOptions().setDraft(Draft.DRAFT202012).setBaseUri(BASE)
        .setOutputFormat(OutputFormat.Basic));
    for (String file : FILES) {
      JsonObject schema = load("schemas/" + file);
      repository.dereference(schema.getString("$id"), JsonSchema.of(schema));
    }
  }

  public static JsonObject load(String path) {
    try (InputStream in = BusSchemas.class.getResourceAsStream("/dekube-bus/" + path)) {
      if (in == null) {
        throw new IllegalStateException("dekube-bus/" + path + " is not on the classpath");
      }
      return new JsonObject(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Validates a message against a schema file ({@code schemas/request.json} or {@code request.json}). */
  public OutputUnit validate(String schemaPath, Object message) {
    String file = schemaPath.startsWith("schemas/") ? schemaPath.substring("schemas/".length()) : schemaPath;
    return repository.validator(BASE + "schemas/" + file).validate(toVertx(message));
  }

  /** Validates a message against the schema topics.yaml names for its topic. */
  public OutputUnit validateOnTopic(String topic, Object message) {
    String schema = catalog.schemaOf(topic);
    if (schema == null || schema.isEmpty()) {
      throw new IllegalArgumentException("topics.yaml has no schema for " + topic);
    }
    return validate(schema, message);
  }

  public TopicCatalog catalog() {
    return catalog;
  }

  /**
   * Jackson nodes are written with {@link Json#MAPPER} (the bytes the code puts on the bus) and read
   * back as Vert.x JSON; byte arrays are read as JSON; strings stay strings (the ingest value is text).
   */
  public static Object toVertx(Object message) {
    try {
      if (message instanceof JsonNode n) {
        return n.isTextual() ? n.asText() : io.vertx.core.json.Json.decodeValue(Json.MAPPER.writeValueAsString(n));
      }
      if (message instanceof byte[] bytes) {
        return io.vertx.core.json.Json.decodeValue(new String(bytes, StandardCharsets.UTF_8));
      }
      return message;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A readable list of errors of a failed validation. */
  public static String errors(OutputUnit unit) {
    StringBuilder b = new StringBuilder();
    if (unit.getErrors() != null) {
      for (OutputUnit e : unit.getErrors()) {
        b.append("\n  ").append(e.getInstanceLocation()).append(": ").append(e.getError())
            .append(" (").append(e.getKeywordLocation()).append(')');
      }
    }
    return b.toString();
  }
}
