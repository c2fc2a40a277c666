package io.dekube.apiserver.rest;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * The WebSocket subprotocols of the pod streams: Kubernetes' channel protocols for exec and attach,
 * and kubectl's SPDY-over-WebSocket tunnel for port-forward. The apiserver's TLS options list them
 * ({@link #PROTOCOLS}), so a handshake picks the client's first one it knows. Pure.
 */
public final class WebSocketUpgrade {

  /** The channel protocols, most preferred first. */
  public static final List<String> CHANNEL_PROTOCOLS = List.of("v5.channel.k8s.io", "v4.channel.k8s.io",
      "v3.channel.k8s.io", "v2.channel.k8s.io", "channel.k8s.io");
  /** kubectl port-forward's tunnel (kube 1.30+). */
  public static final String TUNNEL_PROTOCOL = "SPDY/3.1+portforward.k8s.io";
  /** Every subprotocol the apiserver accepts. */
  public static final List<String> PROTOCOLS;

  static {
    List<String> all = new ArrayList<>(CHANNEL_PROTOCOLS);
    all.add(TUNNEL_PROTOCOL);
    all.add("portforward.k8s.io");
    PROTOCOLS = List.copyOf(all);
  }

  private WebSocketUpgrade() {
  }

  static boolean isUpgrade(HttpServerRequest req) {
    return req.version() != HttpVersion.HTTP_2 && "websocket".equalsIgnoreCase(req.getHeader(HttpHeaders.UPGRADE));
  }

  /** The subprotocols the client offered, in its order. */
  static List<String> offered(HttpServerRequest req) {
    return listed(req, "Sec-WebSocket-Protocol");
  }

  /** The values of a header the client may send several times, each a comma-separated list, in its order. */
  static List<String> listed(HttpServerRequest req, String header) {
    List<String> out = new ArrayList<>();
    for (String h : req.headers().getAll(header)) {
      for (String p : h.split(",")) {
        if (!p.isBlank()) {
          out.add(p.trim());
        }
      }
    }
    return out;
  }
}
