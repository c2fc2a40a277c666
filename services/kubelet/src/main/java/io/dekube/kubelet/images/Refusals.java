package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.SocketAddress;

/**
 * The NetworkPolicy check of the built-in servers: a connection the pod's policies refuse gets no answer at all,
 * as a dropped packet (busybox wget ends with "download timed out", never "connection refused"): its request
 * is paused and never answered, and the connection is closed after {@link #HOLD_MS} unless the client gave up
 * before. The TCP handshake itself cannot be dropped from the JVM. Handlers run on the server's event loop.
 */
final class Refusals {

  /** How long a refused connection is held before the server closes it. */
  static final long HOLD_MS = 120_000;

  private Refusals() {
  }

  /** {@code handler} for the requests whose connection the pod's policies admit; the others are held. */
  static Handler<HttpServerRequest> http(JvmContainer c, int port, Handler<HttpServerRequest> handler) {
    return req -> {
      req.pause();
      admitted(c, req.remoteAddress(), port, "TCP").onComplete(ok -> {
        if (ok.succeeded() && ok.result()) {
          req.resume();
          handler.handle(req);
        } else {
          var conn = req.connection();
          c.vertx().setTimer(HOLD_MS, t -> conn.close());
        }
      });
    };
  }

  /** {@code handler} for the TCP connections the pod's policies admit; the others are held. */
  static Handler<NetSocket> tcp(JvmContainer c, int port, Handler<NetSocket> handler) {
    return socket -> {
      socket.pause();
      admitted(c, socket.remoteAddress(), port, "TCP").onComplete(ok -> {
        if (ok.succeeded() && ok.result()) {
          handler.handle(socket);
          socket.resume();
        } else {
          c.vertx().setTimer(HOLD_MS, t -> socket.close());
        }
      });
    };
  }

  /** Whether traffic from {@code sender} to the container's pod on {@code port} gets in. */
  static Future<Boolean> admitted(JvmContainer c, SocketAddress sender, int port, String protocol) {
    String pod = c.spec().podIp();
    if (sender == null || sender.hostAddress() == null || pod == null || pod.isEmpty()) {
      return Future.succeededFuture(true);
    }
    return c.traffic().admits(sender.hostAddress(), c.spec(), port, protocol);
  }
}
