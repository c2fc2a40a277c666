package io.dekube.kubeproxy.userspace;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The TCP clients of the userspace proxy, one per client address: a connection from a loopback address other
 * than 127.0.0.1 (a pod IP) leaves for the endpoint from that same address, so the backend sees the pod that
 * connected, as kube-proxy's DNAT keeps the source address (NetworkPolicies and access logs rely on it). Other
 * clients (the host, other machines) are proxied from the host's address. One client per address is kept until
 * {@link #close}: closing a client would close its connections. Thread-safe.
 */
final class SourceClients {

  private final Vertx vertx;
  private final NetClientOptions options;
  private final NetClient host;
  private final Map<String, NetClient> bySource = new ConcurrentHashMap<>();

  SourceClients(Vertx vertx, NetClientOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.host = vertx.createNetClient(options);
  }

  /** The client whose connections leave from {@code source} where it can, else from the host. */
  NetClient from(String source) {
    if (source == null || !source.startsWith("127.") || source.equals("127.0.0.1")) {
      return host;
    }
    return bySource.computeIfAbsent(source,
        ip -> vertx.createNetClient(new NetClientOptions(options).setLocalAddress(ip)));
  }

  Future<Void> close() {
    List<Future<Void>> all = new ArrayList<>();
    all.add(host.close());
    bySource.values().forEach(c -> all.add(c.close()));
    bySource.clear();
    return Future.join(all).mapEmpty();
  }
}
