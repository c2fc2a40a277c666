package io.dekube.apiserver.codec.proto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.kubernetes.client.proto.Runtime;
import java.io.IOException;
import java.util.Arrays;

/**
 * Decodes {@code application/vnd.kubernetes.protobuf} request bodies: the 4-byte magic {@code k8s\0},
 * then a {@code runtime.Unknown} whose typeMeta names the apiVersion and kind and whose raw bytes are
 * the typed message. The message is parsed through the descriptors of the generated
 * {@code client-java-proto} classes and turned into the object's JSON form. Stateless and thread-safe.
 */
public final class ProtobufDecoder {

  /** The content type kubectl and client-go send. */
  public static final String MEDIA_TYPE = "application/vnd.kubernetes.protobuf";
  static final byte[] MAGIC = {'k', '8', 's', 0};

  private ProtobufDecoder() {
  }

  /** Whether a Content-Type header names the Kubernetes protobuf encoding. */
  public static boolean handles(String contentType) {
    return contentType != null && contentType.toLowerCase().startsWith(MEDIA_TYPE);
  }

  /**
   * The object encoded in {@code body}, with {@code apiVersion} and {@code kind} set.
   *
   * @throws StatusException 400 BadRequest when the body is not a Kubernetes protobuf object or its kind
   *                         is unknown to the generated classes
   */
  public static ObjectNode decode(byte[] body) {
    if (body == null || body.length < MAGIC.length || !Arrays.equals(MAGIC, Arrays.copyOf(body, MAGIC.length))) {
      throw StatusException.badRequest("the body is not a Kubernetes protobuf object: missing the k8s\\0 prefix");
    }
    Runtime.Unknown unknown;
    try {
      unknown = Runtime.Unknown.parseFrom(Arrays.copyOfRange(body, MAGIC.length, body.length));
    } catch (InvalidProtocolBufferException e) {
      throw StatusException.badRequest("unable to decode protobuf body: " + e.getMessage());
    }
    String apiVersion = unknown.getTypeMeta().getApiVersion();
    String kind = unknown.getTypeMeta().getKind();
    if (apiVersion.isEmpty() || kind.isEmpty()) {
      throw StatusException.badRequest("Object 'Kind' is missing in protobuf body");
    }
    ObjectNode obj = unknown.getContentType().toLowerCase().contains("json")
        ? json(unknown) : typed(apiVersion, kind, unknown);
    ObjectNode out = Json.object();
    out.put("apiVersion", apiVersion).put("kind", kind);
    obj.remove("apiVersion");
    obj.remove("kind");
    out.setAll(obj);
    return out;
  }

  /**
   * Decodes a body sent to the resource {@code expected}: as {@link #decode(byte[])}, and the encoded
   * kind must be the resource's kind (or an old served version of it).
   *
   * @throws StatusException 400 BadRequest for a malformed body or a kind the resource does not hold
   */
  public static ObjectNode decode(io.dekube.core.model.ResourceType expected, byte[] body) {
    ObjectNode obj = decode(body);
    String kind = obj.path("kind").asText();
    if (expected != null && !kind.equals(expected.kind())) {
      throw StatusException.badRequest("the body is a " + kind + " (" + obj.path("apiVersion").asText()
          + "), the request is for " + expected.resourceName());
    }
    return obj;
  }

  private static ObjectNode typed(String apiVersion, String kind, Runtime.Unknown unknown) {
    Descriptor d = ProtoDescriptors.forKind(apiVersion, kind).orElseThrow(() -> StatusException.badRequest(
        "no kind \"" + kind + "\" is registered for version \"" + apiVersion + "\" in the protobuf scheme"));
    try {
      return ProtoJson.object(DynamicMessage.parseFrom(d, unknown.getRaw()));
    } catch (InvalidProtocolBufferException e) {
      throw StatusException.badRequest("unable to decode protobuf " + kind + ": " + e.getMessage());
    }
  }

  private static ObjectNode json(Runtime.Unknown unknown) {
    try {
      return (ObjectNode) Json.MAPPER.readTree(unknown.getRaw().toByteArray());
    } catch (IOException | ClassCastException e) {
      throw StatusException.badRequest("unable to decode the JSON inside the protobuf envelope: " + e.getMessage());
    }
  }
}
