package io.dekube.launcher;

import io.dekube.kubeproxy.KubeProxyConfig;
import io.dekube.kubeproxy.KubeProxyNodes;
import io.dekube.kubeproxy.iptables.IptablesApplier;
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
        Flag.of("--proxy-cluster-cidr", "CIDR", "pod CIDR for kube-proxy's masquerade rule (default 127.244.0.0/16)"));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    String mode = ctx.flags().string("--proxy-mode", KubeProxyConfig.USERSPACE);
    if (mode.equals(KubeProxyConfig.IPTABLES) && !IptablesApplier.available()) {
      throw new IllegalArgumentException("--proxy-mode iptables needs root and iptables-restore on the PATH");
    }
    String cidr = ctx.flags().string("--proxy-cluster-cidr", "127.244.0.0/16");
    ctx.deploy(new KubeProxyNodes(mode, cidr, ctx.registry(), ctx.informersAs(io.dekube.apiserver.audit.BusAudit.KUBE_PROXY)));
  }
}
