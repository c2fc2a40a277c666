package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import java.util.Set;

/**
 * {@code registry.k8s.io/goproxy:0.1} (the TCP liveness and readiness probe docs): elazarl's goproxy, an HTTP
 * proxy on 8080. A request with an absolute URI ({@code GET http://host/path}) is sent on to that host and its
 * answer streamed back; {@code CONNECT host:port} opens a tunnel; any other request gets goproxy's 500 {@code This
 * is a proxy server. Does not respond to non-proxy requests.} A tcpSocket probe only needs the port open. The
 * proxy's own outgoing connections come from the kubelet's process, not the pod IP: egress NetworkPolicies do
 * not hold for them.
 */
final class GoProxy {

  static final int PORT = 8080;
  static final String NOT_A_PROXY_REQUEST = "This is a proxy server. Does not respond to non-proxy requests.\n";
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "proxy-connection", "keep-alive",
      "proxy-authenticate", "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

  private GoProxy() {
  }

  static Future<Void> start(JvmContainer c) {
    HttpClient client = c.vertx().createHttpClient();
    NetClient tunnels = c.vertx().createNetClient();
    c.onStop(() -> client.close().compose(v -> tunnels.close()));
    return ImageServer.serve(c, PORT, req -> {
      if (req.method() == HttpMethod.CONNECT) {
        tunnel(tunnels, req);
      } else if (req.uri().startsWith("http://")) {
        forward(client, req);
      } else {
        req.response().setStatusCode(500).putHeader("Content-Type", "text/plain; charset=utf-8")
            .end(NOT_A_PROXY_REQUEST);
      }
    });
  }

  private static void forward(HttpClient client, HttpServerRequest req) {
    req.pause();
    RequestOptions options = new RequestOptions().setMethod(req.method()).setAbsoluteURI(req.uri());
    req.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
        options.addHeader(h.getKey(), h.getValue());
      }
    });
    client.request(options)
        .compose(out -> out.send(req))
        .onSuccess(in -> {
          req.response().setStatusCode(in.statusCode()).setStatusMessage(in.statusMessage());
          in.headers().forEach(h -> {
            if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(java.util.Locale.ROOT))) {
              req.response().putHeader(h.getKey(), h.getValue());
            }
          });
          if (in.getHeader("Content-Length") == null) {
            req.response().setChunked(true);
          }
          in.pipeTo(req.response());
        })
        .onFailure(e -> {
          if (!req.response().headWritten()) {
            req.response().setStatusCode(500).end(e.getMessage() == null ? e.toString() : e.getMessage());
          }
        });
  }

  private static void tunnel(NetClient tunnels, HttpServerRequest req) {
    String target = req.uri();
    int colon = target.lastIndexOf(':');
    if (colon < 0 || !target.substring(colon + 1).matches("\\d{1,5}")) {
      req.response().setStatusCode(502).end();
      return;
    }
    tunnels.connect(Integer.parseInt(target.substring(colon + 1)), target.substring(0, colon))
        .onFailure(e -> req.response().setStatusCode(502).end())
        .onSuccess(upstream -> req.toNetSocket().onSuccess(downstream -> {
          upstream.pipeTo(downstream);
          downstream.pipeTo(upstream);
        }).onFailure(e -> upstream.close()));
  }
}
