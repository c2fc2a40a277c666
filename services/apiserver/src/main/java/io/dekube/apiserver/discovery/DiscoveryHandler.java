package io.dekube.apiserver.discovery;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.rest.Responses;
import io.dekube.apiserver.server.StatusResponses;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Serves discovery: {@code /api}, {@code /api/<version>}, {@code /apis}, {@code /apis/<group>},
 * {@code /apis/<group>/<version>}, and aggregated discovery on {@code /api} and {@code /apis} when
 * the {@code Accept} header asks for it (with {@code ETag}, {@code Vary: Accept} and 304 on
 * {@code If-None-Match}, as kube-apiserver). Documents follow the registry (CRDs appear once
 * registered); rendered documents are cached until the registry changes. Runs on event loops;
 * thread-safe.
 */
public final class DiscoveryHandler {

  private record Snapshot(Set<ResourceType> types, long generation, long aggregatedGeneration, ApiCatalog catalog,
                          Map<String, Rendered> rendered) {
  }

  private record Rendered(Buffer body, String etag) {
  }

  private final ResourceRegistry registry;
  private final Supplier<String> serverAddress;
  private volatile Snapshot snapshot = new Snapshot(Set.of(), -1, -1, ApiCatalog.of(Set.of()),
      new ConcurrentHashMap<>());
  private volatile Supplier<List<ServedGroup>> aggregated = List::of;
  private volatile java.util.function.LongSupplier aggregatedGeneration = () -> 0;

  /**
   * @param registry      the served resources
   * @param serverAddress {@code host:port} clients reach this server at, for {@code /api}; asked
   *                      on the first request (once the server listens)
   */
  public DiscoveryHandler(ResourceRegistry registry, Supplier<String> serverAddress) {
    this.registry = registry;
    this.serverAddress = serverAddress;
  }

  /**
   * Adds the groups of aggregated API servers (APIServices with a service) after the served ones;
   * {@code generation} changes whenever {@code groups} may have. Call before mounting.
   */
  public DiscoveryHandler withAggregated(Supplier<List<ServedGroup>> groups, java.util.function.LongSupplier generation) {
    this.aggregated = groups;
    this.aggregatedGeneration = generation;
    return this;
  }

  /** Adds the discovery routes (GET) to {@code router}. */
  public void mount(Router router) {
    router.route(HttpMethod.GET, "/api").handler(this::api);
    router.route(HttpMethod.GET, "/apis").handler(this::apis);
    router.route(HttpMethod.GET, "/api/:version").handler(this::coreVersion);
    router.route(HttpMethod.GET, "/apis/:group").handler(this::group);
    router.route(HttpMethod.GET, "/apis/:group/:version").handler(this::groupVersion);
  }

  /** The catalog of the registry as it is now. */
  public ApiCatalog catalog() {
    return current().catalog();
  }

  private void api(RoutingContext ctx) {
    negotiated(ctx, "api", catalog -> DiscoveryDocuments.apiVersions(catalog, serverAddress.get()),
        (catalog, version) -> AggregatedDiscovery.list(List.of(catalog.core()), version));
  }

  private void apis(RoutingContext ctx) {
    negotiated(ctx, "apis", DiscoveryDocuments::apiGroupList,
        (catalog, version) -> AggregatedDiscovery.list(catalog.groups(), version));
  }

  private void coreVersion(RoutingContext ctx) {
    resourceList(ctx, "", ctx.pathParam("version"));
  }

  private void groupVersion(RoutingContext ctx) {
    resourceList(ctx, ctx.pathParam("group"), ctx.pathParam("version"));
  }

  private void group(RoutingContext ctx) {
    String name = ctx.pathParam("group");
    Optional<ServedGroup> group = name.isEmpty() ? Optional.empty() : current().catalog().group(name);
    if (group.isEmpty()) {
      StatusResponses.send(ctx, StatusResponses.pathNotFound());
      return;
    }
    legacy(ctx, "group:" + name, catalog -> DiscoveryDocuments.apiGroup(group.get()));
  }

  private void resourceList(RoutingContext ctx, String groupName, String version) {
    Optional<ServedGroup> group = current().catalog().group(groupName);
    Optional<ServedGroup.ServedVersion> served = group.flatMap(g -> g.version(version));
    if (served.isEmpty()) {
      StatusResponses.send(ctx, StatusResponses.pathNotFound());
      return;
    }
    legacy(ctx, "resources:" + groupName + "/" + version,
        catalog -> DiscoveryDocuments.apiResourceList(group.get(), served.get()));
  }

  private void negotiated(RoutingContext ctx, String key, Function<ApiCatalog, ObjectNode> legacy,
                          BiFunction<ApiCatalog, String, ObjectNode> aggregated) {
    DiscoveryMediaTypes.Choice choice = DiscoveryMediaTypes.negotiate(ctx.request().getHeader(HttpHeaders.ACCEPT));
    if (choice instanceof DiscoveryMediaTypes.Aggregated agg) {
      Rendered doc = render(key + ":" + agg.version(), catalog -> aggregated.apply(catalog, agg.version()), false);
      ctx.response().putHeader(HttpHeaders.ETAG, doc.etag()).putHeader(HttpHeaders.VARY, "Accept")
          .putHeader(HttpHeaders.CACHE_CONTROL, "public");
      if (doc.etag().equals(ctx.request().getHeader(HttpHeaders.IF_NONE_MATCH))) {
        ctx.response().setStatusCode(304).end();
        return;
      }
      send(ctx, agg.contentType(), doc);
    } else {
      ctx.response().putHeader(HttpHeaders.VARY, "Accept");
      legacy(ctx, key, legacy);
    }
  }

  private void legacy(RoutingContext ctx, String key, Function<ApiCatalog, ObjectNode> document) {
    DiscoveryMediaTypes.Choice choice = DiscoveryMediaTypes.negotiate(ctx.request().getHeader(HttpHeaders.ACCEPT));
    if (choice instanceof DiscoveryMediaTypes.NotAcceptable) {
      StatusResponses.send(ctx, new StatusException(406, "NotAcceptable",
          "only the following media types are accepted: application/json, application/yaml"));
      return;
    }
    boolean yaml = choice instanceof DiscoveryMediaTypes.Legacy l && l.yaml();
    // indented for curl, wget and browsers, as kube-apiserver's negotiated writer does (kubectl's are one line)
    boolean pretty = !yaml && Responses.pretty(ctx);
    send(ctx, yaml ? "application/yaml" : "application/json",
        render(key + (yaml ? ":yaml" : pretty ? ":pretty" : ""), document, yaml, pretty));
  }

  private static void send(RoutingContext ctx, String contentType, Rendered doc) {
    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, contentType).end(doc.body());
  }

  private Rendered render(String key, Function<ApiCatalog, ObjectNode> document, boolean yaml) {
    return render(key, document, yaml, false);
  }

  private Rendered render(String key, Function<ApiCatalog, ObjectNode> document, boolean yaml, boolean pretty) {
    Snapshot s = current();
    return s.rendered().computeIfAbsent(key, k -> {
      try {
        byte[] bytes = yaml ? Json.YAML.writeValueAsBytes(document.apply(s.catalog()))
            : pretty ? Responses.encode(document.apply(s.catalog()), true, false)
            : Json.MAPPER.writeValueAsBytes(document.apply(s.catalog()));
        return new Rendered(Buffer.buffer(bytes), "\"" + sha512(bytes) + "\"");
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("cannot render discovery document " + k, e);
      }
    });
  }

  private Snapshot current() {
    Set<ResourceType> types = new HashSet<>(registry.all());
    long generation = registry.generation();
    long aggregatedAt = aggregatedGeneration.getAsLong();
    Snapshot s = snapshot;
    if (!s.types().equals(types) || s.generation() != generation || s.aggregatedGeneration() != aggregatedAt) {
      s = new Snapshot(types, generation, aggregatedAt,
          ApiCatalog.of(types, registry.customKinds()).withAggregated(aggregated.get()), new ConcurrentHashMap<>());
      snapshot = s;
    }
    return s;
  }

  private static String sha512(byte[] bytes) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
