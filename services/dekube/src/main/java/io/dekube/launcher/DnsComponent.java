package io.dekube.launcher;

import io.dekube.core.informer.SharedInformers;
import io.dekube.core.net.ClusterNetwork;
import io.dekube.dns.DnsConfig;
import io.dekube.dns.DnsVerticle;
import java.util.List;

/** The cluster DNS on 127.96.0.10: --dns-port always, 53 too when it may bind it. */
final class DnsComponent implements Component {

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--dns-port", "N", "cluster DNS port on " + ClusterNetwork.DNS_IP + " (default 10053; 53 too when bindable)"),
        Flag.of("--dns-forward", "IP[:PORT]|none", "where names outside cluster.local go (default: the host's"
            + " resolver; none answers REFUSED)"));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    int port = ctx.flags().port("--dns-port", ClusterNetwork.DNS_PORT);
    String forward = ctx.flags().string("--dns-forward", "");
    if (forward.isEmpty()) {
      forward = DnsVerticle.hostResolver();
    } else if (forward.equals("none")) {
      forward = "";
    }
    SharedInformers informers = ctx.informers();
    String bootstrap = ctx.bootstrap();
    DnsVerticle dns = new DnsVerticle(new DnsConfig(ClusterNetwork.DNS_IP, port, true, forward), ctx.registry(),
        type -> informers.informer(bootstrap, type));
    ctx.deploy(dns);
    if (dns.actualPort() > 0) {
      ctx.dnsPort(dns.actualPort());
      ctx.announce("dns " + ClusterNetwork.DNS_IP + ":" + dns.actualPort());
    }
  }
}
