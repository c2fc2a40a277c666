package io.dekube.kubeproxy.healthcheck;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What one node's kube-proxy answers on the health check node ports of LoadBalancer Services with
 * {@code externalTrafficPolicy: Local}: for each node address and {@code spec.healthCheckNodePort}, the
 * Service and how many of its ready endpoints run on this node, so a load balancer sends traffic only to
 * nodes that have one (kube-proxy's service health server). A pure function.
 */
public final class HealthChecks {

  /** One listening address. */
  public record Key(String ip, int port) {
    @Override
    public String toString() {
      return ip + ":" + port;
    }
  }

  /** One Service's answer on this node. */
  public record Check(String namespace, String name, int localEndpoints) {

    /** 200 with local endpoints, else 503, as kube-proxy answers. */
    public int status() {
      return localEndpoints > 0 ? 200 : 503;
    }

    /** kube-proxy's JSON body. */
    public String body() {
      return "{\n\t\"service\": {\n\t\t\"namespace\": \"" + namespace + "\",\n\t\t\"name\": \"" + name
          + "\"\n\t},\n\t\"localEndpoints\": " + localEndpoints + ",\n\t\"serviceProxyHealthy\": true\n}";
    }
  }

  private HealthChecks() {
  }

  /** The checks of node {@code nodeName} on each of its addresses. */
  public static Map<Key, Check> plan(List<ServicePort> ports, String nodeName, List<String> nodeIps) {
    Map<Key, Check> out = new LinkedHashMap<>();
    for (ServicePort p : ports) {
      if (p.healthCheckNodePort() <= 0 || !p.externalLocal() || !p.type().equals("LoadBalancer")) {
        continue;
      }
      int local = (int) p.readyBackendsOn(nodeName).stream().map(Backend::ip).distinct().count();
      for (String ip : nodeIps) {
        // a Service's ports share its health check: the most endpoints any port has here
        out.merge(new Key(ip, p.healthCheckNodePort()), new Check(p.namespace(), p.name(), local),
            (a, b) -> a.localEndpoints() >= b.localEndpoints() ? a : b);
      }
    }
    return out;
  }
}
