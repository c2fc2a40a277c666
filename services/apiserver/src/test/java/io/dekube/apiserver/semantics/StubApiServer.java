package io.dekube.apiserver.semantics;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.openapi.OpenApiHandler;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A plain-HTTP stand-in for the apiserver front, for driving the real kubectl in tests of this
 * package: /version, legacy discovery built from the registry, the real {@link OpenApiHandler}, and a
 * recorder of write requests answering with what {@link #responder} makes of them.
 */
public final class StubApiServer implements AutoCloseable {

  /** One recorded write. */
  public record Recorded(String method, String uri, String contentType, byte[] body) {
  }

  private final Vertx vertx = Vertx.vertx();
  private final ResourceRegistry registry = ResourceRegistry.builtIn();
  private final List<Recorded> recorded = new CopyOnWriteArrayList<>();
  private final HttpServer server;
  /** Makes the response body (JSON) of a write; by default echoes a JSON body. */
  public volatile Function<Recorded, ObjectNode> responder = r -> {
    try {
      return (ObjectNode) Json.MAPPER.readTree(r.body());
    } catch (IOException e) {
      return Json.object();
    }
  };

  public StubApiServer() throws Exception {
    Router router = Router.router(vertx);
    router.route().handler(BodyHandler.create(false));
    router.get("/version").handler(ctx -> json(ctx.response(), 200, Json.object().put("major", "1").put("minor", "32")
        .put("gitVersion", "v1.32.0").put("platform", "linux/amd64")));
    router.get("/api").handler(ctx -> json(ctx.response(), 200, apiVersions()));
    router.get("/apis").handler(ctx -> json(ctx.response(), 200, apiGroups()));
    router.get("/api/v1").handler(ctx -> json(ctx.response(), 200, resources("v1")));
    router.get("/apis/:group/:version").handler(ctx -> json(ctx.response(), 200,
        resources(ctx.pathParam("group") + "/" + ctx.pathParam("version"))));
    new OpenApiHandler(vertx, registry).mount(router);
    router.route().handler(ctx -> {
      if (store == null) {
        ctx.next();
        return;
      }
      stored(ctx);
    });
    router.route().method(io.vertx.core.http.HttpMethod.POST).handler(this::write);
    router.route().method(io.vertx.core.http.HttpMethod.PATCH).handler(this::write);
    router.route().method(io.vertx.core.http.HttpMethod.PUT).handler(this::write);
    server = vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1")
        .toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private volatile MiniStore store;

  /** Serves objects from an in-memory store (create, get, patch of every kind) instead of recording. */
  public StubApiServer withStore() {
    store = new MiniStore(registry);
    return this;
  }

  private void stored(io.vertx.ext.web.RoutingContext ctx) {
    var req = ctx.request();
    var target = store.resolve(req.path());
    if (target.isEmpty()) {
      ctx.next();
      return;
    }
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    recorded.add(new Recorded(req.method().name(), req.uri(), req.getHeader("Content-Type"), body));
    String manager = req.getParam("fieldManager");
    if (manager == null && req.getHeader("User-Agent") != null) {
      manager = req.getHeader("User-Agent").split("/")[0];
    }
    try {
      ObjectNode out = switch (req.method().name()) {
        case "GET" -> store.get(target.get());
        case "POST" -> store.create(target.get(), req.getHeader("Content-Type"), body, manager);
        case "PATCH" -> store.patch(target.get(), req.getHeader("Content-Type"), body, manager,
            "true".equals(req.getParam("force")));
        default -> throw new io.dekube.core.model.StatusException(405, "MethodNotAllowed", req.method().name());
      };
      json(ctx.response(), req.method().name().equals("POST") ? 201 : 200, out);
    } catch (io.dekube.core.model.StatusException e) {
      json(ctx.response(), e.code(), e.toStatus());
    }
  }

  private void write(io.vertx.ext.web.RoutingContext ctx) {
    byte[] body = ctx.body().buffer() == null ? new byte[0] : ctx.body().buffer().getBytes();
    Recorded r = new Recorded(ctx.request().method().name(), ctx.request().uri(),
        ctx.request().getHeader("Content-Type"), body);
    recorded.add(r);
    ObjectNode out;
    try {
      out = responder.apply(r);
    } catch (io.dekube.core.model.StatusException e) {
      json(ctx.response(), e.code(), e.toStatus());
      return;
    }
    json(ctx.response(), r.method().equals("POST") ? 201 : 200, out);
  }

  private static void json(io.vertx.core.http.HttpServerResponse res, int code, ObjectNode body) {
    res.setStatusCode(code).putHeader("Content-Type", "application/json")
        .end(Buffer.buffer(body.toString().getBytes(StandardCharsets.UTF_8)));
  }

  private ObjectNode apiVersions() {
    ObjectNode o = Json.object().put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    o.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0").put("serverAddress", "127.0.0.1");
    return o;
  }

  private Map<String, List<ResourceType>> byGroupVersion() {
    Map<String, List<ResourceType>> m = new TreeMap<>();
    for (ResourceType t : registry.all()) {
      m.computeIfAbsent(t.apiVersion(), k -> new java.util.ArrayList<>()).add(t);
    }
    for (var e : io.dekube.apiserver.conversion.LegacyVersions.all()) {
      ResourceType stored = registry.byResourceName(e.storedResourceName()).orElseThrow();
      m.computeIfAbsent(e.groupVersion(), k -> new java.util.ArrayList<>()).add(new ResourceType(e.group(),
          e.version(), e.plural(), stored.singular(), e.kind(), stored.namespaced(), List.of(), List.of(), List.of()));
    }
    return m;
  }

  private ObjectNode apiGroups() {
    ObjectNode o = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    Map<String, ObjectNode> byGroup = new TreeMap<>();
    byGroupVersion().keySet().stream().filter(gv -> gv.contains("/")).forEach(gv -> {
      String group = gv.substring(0, gv.indexOf('/'));
      String version = gv.substring(gv.indexOf('/') + 1);
      ObjectNode g = byGroup.computeIfAbsent(group, k -> {
        ObjectNode n = groups.addObject().put("name", group);
        n.putArray("versions");
        return n;
      });
      ((ArrayNode) g.get("versions")).addObject().put("groupVersion", gv).put("version", version);
      if (version.equals("v1") || !g.has("preferredVersion")) {
        g.putObject("preferredVersion").put("groupVersion", gv).put("version", version);
      }
    });
    return o;
  }

  private ObjectNode resources(String gv) {
    ObjectNode o = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1").put("groupVersion", gv);
    ArrayNode list = o.putArray("resources");
    for (ResourceType t : byGroupVersion().getOrDefault(gv, List.of())) {
      ObjectNode r = list.addObject().put("name", t.plural()).put("singularName", t.singular())
          .put("namespaced", t.namespaced()).put("kind", t.kind());
      ArrayNode verbs = r.putArray("verbs");
      List.of("create", "delete", "get", "list", "patch", "update", "watch").forEach(verbs::add);
      ArrayNode shorts = r.putArray("shortNames");
      t.shortNames().forEach(shorts::add);
    }
    return o;
  }

  public int port() {
    return server.actualPort();
  }

  public List<Recorded> recorded() {
    return recorded;
  }

  /** Writes a kubeconfig pointing at this server into {@code dir}; returns its path. */
  public Path kubeconfig(Path dir) throws IOException {
    Path p = dir.resolve("kubeconfig");
    Files.writeString(p, "apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: \"http://127.0.0.1:"
        + port() + "\"}}]\nusers: [{name: u, user: {}}]\ncontexts: [{name: c, context: {cluster: c, user: u, "
        + "namespace: default}}]\ncurrent-context: c\n");
    return p;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
