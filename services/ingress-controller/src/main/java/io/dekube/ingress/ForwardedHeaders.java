package io.dekube.ingress;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request headers ingress-nginx's defaults give every request it passes on: the client's
 * {@code Host} kept (an app behind an Ingress sees the name it was called by, not the pod's address),
 * {@code X-Request-ID} (the client's, else 32 random hex digits), {@code X-Real-IP} and
 * {@code X-Forwarded-For} (the client's address, replacing what the client sent, which moves to
 * {@code X-Original-Forwarded-For}: {@code use-forwarded-headers} and {@code compute-full-forwarded-for}
 * are off by default), {@code X-Forwarded-Host}, {@code X-Forwarded-Port} (the port the ingress took
 * the request on), {@code X-Forwarded-Proto}, {@code X-Forwarded-Scheme} and {@code X-Scheme}
 * ({@code http} or {@code https}). WebSocket upgrades get them too.
 */
final class ForwardedHeaders implements ProxyInterceptor {

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    apply(ctx.request());
    return ctx.sendRequest();
  }

  static void apply(ProxyRequest request) {
    HttpServerRequest client = request.proxiedRequest();
    MultiMap h = request.headers();
    HostAndPort host = client.authority();
    if (host != null) {
      request.setAuthority(host); // vertx-http-proxy would send the endpoint's address instead
    }
    String scheme = client.isSSL() ? "https" : "http";
    String clientIp = client.remoteAddress() == null ? "" : client.remoteAddress().hostAddress();
    if (!h.contains("X-Request-ID")) {
      byte[] id = new byte[16];
      ThreadLocalRandom.current().nextBytes(id);
      h.set("X-Request-ID", HexFormat.of().formatHex(id));
    }
    String forwardedFor = h.get("X-Forwarded-For");
    if (forwardedFor != null) {
      h.set("X-Original-Forwarded-For", forwardedFor);
    }
    h.set("X-Real-IP", clientIp);
    h.set("X-Forwarded-For", clientIp);
    if (host != null) {
      h.set("X-Forwarded-Host", host.toString());
    }
    SocketAddress local = client.localAddress();
    if (local != null) {
      h.set("X-Forwarded-Port", Integer.toString(local.port()));
    }
    h.set("X-Forwarded-Proto", scheme);
    h.set("X-Forwarded-Scheme", scheme);
    h.set("X-Scheme", scheme);
  }
}
