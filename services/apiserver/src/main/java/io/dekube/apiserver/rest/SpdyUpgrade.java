package io.dekube.apiserver.rest;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import java.lang.reflect.Method;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.NetSocket;
import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.Locale;

/**
 * The HTTP/1.1 upgrade to SPDY/3.1 of client-go's streaming connections (kubectl exec, attach, cp up to
 * 1.29, port-forward up to 1.30): {@code Upgrade: SPDY/3.1} with the client's protocols in
 * {@code X-Stream-Protocol-Version}, answered {@code 101 Switching Protocols} naming the agreed one,
 * as kube's {@code httpstream.Handshake} answers.
 */
final class SpdyUpgrade {

  static final String PROTOCOL_HEADER = "X-Stream-Protocol-Version";

  private SpdyUpgrade() {
  }

  static boolean isUpgrade(HttpServerRequest req) {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    return req.version() != HttpVersion.HTTP_2 && upgrade != null
        && upgrade.toLowerCase(Locale.ROOT).startsWith("spdy/3.1");
  }

  /** The protocols the client offered, in its order. */
  static List<String> offered(HttpServerRequest req) {
    return WebSocketUpgrade.listed(req, PROTOCOL_HEADER);
  }

  /** kube's 403 when no protocol the client offers is served. */
  static StatusException notNegotiated(List<String> offered, List<String> served) {
    return new StatusException(403, "Forbidden", "unable to upgrade: unable to negotiate protocol: client supports "
        + offered + ", server accepts " + served);
  }

  /**
   * Answers 101 with {@code protocol} and hands over the connection. Vert.x's {@code toNetSocket()} takes
   * over only GET upgrades (and CONNECTs), and client-go upgrades a POST for exec, attach and
   * port-forward: for those, the HTTP/1.x response's own hand-over is called as for a GET (the same
   * 101 and pipeline change; the request has no body).
   */
  @SuppressWarnings("unchecked")
  static Future<NetSocket> accept(HttpServerRequest req, String protocol) {
    HttpServerResponse response = req.response();
    response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE).putHeader(HttpHeaders.UPGRADE, "SPDY/3.1")
        .putHeader(PROTOCOL_HEADER, protocol);
    if (req.method() == HttpMethod.GET) {
      return req.toNetSocket();
    }
    try {
      Method handOver = response.getClass().getDeclaredMethod("netSocket", HttpMethod.class, MultiMap.class);
      handOver.setAccessible(true);
      return (Future<NetSocket>) handOver.invoke(response, HttpMethod.GET, req.headers());
    } catch (ReflectiveOperationException | RuntimeException e) {
      return Future.failedFuture(new IllegalStateException("cannot upgrade a " + req.method() + " to SPDY/3.1 on "
          + response.getClass().getName() + ": " + e));
    }
  }
}
