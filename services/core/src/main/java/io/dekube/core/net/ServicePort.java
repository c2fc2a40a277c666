package io.dekube.core.net;

import java.util.List;

/**
 * One port of one Service with its endpoints: the unit kube-proxy programs, DNS answers SRV for and
 * the ingress proxies to. Immutable.
 *
 * @param namespace          the Service's namespace
 * @param name               the Service's name
 * @param portName           {@code spec.ports[].name} ("" when unnamed)
 * @param protocol           TCP, UDP or SCTP
 * @param port               the service port
 * @param nodePort           the node port (0 when none)
 * @param type               ClusterIP, NodePort, LoadBalancer or ExternalName
 * @param clusterIps         {@code spec.clusterIPs} (empty for headless and ExternalName)
 * @param loadBalancerIps    {@code status.loadBalancer.ingress[].ip}
 * @param externalIps        {@code spec.externalIPs}
 * @param clientIpAffinity   {@code sessionAffinity: ClientIP}
 * @param affinitySeconds    the affinity timeout
 * @param externalLocal      {@code externalTrafficPolicy: Local}
 * @param internalLocal      {@code internalTrafficPolicy: Local}
 * @param backends           the endpoints, ready or not, in a stable order
 * @param healthCheckNodePort {@code spec.healthCheckNodePort} (0 when none): where each node's kube-proxy
 *                           tells a load balancer how many of the Service's endpoints it has
 */
public record ServicePort(String namespace, String name, String portName, String protocol, int port, int nodePort,
    String type, List<String> clusterIps, List<String> loadBalancerIps, List<String> externalIps,
    boolean clientIpAffinity, int affinitySeconds, boolean externalLocal, boolean internalLocal,
    List<Backend> backends, int healthCheckNodePort) {

  /** A service port without a health check node port. */
  public ServicePort(String namespace, String name, String portName, String protocol, int port, int nodePort,
      String type, List<String> clusterIps, List<String> loadBalancerIps, List<String> externalIps,
      boolean clientIpAffinity, int affinitySeconds, boolean externalLocal, boolean internalLocal,
      List<Backend> backends) {
    this(namespace, name, portName, protocol, port, nodePort, type, clusterIps, loadBalancerIps, externalIps,
        clientIpAffinity, affinitySeconds, externalLocal, internalLocal, backends, 0);
  }

  /** {@code ns/name:port} as kube-proxy names a service port ({@code ns/name} when unnamed). */
  public String servicePortName() {
    return namespace + "/" + name + (portName.isEmpty() ? "" : ":" + portName);
  }

  /** Whether the Service has no ClusterIP ({@code clusterIP: None}). */
  public boolean headless() {
    return clusterIps.isEmpty();
  }

  /** The ready endpoints. */
  public List<Backend> readyBackends() {
    return backends.stream().filter(Backend::ready).toList();
  }

  /** The ready endpoints on one node (for the Local traffic policies). */
  public List<Backend> readyBackendsOn(String node) {
    return backends.stream().filter(b -> b.ready() && b.nodeName().equals(node)).toList();
  }

  /**
   * What kube-proxy sends new connections to (its {@code CategorizeEndpoints}): the ready endpoints, else those
   * still serving while they terminate, so a Service whose pods are all being replaced keeps answering.
   */
  public List<Backend> proxiedBackends() {
    List<Backend> ready = readyBackends();
    return !ready.isEmpty() ? ready : backends.stream().filter(b -> b.serving() && b.terminating()).toList();
  }

  /** {@link #proxiedBackends()} among the endpoints on one node (for the Local traffic policies). */
  public List<Backend> proxiedBackendsOn(String node) {
    List<Backend> ready = readyBackendsOn(node);
    return !ready.isEmpty() ? ready : backends.stream()
        .filter(b -> b.serving() && b.terminating() && b.nodeName().equals(node)).toList();
  }
}
