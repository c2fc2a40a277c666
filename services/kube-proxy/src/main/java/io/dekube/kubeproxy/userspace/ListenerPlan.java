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
 * local, as kube-proxy sends traffic from the node itself to every endpoint. A pure function.
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

  /** Where a listener sends new connections. */
  record Target(String servicePortName, List<Backend> backends, boolean clientIpAffinity, int affinitySeconds) {
  }

  private ListenerPlan() {
  }

  static Map<Key, Target> plan(List<ServicePort> ports, String nodeName, List<String> nodeIps, boolean clusterAddresses) {
    Map<Key, Target> out = new LinkedHashMap<>();
    for (ServicePort p : ports) {
      if (p.type().equals("ExternalName") || !(p.protocol().equals("TCP") || p.protocol().equals("UDP"))) {
        continue;
      }
      // the process-wide proxy (no node) treats every endpoint as local
      boolean node = !nodeName.isEmpty();
      Target internal = target(p, p.internalLocal() && node ? p.readyBackendsOn(nodeName) : p.readyBackends());
      Target external = target(p, p.externalLocal() && node ? p.readyBackendsOn(nodeName) : p.readyBackends());
      if (clusterAddresses && p.port() > 0) {
        p.clusterIps().forEach(ip -> out.put(new Key(p.protocol(), ip, p.port()), internal));
        p.loadBalancerIps().forEach(ip -> out.put(new Key(p.protocol(), ip, p.port()), external));
        p.externalIps().forEach(ip -> out.put(new Key(p.protocol(), ip, p.port()), external));
      }
      if (clusterAddresses && p.nodePort() > 0) {
        out.put(new Key(p.protocol(), LOCALHOST, p.nodePort()), external);
      }
      if (p.nodePort() > 0) {
        nodeIps.forEach(ip -> out.put(new Key(p.protocol(), ip, p.nodePort()), external));
      }
    }
    return out;
  }

  private static Target target(ServicePort p, List<Backend> backends) {
    return new Target(p.servicePortName(), backends, p.clientIpAffinity(), p.affinitySeconds());
  }
}
