package io.dekube.kubeproxy.userspace;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which addresses one node's userspace kube-proxy listens on and where each one sends traffic:
 * ClusterIP:port (when this proxy owns the process's cluster addresses), LoadBalancer and external
 * IPs:port (likewise), each node IP:nodePort, and 127.0.0.1:nodePort (likewise: the localhost
 * NodePorts of kube-proxy's iptables mode, which a laptop's cluster answers too). Local traffic
 * policies narrow a node's endpoints to its own; the process-wide proxy treats every endpoint as
 * local, as kube-proxy sends traffic from the node itself to every endpoint. External traffic under
 * {@code externalTrafficPolicy: Cluster} reaches the endpoint from a node's address, as kube-proxy's
 * masquerade makes it; {@code Local} keeps the client's. A pure function.
 */
final class ListenerPlan {

  /** Where the process-wide proxy also serves each NodePort. */
  static final String LOCALHOST = "127.0.0.1";

  /** One listening address. */
  record Key(String protocol, String ip, int port) {
    @Override
    public String toString() {
      return protocol + " " + ip + ":" + port;
    }
  }

  /** {@link Target#masquerade()}: from the address of the node the picked endpoint runs on. */
  static final String ENDPOINT_NODE = "*";

  /**
   * Where a listener sends new connections.
   *
   * @param masquerade the source address the endpoint sees, as kube-proxy's SNAT of external traffic under
   *                   {@code externalTrafficPolicy: Cluster}: "" keeps the client's, an address (the node's
   *                   own for its NodePorts), or {@link #ENDPOINT_NODE}
   */
  record Target(String servicePortName, List<Backend> backends, boolean clientIpAffinity, int affinitySeconds,
      String masquerade) {

    Target masqueradedTo(String source) {
      return new Target(servicePortName, backends, clientIpAffinity, affinitySeconds, source);
    }
  }

  private ListenerPlan() {
  }

  static Map<Key, Target> plan(List<ServicePort> ports, String nodeName, List<String> nodeIps, boolean clusterAddresses) {
    Map<Key, Target> out = new LinkedHashMap<>();
    for (ServicePort p : ports) {
      if (p.type().equals("ExternalName") || !(p.protocol().equals("TCP") || p.protocol().equals("UDP"))) {
        continue;
      }
      if (p.proxiedBackends().isEmpty()) {
        continue; // kube-proxy's REJECT of a Service without endpoints: no listener, so a connection is refused
      }
      // the process-wide proxy (no node) treats every endpoint as local
      boolean node = !nodeName.isEmpty();
      Target internal = target(p, p.internalLocal() && node ? p.proxiedBackendsOn(nodeName) : p.proxiedBackends());
      Target external = target(p, p.externalLocal() && node ? p.proxiedBackendsOn(nodeName) : p.proxiedBackends());
      if (clusterAddresses && p.port() > 0) {
        p.clusterIps().forEach(ip -> out.put(new Key(p.protocol(), ip, p.port()), internal));
        // an external address belongs to no node: the source is the node of the endpoint the traffic lands on
        Target anyNode = external.masqueradedTo(p.externalLocal() ? "" : ENDPOINT_NODE);
        p.loadBalancerIps().forEach(ip -> out.put(new Key(p.protocol(), ip, p.port()), anyNode));
        p.externalIps().forEach(ip -> out.put(new Key(p.protocol(), ip, p.port()), anyNode));
      }
      if (clusterAddresses && p.nodePort() > 0) {
        out.put(new Key(p.protocol(), LOCALHOST, p.nodePort()), external.masqueradedTo(p.externalLocal() ? ""
            : ENDPOINT_NODE));
      }
      if (p.nodePort() > 0) {
        nodeIps.forEach(ip -> out.put(new Key(p.protocol(), ip, p.nodePort()),
            external.masqueradedTo(p.externalLocal() ? "" : ip)));
      }
    }
    return out;
  }

  private static Target target(ServicePort p, List<Backend> backends) {
    return new Target(p.servicePortName(), backends, p.clientIpAffinity(), p.affinitySeconds(), "");
  }
}
