package io.dekube.dns;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Forwards a query for a name outside the cluster to the host's resolver over UDP and hands back
 * its answer as it came (one short-lived socket per query; 2 s timeout).
 */
final class Forwarder {

  private final Vertx vertx;
  private final String host;
  private final int port;

  Forwarder(Vertx vertx, String upstream) {
    this.vertx = vertx;
    int colon = upstream.lastIndexOf(':');
    this.host = colon > 0 ? upstream.substring(0, colon) : upstream;
    this.port = colon > 0 ? Integer.parseInt(upstream.substring(colon + 1)) : 53;
  }

  /** The first nameserver of /etc/resolv.conf that is not the cluster DNS itself, or "". Blocking. */
  static String hostResolver(String clusterDnsIp) {
    try {
      for (String line : Files.readAllLines(Path.of("/etc/resolv.conf"))) {
        String[] f = line.trim().split("\\s+");
        if (f.length >= 2 && f[0].equals("nameserver") && !f[1].equals(clusterDnsIp) && !f[1].contains(":")) {
          return f[1];
        }
      }
    } catch (IOException e) {
      return "";
    }
    return "";
  }

  Future<Buffer> forward(Buffer query) {
    Promise<Buffer> p = Promise.promise();
    DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions());
    long timer = vertx.setTimer(2_000, t -> p.tryFail("no answer from " + host + ":" + port));
    socket.handler(packet -> p.tryComplete(packet.data()));
    socket.send(query, port, host).onFailure(p::tryFail);
    return p.future().onComplete(ar -> {
      vertx.cancelTimer(timer);
      socket.close();
    });
  }
}
