package io.dekube.kubeproxy.userspace;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP clients of the userspace proxy, one per client address: a connection from a loopback address other
 * than 127.0.0.1 (a pod IP) leaves for the endpoint from that same address, so the backend sees the pod that
 * connected, as kube-proxy's DNAT keeps the source address (NetworkPolicies and access logs rely on it). Other
 * clients (the host, other machines) are proxied from the host's address. A client without open connections
 * for {@link #IDLE_MS} is closed (closing one would close its connections). Thread-safe.
 */
final class SourceClients {

  static final long IDLE_MS = 60_000;

  private final Vertx vertx;
  private final NetClientOptions options;
  private final NetClient host;
  private final Map<String, Source> bySource = new ConcurrentHashMap<>();
  private final long sweeper;

  /** One source address's client, its open connections and when it was last used. */
  private static final class Source {
    final NetClient client;
    int open;
    long lastUsed;

    Source(NetClient client) {
      this.client = client;
    }
  }

  SourceClients(Vertx vertx, NetClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.host = vertx.createNetClient(options);
    this.sweeper = vertx.setPeriodic(IDLE_MS, id -> closeIdle(System.currentTimeMillis() - IDLE_MS));
  }

  /**
   * Connects to {@code ip:port} from {@code source} where it can, else from the host; call {@code release}
   * with the same source once the connection closed.
   */
  Future<NetSocket> connect(String source, int port, String ip) {
    if (!keepsSource(source)) {
      return host.connect(port, ip);
    }
    Source s = bySource.compute(source, (k, v) -> {
      Source used = v == null ? new Source(vertx.createNetClient(new NetClientOptions(options).setLocalAddress(k))) : v;
      used.open++;
      used.lastUsed = System.currentTimeMillis();
      return used;
    });
    return s.client.connect(port, ip).onFailure(e -> release(source));
  }

  /** One connection from {@code source} closed (or never opened). */
  void release(String source) {
    if (keepsSource(source)) {
      bySource.computeIfPresent(source, (k, v) -> {
        v.open = Math.max(0, v.open - 1);
        return v;
      });
    }
  }

  private static boolean keepsSource(String source) {
    return source != null && source.startsWith("127.") && !source.equals("127.0.0.1");
  }

  /** Closes the clients of sources without open connections and unused since {@code before} (epoch ms). */
  void closeIdle(long before) {
    for (String source : new ArrayList<>(bySource.keySet())) {
      NetClient[] closed = new NetClient[1];
      bySource.computeIfPresent(source, (k, v) -> {
        if (v.open == 0 && v.lastUsed < before) {
          closed[0] = v.client;
          return null;
        }
        return v;
      });
      if (closed[0] != null) {
        closed[0].close();
      }
    }
  }

  /** How many source addresses have a client now. */
  int sources() {
    return bySource.size();
  }

  Future<Void> close() {
    vertx.cancelTimer(sweeper);
    List<Future<Void>> all = new ArrayList<>();
    all.add(host.close());
    bySource.values().forEach(s -> all.add(s.client.close()));
    bySource.clear();
    return Future.join(all).mapEmpty();
  }
}
