package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * {@code proxy_pass} as nginx's proxy module does it: the request sent on to the host (or the next server of an
 * {@code upstream} group, round robin) at the address resolved at start, from the pod IP and as far as the pod's
 * egress policies let it; the URI replaced by the proxy_pass URI where it has one (the location's prefix cut
 * off), else passed as it came; {@code Host: $proxy_host} and {@code Connection: close} unless
 * {@code proxy_set_header} says otherwise; the answer passed back with nginx's {@code Server}. A refused or failed
 * connection fails the future (502), a timeout with {@link TimedOut} (504). Non-blocking.
 */
final class NginxProxy {

  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "upgrade", "te", "trailer", "host", "server", "date", "content-length");
  private static final AtomicInteger NEXT = new AtomicInteger();
  /** nginx's {@code proxy_read_timeout} and {@code proxy_connect_timeout} default. */
  private static final int TIMEOUT_MS = 60_000;

  /** What was answered: the status and the body's length, for the access log. */
  record Answered(int status, int bytes) {
  }

  /** The upstream did not answer in time. */
  static final class TimedOut extends RuntimeException {
    TimedOut() {
      super("upstream timed out", null, false, false);
    }
  }

  private NginxProxy() {
  }

  /**
   * Sends {@code req} on as {@code scope}'s proxy_pass says; {@code uri} is the URI to ask for (the request's own,
   * or proxy_pass's URI in place of the location's prefix).
   */
  static Future<Answered> forward(JvmContainer c, NginxLoad load, HttpServerRequest req, NginxSite.Scope scope,
                                  String uri, Function<String, String> vars, String version) {
    NginxSite.Proxy p = scope.proxy();
    List<NginxSite.Peer> group = load.site().upstreams().get(p.host());
    NginxSite.Peer peer = group == null ? new NginxSite.Peer(p.host(), p.port(), p.at())
        : group.get(Math.floorMod(NEXT.getAndIncrement(), group.size()));
    String ip = load.addresses().getOrDefault(peer.host(), peer.host());
    String proxyHost = group == null ? p.proxyHost() : p.host();
    HttpClientAgent client = c.vertx().createHttpClient(new HttpClientOptions().setLocalAddress(c.clientAddress())
        .setSsl(p.scheme().equals("https")).setTrustAll(true).setVerifyHost(false).setConnectTimeout(TIMEOUT_MS)
        .setIdleTimeout(TIMEOUT_MS / 1000));
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.valueOf(req.method().name())).setHost(ip)
        .setPort(peer.port()).setURI(uri).putHeader("Host", proxyHost).putHeader("Connection", "close");
    req.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        o.addHeader(h.getKey(), h.getValue());
      }
    });
    for (NginxSite.Header h : scope.proxyHeaders()) {
      String v = NginxVariables.expand(h.value(), name -> name.equals("proxy_host") ? proxyHost : vars.apply(name));
      o.removeHeader(h.name());
      if (!v.isEmpty()) {
        o.putHeader(h.name(), v);
      }
    }
    return c.traffic().letsOut(c.spec(), ip, peer.port(), "TCP")
        .compose(ok -> ok ? client.request(o) : Future.failedFuture("dropped by egress policies"))
        .compose(out -> {
          req.resume();
          return req.body().compose(out::send);
        })
        .compose(resp -> resp.body().map(body -> {
          var res = req.response().setStatusCode(resp.statusCode());
          resp.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
              res.headers().add(h.getKey(), h.getValue());
            }
          });
          res.putHeader("Server", "nginx/" + version);
          res.end(body);
          return new Answered(resp.statusCode(), body.length());
        }))
        .recover(e -> Future.failedFuture(String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("timeout")
            || e instanceof java.util.concurrent.TimeoutException ? new TimedOut() : e))
        .andThen(ar -> client.close());
  }
}
