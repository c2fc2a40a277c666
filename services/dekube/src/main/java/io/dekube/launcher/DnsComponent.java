package io.dekube.launcher;

import io.dekube.core.net.ClusterNetwork;
import io.dekube.dns.DnsConfig;
import io.dekube.dns.DnsVerticle;
import java.util.List;

/**
 * The cluster DNS on the 10th address of --service-cidr (127.96.0.10 by default): --dns-port always,
 * 53 too when it may bind it; it keeps the kube-system/kube-dns Service pointing there (writes audited as CoreDNS's
 * service account's when a policy is set).
 */
final class DnsComponent implements Component {

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--dns-port", "N", "cluster DNS port on the 10th address of --service-cidr (default 10053; 53 too"
            + " when bindable)"),
        Flag.of("--dns-forward", "IP[:PORT]|none", "where names outside cluster.local go (default: the host's"
            + " resolver; none answers REFUSED)"));
  }

  /** The cluster DNS address: the 10th of {@code --service-cidr}, as kubeadm picks it; the kubelets name it too. */
  static String dnsIp(Flags flags) {
    return ClusterNetwork.dnsIp(StoreComponent.serviceRanges(flags).serviceCidr().toString());
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    int port = ctx.flags().port("--dns-port", ClusterNetwork.DNS_PORT);
    String ip = dnsIp(ctx.flags());
    String forward = ctx.flags().string("--dns-forward", "");
    if (forward.isEmpty()) {
      forward = DnsVerticle.hostResolver(ip);
    } else if (forward.equals("none")) {
      forward = "";
    }
    DnsVerticle dns = new DnsVerticle(new DnsConfig(ip, port, true, forward), ctx.registry(),
        ctx.informersAs(io.dekube.apiserver.audit.BusAudit.COREDNS)).withKubeDnsService(ctx.audited(io.dekube.apiserver.audit.BusAudit.COREDNS, ctx.store()));
    ctx.deploy(dns);
    if (dns.actualPort() > 0) {
      ctx.dnsPort(dns.actualPort());
      ctx.announce("dns " + ip + ":" + dns.actualPort());
    }
  }
}
