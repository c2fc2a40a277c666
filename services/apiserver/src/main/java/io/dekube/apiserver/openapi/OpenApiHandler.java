package io.dekube.apiserver.openapi;

import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.WeakHashMap;

/**
 * Serves OpenAPI v3 as kube-apiserver does: {@code GET /openapi/v3} (the index of group-versions with
 * their {@code serverRelativeURL?hash=}) and {@code GET /openapi/v3/api/v1},
 * {@code /openapi/v3/apis/<group>/<version>} (JSON documents with ETag; immutable caching when the
 * URL's hash is current, a redirect to the current hash when it is stale). The documents are built
 * on a worker thread at the first request, as kube-apiserver builds its OpenAPI v3 lazily, and once
 * per registry: every apiserver instance of a process serving the same resources shares them (they
 * are ~12 MB of heap, and building them costs a cold JVM about a second of CPU, which a start would
 * otherwise spend before it is ready).
 */
public final class OpenApiHandler {

  static final String JSON = "application/json";
  static final String PROTOBUF = "application/com.github.proto-openapi.spec.v3@v1.0+protobuf";

  /** The documents of one registry, shared by its handlers; the registry is held weakly. */
  private static final class Shared {
    private Future<OpenApiDocuments> documents;
  }

  private static final Map<ResourceRegistry, Shared> SHARED = new WeakHashMap<>();

  private final Vertx vertx;
  private final ResourceRegistry registry;
  private final Shared shared;
  private AggregatedSpecs aggregated;

  public OpenApiHandler(Vertx vertx, ResourceRegistry registry) {
    this.vertx = vertx;
    this.registry = registry;
    synchronized (SHARED) {
      this.shared = SHARED.computeIfAbsent(registry, r -> new Shared());
    }
  }

  /**
   * Serves the aggregated API servers' group versions too: listed in the index after the apiserver's
   * own (which win a conflict), their documents fetched from {@code specs}.
   */
  public OpenApiHandler withAggregated(AggregatedSpecs specs) {
    this.aggregated = specs;
    return this;
  }

  /** The aggregated API servers' OpenAPI, or null. */
  public AggregatedSpecs aggregated() {
    return aggregated;
  }

  /** Mounts {@code /openapi/v3} and {@code /openapi/v3/*} on the router. */
  public OpenApiHandler mount(Router router) {
    router.get("/openapi/v3").handler(this::index);
    router.get("/openapi/v3/*").handler(this::document);
    return this;
  }

  /** The documents, built on the first call of any handler of this registry (on a worker thread). */
  public Future<OpenApiDocuments> documents() {
    synchronized (shared) {
      if (shared.documents == null) {
        shared.documents = vertx.executeBlocking(() -> OpenApiDocuments.build(registry), false);
      }
      return shared.documents;
    }
  }

  /** Forgets the built documents (after CRDs change the registry). */
  public void invalidate() {
    synchronized (shared) {
      shared.documents = null;
    }
  }

  private void index(RoutingContext ctx) {
    if (!acceptsJson(ctx)) {
      fail(ctx, new StatusException(406, "NotAcceptable", "only application/json is served for OpenAPI v3"));
      return;
    }
    documents().compose(d -> aggregated == null ? Future.succeededFuture(d.index())
            : aggregated.snapshot().map(s -> withAggregated(d.index(), s.v3Paths())))
        .onSuccess(index -> send(ctx, index, OpenApiDocuments.hash(index), false))
        .onFailure(e -> fail(ctx, StatusException.internal("building OpenAPI documents failed: " + e)));
  }

  private void document(RoutingContext ctx) {
    String key = ctx.request().path().substring("/openapi/v3/".length());
    while (key.endsWith("/")) {
      key = key.substring(0, key.length() - 1);
    }
    String wanted = key;
    documents().compose(docs -> docs.document(wanted).isPresent() || aggregated == null
        ? Future.succeededFuture(docs.document(wanted)) : aggregated.v3(wanted)).onSuccess(doc -> {
      if (doc.isEmpty()) {
        fail(ctx, new StatusException(404, "NotFound", "the server could not find the requested resource"));
        return;
      }
      if (!acceptsJson(ctx)) {
        fail(ctx, new StatusException(406, "NotAcceptable", "only application/json is served for OpenAPI v3"));
        return;
      }
      String hash = ctx.request().getParam("hash");
      if (hash != null && !hash.equals(doc.get().hash())) {
        ctx.response().setStatusCode(301)
            .putHeader("Location", "/openapi/v3/" + wanted + "?hash=" + doc.get().hash()).end();
        return;
      }
      send(ctx, doc.get().bytes(), doc.get().hash(), hash != null);
    }).onFailure(e -> fail(ctx, StatusException.internal("building OpenAPI documents failed: " + e)));
  }

  /** The index with the aggregated group versions the apiserver does not serve itself, keys in order. */
  static byte[] withAggregated(byte[] index, java.util.Map<String, String> aggregatedPaths) {
    if (aggregatedPaths.isEmpty()) {
      return index;
    }
    try {
      com.fasterxml.jackson.databind.JsonNode local = io.dekube.core.model.Json.MAPPER.readTree(index);
      java.util.Map<String, com.fasterxml.jackson.databind.JsonNode> paths = new java.util.TreeMap<>();
      local.path("paths").fields().forEachRemaining(e -> paths.put(e.getKey(), e.getValue()));
      aggregatedPaths.forEach((key, url) -> paths.putIfAbsent(key,
          io.dekube.core.model.Json.object().put("serverRelativeURL", url)));
      com.fasterxml.jackson.databind.node.ObjectNode out = io.dekube.core.model.Json.object();
      com.fasterxml.jackson.databind.node.ObjectNode p = out.putObject("paths");
      paths.forEach(p::set);
      return out.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void send(RoutingContext ctx, byte[] body, String hash, boolean immutable) {
    HttpServerResponse res = ctx.response();
    String etag = "\"" + hash + "\"";
    res.putHeader("ETag", etag).putHeader("Vary", "Accept");
    if (immutable) {
      res.putHeader("Cache-Control", "public, immutable")
          .putHeader("Expires", DateTimeFormatter.RFC_1123_DATE_TIME.format(ZonedDateTime.now(ZoneOffset.UTC).plusYears(1)));
    } else {
      res.putHeader("Cache-Control", "no-cache, private");
    }
    if (etag.equals(ctx.request().getHeader("If-None-Match"))) {
      res.setStatusCode(304).end();
      return;
    }
    res.putHeader("Content-Type", JSON).end(Buffer.buffer(body));
  }

  private static boolean acceptsJson(RoutingContext ctx) {
    String accept = ctx.request().getHeader("Accept");
    if (accept == null || accept.isBlank()) {
      return true;
    }
    return accept.contains("application/json") || accept.contains("*/*") || !accept.contains(PROTOBUF);
  }

  private static void fail(RoutingContext ctx, StatusException e) {
    ctx.response().setStatusCode(e.code()).putHeader("Content-Type", JSON).end(e.toStatus().toString());
  }
}
