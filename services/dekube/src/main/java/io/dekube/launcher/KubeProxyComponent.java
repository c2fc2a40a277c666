package io.dekube.launcher;

import io.dekube.kubeproxy.KubeProxyConfig;
import io.dekube.kubeproxy.KubeProxyNodes;
import io.dekube.kubeproxy.iptables.IptablesApplier;
import java.net.InetSocketAddress;
import java.util.List;

/**
 * kube-proxy: in userspace mode one proxy for the process's ClusterIPs and LoadBalancer IPs and
 * one per Node for its NodePorts; in iptables mode (root with iptables only) one that applies the
 * rendered rules.
 */
final class KubeProxyComponent implements Component {

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--proxy-mode", "MODE", "kube-proxy mode: userspace (default) or iptables (root + iptables)"),
        Flag.of("--proxy-cluster-cidr", "CIDR", "pod CIDR for kube-proxy's masquerade rule (default 127.244.0.0/16)"),
        Flag.of("--metrics-bind-address", "IP:PORT", "kube-proxy's /proxyMode and /healthz (default 127.0.0.1:10249; the"
            + " nodes' proxies use the port on their node addresses)"));
  }

  /** kube-proxy's {@code --metrics-bind-address}, checked as kube-proxy 1.32 checks its configuration's. */
  static InetSocketAddress metricsBindAddress(Flags flags) {
    String value = flags.string("--metrics-bind-address", "127.0.0.1:10249");
    String field = "KubeProxyConfiguration.MetricsBindAddress: Invalid value: ";
    int colon = value.lastIndexOf(':');
    String host = colon < 0 ? "" : value.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    if (colon < 0 || (host.contains(":") && !value.startsWith("["))) {
      throw new IllegalArgumentException(field + "\"" + value + "\": must be IP:port");
    }
    String port = value.substring(colon + 1);
    if (!isIp(host)) {
      throw new IllegalArgumentException(field + "\"" + host + "\": must be a valid IP");
    }
    int p;
    try {
      p = Integer.parseInt(port);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(field + "\"" + port + "\": must be a valid port");
    }
    if (p < 1 || p > 65535) {
      throw new IllegalArgumentException(field + "\"" + port + "\": must be between 1 and 65535, inclusive");
    }
    return InetSocketAddress.createUnresolved(host, p);
  }

  /** An IPv4 or IPv6 literal (no name: nothing is looked up). */
  private static boolean isIp(String host) {
    if (io.dekube.core.net.Ipv4.isIpv4(host)) {
      return true;
    }
    try {
      return host.contains(":") && java.net.InetAddress.getByName(host) != null;
    } catch (java.net.UnknownHostException e) {
      return false;
    }
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    String mode = ctx.flags().string("--proxy-mode", KubeProxyConfig.USERSPACE);
    if (mode.equals(KubeProxyConfig.IPTABLES) && !IptablesApplier.available()) {
      throw new IllegalArgumentException("--proxy-mode iptables needs root and iptables-restore on the PATH");
    }
    String cidr = ctx.flags().string("--proxy-cluster-cidr", "127.244.0.0/16");
    InetSocketAddress metrics = metricsBindAddress(ctx.flags());
    ctx.deploy(new KubeProxyNodes(mode, cidr, metrics.getHostString(), metrics.getPort(), ctx.registry(),
        ctx.informersAs(io.dekube.apiserver.audit.BusAudit.KUBE_PROXY)));
  }
}
