package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.BodyDecoder;
import io.dekube.apiserver.codec.proto.ProtobufDecoder;
import io.dekube.core.model.ResourceType;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.WriteOptions;
import io.vertx.ext.web.RoutingContext;
import java.util.List;

/** Decodes a request body (JSON, YAML or Kubernetes protobuf, or a patch and its result) that authorization must read. Pure. */
final class RequestBodies {

  private static final BodyDecoder DECODER = new BodyDecoder(ProtobufDecoder::decode);

  private RequestBodies() {
  }

  /**
   * The object a PATCH would produce: the patch (JSON, merge, strategic merge or apply) applied to
   * {@code current} (null when absent), as the REST layer will apply it.
   */
  static ObjectNode patched(RoutingContext ctx, ObjectNode current, String group, String version, String resource,
                            String kind) {
    byte[] body = ctx.body() != null && ctx.body().available() ? ctx.body().buffer().getBytes() : new byte[0];
    String patchType = ctx.request().getHeader("Content-Type");
    String bare = patchType == null ? "" : patchType.split(";")[0].trim();
    JsonNode patch = DECODER.decodePatch(bare, body);
    WriteOptions o = WriteOptions.none().withFieldManager(ctx.request().getParam("fieldManager"))
        .withForce("true".equals(ctx.request().getParam("force")));
    return Patches.apply(bare, current == null ? null : current.deepCopy(), patch, type(group, version, resource, kind), o);
  }

  private static ResourceType type(String group, String version, String resource, String kind) {
    return new ResourceType(group, version, resource, kind.toLowerCase(), kind, !resource.startsWith("cluster"),
        List.of(), List.of(), List.of());
  }

  /** The body as an object of the kind of {@code kind}/{@code resource} in {@code group}. */
  static ObjectNode object(RoutingContext ctx, String group, String version, String resource, String kind) {
    byte[] body = ctx.body() != null && ctx.body().available() ? ctx.body().buffer().getBytes() : new byte[0];
    return DECODER.decodeObject(ctx.request().getHeader("Content-Type"), body, type(group, version, resource, kind))
        .object();
  }
}
