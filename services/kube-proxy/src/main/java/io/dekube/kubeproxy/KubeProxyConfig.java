package io.dekube.kubeproxy;

import java.util.List;

/**
 * One node's kube-proxy.
 *
 * @param nodeName         the node it serves
 * @param nodeIps          the addresses NodePorts listen on
 * @param mode             {@code userspace} (Vert.x proxies, unprivileged) or {@code iptables}
 * @param clusterCidr      the pod CIDR (iptables masquerade rule; "" for none)
 * @param clusterAddresses whether this proxy listens on ClusterIPs and LoadBalancer IPs in
 *                         userspace mode (one proxy per process, as every node shares the loopback)
 * @param metricsHost      where the process-wide proxy serves {@code /proxyMode} ({@code --metrics-bind-address}'s
 *                         IP; node proxies serve it on their node's addresses)
 * @param metricsPort      the port of {@code /proxyMode}, on every address (kube's 10249 by default)
 */
public record KubeProxyConfig(String nodeName, List<String> nodeIps, String mode, String clusterCidr,
    boolean clusterAddresses, String metricsHost, int metricsPort) {

  /** The userspace mode. */
  public static final String USERSPACE = "userspace";
  /** The iptables mode. */
  public static final String IPTABLES = "iptables";

  public KubeProxyConfig {
    nodeIps = List.copyOf(nodeIps);
    if (!mode.equals(USERSPACE) && !mode.equals(IPTABLES)) {
      throw new IllegalArgumentException("--proxy-mode must be userspace or iptables, not " + mode);
    }
  }
}
