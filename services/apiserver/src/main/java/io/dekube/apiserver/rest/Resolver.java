package io.dekube.apiserver.rest;

import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.codec.ResponseFormat;
import io.dekube.apiserver.codec.proto.ProtobufEncoder;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;

/**
 * Resolves a parsed path to the stored resource it addresses, directly or through a legacy
 * version, and checks scope and subresource; anything that does not exist is kube's generic
 * 404 ({@code the server could not find the requested resource}). Thread-safe.
 */
final class Resolver {

  private final ResourceRegistry registry;
  private final Codecs codecs;

  Resolver(ResourceRegistry registry, Codecs codecs) {
    this.registry = registry;
    this.codecs = codecs;
  }

  /** kube's 404 for a path that serves nothing. */
  static StatusException notFound() {
    return new StatusException(404, "NotFound", "the server could not find the requested resource",
        io.dekube.core.model.Json.object());
  }

  /**
   * The request for a path.
   *
   * @throws StatusException 404 when the group, version, resource, scope or subresource is not served
   */
  ApiRequest resolve(RoutingContext ctx, ApiPath path) {
    ResourceType type;
    boolean legacy;
    Optional<ResourceType> direct = registry.byGroupPlural(path.group(), path.resource())
        .filter(t -> t.version().equals(path.version()));
    if (direct.isPresent()) {
      type = direct.get();
      legacy = false;
    } else {
      type = codecs.versions().resolve(path.group(), path.version(), path.resource()).orElseThrow(Resolver::notFound);
      legacy = true;
    }
    checkScope(served(type, path), path);
    ResponseFormat format = ResponseFormat.negotiate(ctx.request().getHeader("Accept"), protobufPossible(ctx, path, type));
    if (format.protobuf()) {
      ctx.put(Responses.PROTOBUF, Boolean.TRUE);
    }
    return new ApiRequest(ctx, path, type, path.apiVersion(), legacy, format, Responses.pretty(ctx), codecs,
        registry.custom(type.resourceName()).orElse(null));
  }

  /** Protobuf answers: built-in kinds with a message, not for watches (those stay JSON). */
  private static boolean protobufPossible(RoutingContext ctx, ApiPath path, ResourceType type) {
    String watch = ctx.request().getParam("watch");
    if (path.watchPrefix() || "true".equals(watch) || "1".equals(watch)) {
      return false;
    }
    return ProtobufEncoder.encodable(path.apiVersion(), type.kind());
  }

  /** {@code type} with the subresources of the path's version (a custom kind's versions declare their own). */
  private ResourceType served(ResourceType type, ApiPath path) {
    return registry.custom(type.resourceName()).flatMap(k -> k.servedAs(path.version())).orElse(type);
  }

  private static void checkScope(ResourceType type, ApiPath path) {
    if (path.namespaced() && !type.namespaced()) {
      throw notFound();
    }
    if (type.namespaced() && !path.namespaced() && path.named()) {
      throw notFound();
    }
    if (path.subresource() != null && !type.hasSubresource(path.subresource())) {
      throw notFound();
    }
  }
}
