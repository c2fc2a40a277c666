package io.dekube.kubeproxy.userspace;

import io.dekube.core.net.ServicePort;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClientOptions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-proxy's userspace mode: keeps one TCP or UDP listener per planned address
 * ({@link ListenerPlan}), opening and closing listeners as Services come and go and handing new
 * endpoint lists to the ones that stay (so established connections are never broken by an
 * endpoint change). Runs on its verticle's event loop.
 */
public final class UserspaceProxier {

  private static final Logger LOG = LoggerFactory.getLogger(UserspaceProxier.class);

  private final Vertx vertx;
  private final String nodeName;
  private final List<String> nodeIps;
  private final boolean clusterAddresses;
  private final Function<String, String> nodeIpOf;
  private final SourceClients clients;
  private final Map<ListenerPlan.Key, Listener> listeners = new HashMap<>();
  private final Map<ListenerPlan.Key, String> failed = new HashMap<>();

  /**
   * @param clusterAddresses whether this proxy listens on ClusterIPs and LoadBalancer IPs (one
   *                         proxy per process does: every node of a process shares the loopback)
   */
  public UserspaceProxier(Vertx vertx, String nodeName, List<String> nodeIps, boolean clusterAddresses) {
    this(vertx, nodeName, nodeIps, clusterAddresses, node -> null);
  }

  /**
   * @param nodeIpOf a node's address by its name (null when unknown): where external traffic to the process's
   *                 addresses is masqueraded from under {@code externalTrafficPolicy: Cluster}
   */
  public UserspaceProxier(Vertx vertx, String nodeName, List<String> nodeIps, boolean clusterAddresses,
      Function<String, String> nodeIpOf) {
    this.vertx = vertx;
    this.nodeIpOf = nodeIpOf;
    this.nodeName = nodeName;
    this.nodeIps = List.copyOf(nodeIps);
    this.clusterAddresses = clusterAddresses;
    this.clients = new SourceClients(vertx, new NetClientOptions().setConnectTimeout(2_000).setTcpNoDelay(true));
  }

  /** Brings the listeners in line with the service ports; completes when new listeners are bound (or failed). */
  public Future<Void> sync(List<ServicePort> ports) {
    Map<ListenerPlan.Key, ListenerPlan.Target> plan = ListenerPlan.plan(ports, nodeName, nodeIps, clusterAddresses);
    List<Future<Void>> pending = new ArrayList<>();
    for (ListenerPlan.Key key : new ArrayList<>(listeners.keySet())) {
      if (!plan.containsKey(key)) {
        LOG.info("{}: stop listening on {}", who(), key);
        pending.add(listeners.remove(key).close());
      }
    }
    failed.keySet().retainAll(plan.keySet());
    plan.forEach((key, target) -> {
      Listener l = listeners.get(key);
      if (l == null) {
        l = key.protocol().equals("UDP") ? new UdpListener(vertx, key.ip(), key.port())
            : new TcpListener(vertx, clients, key.ip(), key.port(), nodeIpOf);
        l.update(target);
        pending.add(open(key, l, target));
      } else {
        l.update(target);
      }
    });
    return Future.join(pending).mapEmpty();
  }

  private Future<Void> open(ListenerPlan.Key key, Listener l, ListenerPlan.Target target) {
    listeners.put(key, l);
    return l.listen().onSuccess(v -> {
      failed.remove(key);
      LOG.info("{}: {} listening on {} ({} endpoints)", who(), target.servicePortName(), key,
          target.backends().size());
    }).recover(e -> {
      listeners.remove(key);
      if (failed.put(key, e.toString()) == null) {
        LOG.warn("{}: cannot listen on {} for {} (tried again at the next change): {}", who(), key,
            target.servicePortName(), e.toString());
      }
      // tried again at the next sync (e.g. the cluster DNS holds ClusterIP:53 itself): release what this try holds
      return l.close().recover(x -> Future.succeededFuture());
    });
  }

  private String who() {
    return nodeName.isEmpty() ? "kube-proxy" : "kube-proxy " + nodeName;
  }

  /** The addresses listened on now. */
  public List<String> listening() {
    return listeners.keySet().stream().map(ListenerPlan.Key::toString).sorted().toList();
  }

  /** Closes every listener. */
  public Future<Void> close() {
    List<Future<Void>> all = listeners.values().stream().map(Listener::close).toList();
    listeners.clear();
    return Future.join(all).eventually(clients::close).mapEmpty();
  }
}
