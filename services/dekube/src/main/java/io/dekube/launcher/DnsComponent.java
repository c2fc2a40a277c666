package io.dekube.launcher;

import io.dekube.core.net.ClusterNetwork;
import io.dekube.dns.DnsConfig;
import io.dekube.dns.DnsVerticle;
import java.util.List;

/**
 * The cluster DNS on the 10th address of --service-cidr (127.96.0.10 by default): --dns-port always; port 53 of that
 * address is the kube-dns Service's, which kube-proxy serves and forwards here as kube's does to CoreDNS's pods —
 * only a DNS run without kube-proxy ({@code ./dekube dns}) binds 53 itself, when it may. It keeps the
 * kube-system/kube-dns Service pointing there (writes audited as CoreDNS's service account's when a policy is set).
 */
final class DnsComponent implements Component {

  private final boolean also53;

  /** The DNS alone: it answers on port 53 of its address too, when it may bind it. */
  DnsComponent() {
    this(true);
  }

  private DnsComponent(boolean also53) {
    this.also53 = also53;
  }

  /** The DNS of a process that runs kube-proxy too: port 53 of its address is kube-proxy's, for the kube-dns Service. */
  static DnsComponent besideKubeProxy() {
    return new DnsComponent(false);
  }

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--dns-port", "N", "cluster DNS port on the 10th address of --service-cidr (default 10053; the"
            + " kube-dns Service's port 53 there leads to it, or the DNS binds 53 itself when it runs without kube-proxy)"),
        Flag.of("--dns-forward", "IP[:PORT]|none", "where names outside cluster.local go (default: the host's"
            + " resolver; none answers REFUSED)"));
  }

  /** The cluster DNS address: the 10th of {@code --service-cidr}, as kubeadm picks it; the kubelets name it too. */
  static String dnsIp(Flags flags) {
    return ClusterNetwork.dnsIp(StoreComponent.serviceRanges(flags).serviceCidr().toString());
  }

  /** Where this DNS answers and where it forwards, from the flags. */
  DnsConfig config(Flags flags) {
    int port = flags.port("--dns-port", ClusterNetwork.DNS_PORT);
    String ip = dnsIp(flags);
    String forward = flags.string("--dns-forward", "");
    if (forward.isEmpty()) {
      forward = DnsVerticle.hostResolver(ip);
    } else if (forward.equals("none")) {
      forward = "";
    }
    return new DnsConfig(ip, port, also53, forward);
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    DnsConfig config = config(ctx.flags());
    String ip = config.host();
    DnsVerticle dns = new DnsVerticle(config, ctx.registry(),
        ctx.informersAs(io.dekube.apiserver.audit.BusAudit.COREDNS)).withKubeDnsService(ctx.audited(io.dekube.apiserver.audit.BusAudit.COREDNS, ctx.store()));
    ctx.deploy(dns);
    if (dns.actualPort() > 0) {
      ctx.dnsPort(dns.actualPort());
      ctx.announce("dns " + ip + ":" + dns.actualPort());
    }
  }
}
