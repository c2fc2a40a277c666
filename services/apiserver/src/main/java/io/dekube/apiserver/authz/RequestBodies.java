package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.BodyDecoder;
import io.dekube.apiserver.codec.proto.ProtobufDecoder;
import io.dekube.core.model.ResourceType;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Decodes a request body (JSON, YAML or Kubernetes protobuf) that authorization must read. Pure. */
final class RequestBodies {

  private static final BodyDecoder DECODER = new BodyDecoder(ProtobufDecoder::decode);

  private RequestBodies() {
  }

  /** The body as an object of the kind of {@code kind}/{@code resource} in {@code group}. */
  static ObjectNode object(RoutingContext ctx, String group, String version, String resource, String kind) {
    byte[] body = ctx.body() != null && ctx.body().available() ? ctx.body().buffer().getBytes() : new byte[0];
    ResourceType type = new ResourceType(group, version, resource, kind.toLowerCase(), kind, false, List.of(),
        List.of(), List.of());
    return DECODER.decodeObject(ctx.request().getHeader("Content-Type"), body, type).object();
  }
}
