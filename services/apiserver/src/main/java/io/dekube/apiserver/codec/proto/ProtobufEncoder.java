package io.dekube.apiserver.codec.proto;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Descriptors.Descriptor;
import io.kubernetes.client.proto.Runtime;
import java.io.ByteArrayOutputStream;
import java.util.Optional;

/**
 * Encodes response bodies as {@code application/vnd.kubernetes.protobuf}, as kube-apiserver does
 * for built-in kinds: the magic {@code k8s\0}, then a {@code runtime.Unknown} whose typeMeta names
 * the apiVersion and kind and whose raw bytes are the typed message. Objects, lists and
 * {@code Status} all go this way. Stateless and thread-safe.
 */
public final class ProtobufEncoder {

  private ProtobufEncoder() {
  }

  /** Whether an apiVersion and kind has a protobuf message (then {@link #encode} succeeds). */
  public static boolean encodable(String apiVersion, String kind) {
    return ProtoDescriptors.forKind(apiVersion, kind).isPresent();
  }

  /** The protobuf encoding of a JSON body carrying apiVersion and kind; empty when its kind has no message. */
  public static Optional<byte[]> encode(ObjectNode body) {
    String apiVersion = body.path("apiVersion").asText("");
    String kind = body.path("kind").asText("");
    Optional<Descriptor> d = ProtoDescriptors.forKind(apiVersion, kind);
    if (d.isEmpty()) {
      return Optional.empty();
    }
    Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
        .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
        .setRaw(ProtoMessages.message(d.get(), body).toByteString())
        .setContentEncoding("")
        .setContentType("")
        .build();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(ProtobufDecoder.MAGIC);
    out.writeBytes(unknown.toByteArray());
    return Optional.of(out.toByteArray());
  }
}
