package io.dekube.kubelet.server;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code /portForward/<ns>/<pod>?ports=P[,Q]} over a WebSocket, the kubelet's port-forward
 * protocol ({@code v4.channel.k8s.io} / {@code portforward.k8s.io}): port i uses channel 2i for data
 * and 2i+1 for errors; the first message on each channel is the port (2 bytes, little endian). Each
 * port is one TCP connection to the pod IP, for the life of the WebSocket.
 */
final class PortForwardStream {

  static final List<String> PROTOCOLS = List.of("portforward.k8s.io");

  private PortForwardStream() {
  }

  static void serve(Vertx vertx, HttpServerRequest req, String podIp) {
    List<Integer> ports = new ArrayList<>();
    for (String v : req.params().getAll("ports")) {
      for (String s : v.split(",")) {
        if (s.trim().matches("\\d{1,5}")) {
          ports.add(Integer.parseInt(s.trim()));
        }
      }
    }
    if (ports.isEmpty() || podIp == null) {
      req.response().setStatusCode(400).end(ports.isEmpty() ? "query parameter \"port\" is required\n"
          : "pod has no IP yet\n");
      return;
    }
    req.toWebSocket().onSuccess(ws -> {
      List<NetSocket> sockets = new ArrayList<>();
      List<List<Buffer>> early = new ArrayList<>();
      for (int i = 0; i < ports.size(); i++) {
        int port = ports.get(i);
        Buffer head = Buffer.buffer().appendUnsignedShortLE(port);
        ws.writeBinaryMessage(ChannelStreams.frame(2 * i, head));
        ws.writeBinaryMessage(ChannelStreams.frame(2 * i + 1, head));
        sockets.add(null);
        early.add(new ArrayList<>());
      }
      for (int i = 0; i < ports.size(); i++) {
        int idx = i;
        io.vertx.core.net.NetClient net = vertx.createNetClient();
        net.connect(ports.get(i), podIp).onComplete(ar -> {
          if (ar.failed()) {
            net.close();
            ChannelStreams.write(ws, 2 * idx + 1, Buffer.buffer("error forwarding port " + ports.get(idx) + " to pod: "
                + ar.cause().getMessage()));
            return;
          }
          NetSocket s = ar.result();
          sockets.set(idx, s);
          early.get(idx).forEach(s::write);
          early.get(idx).clear();
          s.handler(data -> ChannelStreams.write(ws, 2 * idx, data));
          s.closeHandler(v -> {
            net.close();
            closeQuietly(ws);
          });
        });
      }
      ws.binaryMessageHandler(msg -> {
        if (msg.length() < 1) {
          return;
        }
        int ch = msg.getUnsignedByte(0);
        int idx = ch / 2;
        if (ch % 2 != 0 || idx >= sockets.size() || msg.length() <= 1) {
          return;
        }
        Buffer data = msg.slice(1, msg.length()).copy();
        if (sockets.get(idx) != null) {
          sockets.get(idx).write(data);
        } else {
          early.get(idx).add(data); // before the pod connection is up
        }
      });
      ws.closeHandler(v -> sockets.forEach(s -> {
        if (s != null) {
          s.close();
        }
      }));
    });
  }

  private static void closeQuietly(ServerWebSocket ws) {
    if (!ws.isClosed()) {
      ws.close();
    }
  }
}
