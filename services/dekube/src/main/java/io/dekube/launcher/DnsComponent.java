package io.dekube.launcher;

import io.dekube.apiserver.audit.BusAudit;
import io.dekube.core.net.ClusterNetwork;
import io.dekube.dns.DnsConfig;
import io.dekube.dns.DnsVerticle;
import java.util.List;

/**
 * The cluster DNS on the 10th address of --service-cidr (127.96.0.10 by default): --dns-port always; port 53 of that
 * address is the kube-dns Service's, which kube-proxy serves and forwards here as kube's does to CoreDNS's pods —
 * only a DNS run without kube-proxy ({@code ./dekube dns}) binds 53 itself, when it may. It keeps the
 * kube-system/kube-dns Service pointing there.
 *
 * <p>Its writes pass the admission webhooks and ValidatingAdmissionPolicies (and, with a policy, the audit) as the
 * requests of the clients that make them in a kubeadm cluster: the Service and the {@code coredns} ConfigMap as
 * kubeadm's addon phase creates them ({@code kubernetes-admin} in {@code kubeadm:cluster-admins}, field manager
 * {@code kubeadm}, the User-Agent of its binary); the Service's Endpoints and EndpointSlice as the controller its
 * KEP-4770 label names, {@code dekube-dns} (field manager), which runs as the DNS itself: CoreDNS's service account,
 * as whom its informers list and watch. Decision: in kube the endpoint controllers keep an addon's endpoints from its
 * pods; dekube's DNS is no pod, so they leave them to it.
 */
final class DnsComponent implements Component {

  /** The field manager of kubeadm's writes: kube derives it from the User-Agent of the {@code kubeadm} binary. */
  static final String KUBEADM_MANAGER = "kubeadm";

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
    DnsVerticle dns = new DnsVerticle(config, ctx.registry(), ctx.informersAs(BusAudit.COREDNS))
        .withKubeDnsService(ctx.storeAs(BusAudit.KUBEADM, KUBEADM_MANAGER),
            ctx.storeAs(BusAudit.COREDNS, DnsVerticle.ENDPOINT_CONTROLLER));
    ctx.deploy(dns);
    if (dns.actualPort() > 0) {
      ctx.dnsPort(dns.actualPort());
      ctx.announce("dns " + ip + ":" + dns.actualPort());
    }
  }
}
