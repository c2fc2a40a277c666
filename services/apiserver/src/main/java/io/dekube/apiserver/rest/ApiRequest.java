package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.codec.ResponseFormat;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.WireDefaults;
import io.vertx.core.Future;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * One resolved REST request: the routing context, the parsed path, the stored resource it
 * addresses, the version the client speaks, and how to answer. Immutable (the context is not).
 *
 * @param ctx        the Vert.x routing context
 * @param path       the parsed path
 * @param type       the stored resource
 * @param apiVersion the apiVersion the client addressed ({@code extensions/v1beta1} for a legacy one)
 * @param legacy     whether {@code apiVersion} differs from the stored version (bodies and answers are converted)
 * @param format     the negotiated response shape and encoding
 * @param pretty     whether to indent the JSON
 * @param codecs     decoding, validation and conversion
 * @param custom     the schema-described kind (CRD) when the resource is one, else null
 */
record ApiRequest(RoutingContext ctx, ApiPath path, ResourceType type, String apiVersion, boolean legacy,
                  ResponseFormat format, boolean pretty, Codecs codecs, CustomKind custom) {

  /** The namespace of the path, "" when none. */
  String namespace() {
    return path.namespace() == null ? "" : path.namespace();
  }

  /** The object name of the path (null for collections). */
  String name() {
    return path.name();
  }

  /** A query parameter, null when absent. */
  String query(String name) {
    return ctx.request().getParam(name);
  }

  /** Every value of a repeated query parameter. */
  List<String> queryAll(String name) {
    return ctx.queryParam(name);
  }

  /** A stored object in the client's version (a copy when converted; else the same instance). */
  ObjectNode out(ObjectNode stored) {
    ObjectNode wire = WireDefaults.apply(type, stored);
    return legacy ? codecs.versions().fromStored(type, apiVersion, wire == stored ? stored.deepCopy() : wire) : wire;
  }

  /** Whether the client's version is reached through a remote conversion (a CRD's webhook): only {@link #outAll}. */
  boolean remoteConversion() {
    return legacy && codecs.versions().remote(type);
  }

  /** Stored objects in the client's version; a remote conversion converts them in one call. */
  Future<List<ObjectNode>> outAll(List<ObjectNode> stored, boolean list) {
    if (!remoteConversion()) {
      try {
        return Future.succeededFuture(stored.stream().map(this::out).toList());
      } catch (RuntimeException e) {
        return Future.failedFuture(e);
      }
    }
    List<ObjectNode> wire = new ArrayList<>(stored.size());
    stored.forEach(o -> wire.add(WireDefaults.apply(type, o).deepCopy()));
    return codecs.versions().fromStored(type, apiVersion, wire, list);
  }

  /** One stored object in the client's version, also through a remote conversion. */
  Future<ObjectNode> outAsync(ObjectNode stored) {
    return outAll(List.of(stored), false).map(l -> l.get(0));
  }

  /** A body in the client's version in the stored version (a copy or the same node), also remotely. */
  Future<ObjectNode> toStored(ObjectNode versioned) {
    return legacy ? codecs.versions().toStoredAsync(type, apiVersion, versioned) : Future.succeededFuture(versioned);
  }

  /** The list kind, e.g. {@code PodList}. */
  String listKind() {
    return custom != null ? custom.listKind() : type.kind() + "List";
  }
}
