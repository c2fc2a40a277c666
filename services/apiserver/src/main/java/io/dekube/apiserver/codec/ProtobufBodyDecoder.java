package io.dekube.apiserver.codec;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;

/**
 * Decodes an {@code application/vnd.kubernetes.protobuf} request body (the {@code k8s\0}
 * envelope around a {@code runtime.Unknown}) into the object's JSON form. Implemented by the
 * API-semantics side ({@code io.dekube.apiserver.codec.proto}); pure and thread-safe.
 */
@FunctionalInterface
public interface ProtobufBodyDecoder {

  /**
   * @param type the resource the request addresses (the expected kind)
   * @param body the raw body
   * @return the object as JSON, with {@code apiVersion} and {@code kind}
   * @throws io.dekube.core.model.StatusException 400 BadRequest for a malformed body, 415 for an
   *                                              unsupported kind
   */
  ObjectNode decode(ResourceType type, byte[] body);
}
