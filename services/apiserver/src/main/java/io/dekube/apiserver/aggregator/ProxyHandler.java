package io.dekube.apiserver.aggregator;

import io.dekube.core.net.ApiServiceBackends;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.auth.UserInfo;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-aggregator's proxy: a request under {@code /apis/<group>/<version>} of a non-local APIService
 * goes, after the apiserver authenticated and authorized it, to a ready endpoint of the APIService's
 * Service over HTTPS, as the user the apiserver saw ({@code X-Remote-User}, one
 * {@code X-Remote-Group} per group, one {@code X-Remote-Extra-<key>} per extra value); the client's own
 * credentials and front-proxy headers are not passed on. The answer streams back (watches too); a WebSocket upgrade
 * becomes a raw stream both ways ({@link UpgradeProxy}). While the APIService
 * is not Available, or no endpoint is ready, the answer is kube's {@code 503 service unavailable}.
 * Local APIServices (and group versions without one) go to the next route. Asynchronous: a slow
 * backend never holds an event loop. Runs on the request's event loop.
 */
public final class ProxyHandler implements Handler<RoutingContext> {

  private static final Logger LOG = LoggerFactory.getLogger(ProxyHandler.class);
  /** How long a proxied request that is not a watch may stay without any byte from the backend. */
  static final long IDLE_TIMEOUT_MS = 60_000;
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade", "host", "content-length");

  private final Aggregator aggregator;

  ProxyHandler(Aggregator aggregator) {
    this.aggregator = aggregator;
  }

  /** Mounts the handler on {@code /apis/<group>/<version>} and everything under it. */
  public void mount(Router router) {
    router.route("/apis/:group/:version").handler(this);
    router.route("/apis/:group/:version/*").handler(this);
  }

  @Override
  public void handle(RoutingContext ctx) {
    ObjectNode api = aggregator.apiService(ctx.pathParam("group"), ctx.pathParam("version"));
    if (api == null || ApiServiceBackends.local(api)) {
      ctx.next();
      return;
    }
    ApiServiceBackends.Resolution r = aggregator.resolve(api);
    if (!available(api) || !r.resolved()) {
      unavailable(ctx, "service unavailable");
      return;
    }
    forward(ctx, api, r.target());
  }

  private static boolean available(JsonNode api) {
    JsonNode c = ApiServiceConditions.current(api);
    return c != null && "True".equals(c.path("status").asText());
  }

  private void forward(RoutingContext ctx, ObjectNode api, ApiServiceBackends.Target t) {
    boolean watch = "true".equals(ctx.request().getParam("watch")) || "1".equals(ctx.request().getParam("watch"));
    RequestOptions o = new RequestOptions().setMethod(ctx.request().method())
        .setServer(SocketAddress.inetSocketAddress(t.port(), t.host())).setHost(t.serverName()).setPort(t.port())
        .setURI(ctx.request().uri()).setIdleTimeout(watch ? 0 : IDLE_TIMEOUT_MS);
    headers(ctx.request().headers(), ctx.get(UserInfo.CONTEXT_KEY), o);
    if (UpgradeProxy.applies(ctx.request())) {
      UpgradeProxy.tunnel(ctx, aggregator.clients().client(api), o, e -> {
        LOG.debug("proxying the upgrade {} to {} failed: {}", ctx.request().uri(), t.url(), e.toString());
        unavailable(ctx, "error trying to reach service: " + e.getMessage());
      });
      return;
    }
    Buffer body = ctx.body() == null || ctx.body().buffer() == null ? Buffer.buffer() : ctx.body().buffer();
    aggregator.clients().client(api).request(o)
        .compose(req -> {
          io.dekube.apiserver.server.ResponseAbort.onAbort(ctx, req::reset);
          return req.send(body);
        })
        .onSuccess(resp -> respond(ctx, resp))
        .onFailure(e -> {
          LOG.debug("proxying {} to {} failed: {}", ctx.request().uri(), t.url(), e.toString());
          unavailable(ctx, "error trying to reach service: " + e.getMessage());
        });
  }

  /** Whether a header is hop-by-hop (or one the client sets for itself, as Host): never proxied either way. */
  public static boolean hopByHop(String lowerCaseName) {
    return HOP_BY_HOP.contains(lowerCaseName);
  }

  /** The client's headers minus hop-by-hop, credentials and front-proxy headers, plus the user's. */
  static void headers(MultiMap in, UserInfo user, RequestOptions o) {
    for (Map.Entry<String, String> h : in) {
      String name = h.getKey().toLowerCase(Locale.ROOT);
      if (!HOP_BY_HOP.contains(name) && !name.equals("authorization") && !name.startsWith("impersonate-")
          && !name.startsWith("x-remote-")) {
        o.addHeader(h.getKey(), h.getValue());
      }
    }
    if (user != null) {
      o.putHeader("X-Remote-User", user.name());
      user.groups().forEach(g -> o.addHeader("X-Remote-Group", g));
      user.extra().forEach((key, values) -> values.forEach(
          v -> o.addHeader("X-Remote-Extra-" + headerKeyEscape(key), v)));
    }
  }

  /**
   * An extra's key in a header name, as client-go's auth proxy round tripper writes it: bytes that are no HTTP token
   * character (and {@code %}) %-encoded, so {@code authentication.kubernetes.io/pod-name} is
   * {@code authentication.kubernetes.io%2Fpod-name}, which the backend's request-header authenticator unescapes.
   */
  static String headerKeyEscape(String key) {
    StringBuilder out = new StringBuilder();
    for (byte b : key.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      int c = b & 0xff;
      boolean token = c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&'*+-.^_`|~".indexOf(c) >= 0);
      if (token) {
        out.append((char) c);
      } else {
        out.append('%').append(String.format("%02X", c));
      }
    }
    return out.toString();
  }

  /** Streams a backend's answer to the client: status, headers minus hop-by-hop ones, body. */
  public static void respond(RoutingContext ctx, HttpClientResponse resp) {
    HttpServerResponse out = ctx.response();
    if (out.ended() || out.closed()) {
      resp.request().reset();
      return;
    }
    out.setStatusCode(resp.statusCode());
    for (Map.Entry<String, String> h : resp.headers()) {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        out.headers().add(h.getKey(), h.getValue());
      }
    }
    String length = resp.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null) {
      out.putHeader(HttpHeaders.CONTENT_LENGTH, length);
    } else {
      out.setChunked(true);
    }
    resp.pipeTo(out);
  }

  private static void unavailable(RoutingContext ctx, String message) {
    if (!ctx.response().headWritten()) {
      ctx.response().setStatusCode(503).putHeader(HttpHeaders.CONTENT_TYPE, "text/plain; charset=utf-8")
          .putHeader("X-Content-Type-Options", "nosniff").end(message + "\n");
    } else {
      ctx.response().reset();
    }
  }
}
