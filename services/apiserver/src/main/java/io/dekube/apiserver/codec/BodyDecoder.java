package io.dekube.apiserver.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.io.IOException;
import java.util.List;

/**
 * Decodes request bodies (JSON, YAML, protobuf through a {@link ProtobufBodyDecoder}) into JSON
 * trees, failing with the {@code Status} kube-apiserver gives: 400 BadRequest naming what is wrong
 * and where (line and column), 415 UnsupportedMediaType for other content types. Duplicate fields
 * are kept (last wins) and reported for {@code fieldValidation}. Pure and thread-safe.
 */
public final class BodyDecoder {

  /**
   * A decoded body.
   *
   * @param object     the object
   * @param duplicates paths of fields that appeared more than once
   */
  public record Decoded(ObjectNode object, List<String> duplicates) {
  }

  private static final YAMLFactory YAML = YAMLFactory.builder().build();
  private static final String ACCEPTED =
      "the body of the request was in an unknown format - accepted media types include: "
          + "application/json, application/yaml, application/vnd.kubernetes.protobuf";

  private final ProtobufBodyDecoder protobuf;

  /** A decoder; {@code protobuf} may be null, then protobuf bodies get 415. */
  public BodyDecoder(ProtobufBodyDecoder protobuf) {
    this.protobuf = protobuf;
  }

  /**
   * Decodes an object body (create, update).
   *
   * @param contentType the {@code Content-Type} header (null or "" means JSON)
   * @param body        the raw body
   * @param type        the addressed resource, for messages and protobuf
   */
  public Decoded decodeObject(String contentType, byte[] body, ResourceType type) {
    String mt = MediaTypes.contentType(contentType);
    if (mt.equals(MediaTypes.PROTOBUF)) {
      if (protobuf == null) {
        throw unsupported();
      }
      return new Decoded(protobuf.decode(type, body), List.of());
    }
    boolean yaml = isYaml(mt);
    if (!yaml && !isJson(mt)) {
      throw unsupported();
    }
    String prefix = "the object provided is unrecognized (must be of type " + type.kind() + "): ";
    ReadResult r = read(body, yaml, prefix);
    if (!(r.node instanceof ObjectNode o)) {
      throw StatusException.badRequest(prefix + "couldn't get version/kind; json parse error: "
          + "the body must be an object, not " + kindOf(r.node));
    }
    return new Decoded(o, r.duplicates);
  }

  /**
   * Decodes a patch document: JSON for the JSON, merge and strategic merge patch types, YAML or
   * JSON for apply patches.
   *
   * @throws StatusException 400 when malformed; a JSON patch must be an array, the others objects
   */
  public JsonNode decodePatch(String patchType, byte[] body) {
    boolean yaml = patchType.equals(MediaTypes.APPLY_PATCH);
    ReadResult r = read(body, yaml, "");
    if (patchType.equals(MediaTypes.JSON_PATCH) && !r.node.isArray()) {
      throw StatusException.badRequest("json: cannot unmarshal " + kindOf(r.node)
          + " into Go value of type jsonpatch.Patch");
    }
    if (!patchType.equals(MediaTypes.JSON_PATCH) && !r.node.isObject()) {
      throw StatusException.badRequest("the patch must be an object, not " + kindOf(r.node));
    }
    return r.node;
  }

  /** Whether a bare media type is JSON (or absent, which kube reads as JSON). */
  public static boolean isJson(String mediaType) {
    return mediaType.isEmpty() || mediaType.equals(MediaTypes.JSON);
  }

  /** Whether a bare media type is YAML. */
  public static boolean isYaml(String mediaType) {
    return mediaType.equals(MediaTypes.YAML) || mediaType.equals("application/x-yaml")
        || mediaType.equals("text/yaml");
  }

  private record ReadResult(JsonNode node, List<String> duplicates) {
  }

  private static ReadResult read(byte[] body, boolean yaml, String prefix) {
    try (JsonParser p = yaml ? YAML.createParser(body) : Json.MAPPER.getFactory().createParser(body)) {
      p.enable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION.mappedFeature());
      TreeReader reader = new TreeReader(p);
      JsonNode node = reader.read();
      if (node == null) {
        throw StatusException.badRequest(prefix + (yaml ? "error converting YAML to JSON: empty document"
            : "couldn't get version/kind; json parse error: unexpected end of JSON input"));
      }
      if (!yaml && p.nextToken() != null) {
        throw StatusException.badRequest(prefix + "couldn't get version/kind; json parse error: "
            + "invalid character after top-level value" + at(p.currentLocation()));
      }
      return new ReadResult(node, reader.duplicates());
    } catch (JsonProcessingException e) {
      throw StatusException.badRequest(prefix + describe(e, yaml));
    } catch (IOException e) {
      throw StatusException.badRequest(prefix + "couldn't read the body: " + e.getMessage());
    }
  }

  private static String describe(JsonProcessingException e, boolean yaml) {
    String msg = e.getOriginalMessage() == null ? e.getClass().getSimpleName() : e.getOriginalMessage();
    int nl = msg.indexOf('\n');
    String first = (nl < 0 ? msg : msg.substring(0, nl)).trim();
    JsonLocation loc = e.getLocation();
    if (yaml) {
      String line = loc == null || loc.getLineNr() < 1 ? "" : "line " + loc.getLineNr() + ": ";
      return "error converting YAML to JSON: yaml: " + line + first
          + (loc == null || loc.getColumnNr() < 1 ? "" : " (column " + loc.getColumnNr() + ")");
    }
    return "couldn't get version/kind; json parse error: " + first + at(loc);
  }

  private static String at(JsonLocation loc) {
    return loc == null || loc.getLineNr() < 1 ? ""
        : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
  }

  private static String kindOf(JsonNode n) {
    if (n.isArray()) {
      return "array";
    }
    if (n.isObject()) {
      return "object";
    }
    if (n.isTextual()) {
      return "string";
    }
    if (n.isNumber()) {
      return "number";
    }
    return n.isBoolean() ? "bool" : "null";
  }

  private static StatusException unsupported() {
    return new StatusException(415, "UnsupportedMediaType", ACCEPTED);
  }
}
