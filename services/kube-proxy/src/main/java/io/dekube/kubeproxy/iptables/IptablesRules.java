package io.dekube.kubeproxy.iptables;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * What kube-proxy's iptables mode writes for a set of service ports, as {@code iptables-restore}
 * input: the filter table (REJECT for ports without endpoints, forwarding accepts) and the nat
 * table ({@code KUBE-SERVICES} → {@code KUBE-SVC-*} → {@code KUBE-SEP-*} DNAT, picked with
 * {@code statistic --mode random --probability 1/n}, {@code KUBE-NODEPORTS} → {@code KUBE-EXT-*},
 * {@code KUBE-MARK-MASQ}, {@code KUBE-POSTROUTING}). A pure function of the services, endpoints and
 * the node, as kube-proxy's {@code syncProxyRules}.
 */
public final class IptablesRules {

  /**
   * Where the rules run.
   *
   * @param nodeName    this node's name (for Local traffic policies)
   * @param clusterCidr the pod CIDR ("" to masquerade nothing by source)
   */
  public record Node(String nodeName, String clusterCidr) {
  }

  static final String MASQ_MARK = "0x4000";
  static final String SERVICES = "KUBE-SERVICES";
  static final String NODEPORTS = "KUBE-NODEPORTS";
  static final String MARK_MASQ = "KUBE-MARK-MASQ";
  static final String POSTROUTING = "KUBE-POSTROUTING";
  static final String EXTERNAL_SERVICES = "KUBE-EXTERNAL-SERVICES";
  static final String FORWARD = "KUBE-FORWARD";

  private final Node node;
  private final Set<String> natChains = new LinkedHashSet<>();
  private final List<String> natRules = new ArrayList<>();
  private final List<String> filterRules = new ArrayList<>();

  private IptablesRules(Node node) {
    this.node = node;
  }

  /** The {@code iptables-restore} input for these service ports on this node. */
  public static String render(List<ServicePort> ports, Node node) {
    IptablesRules r = new IptablesRules(node);
    r.staticRules();
    for (ServicePort p : ports) {
      if (!p.type().equals("ExternalName") && !p.headless()) {
        r.servicePort(p);
      }
    }
    r.natRules.add(rule(SERVICES, "-m comment --comment \"kubernetes service nodeports; NOTE: this must be the last rule"
        + " in this chain\" -m addrtype --dst-type LOCAL -j " + NODEPORTS));
    return r.text();
  }

  private void staticRules() {
    natChains.add(NODEPORTS);
    natChains.add(SERVICES);
    natChains.add(MARK_MASQ);
    natChains.add(POSTROUTING);
    natRules.add(rule(POSTROUTING, "-m mark ! --mark " + MASQ_MARK + "/" + MASQ_MARK + " -j RETURN"));
    natRules.add(rule(POSTROUTING, "-j MARK --xor-mark " + MASQ_MARK));
    natRules.add(rule(POSTROUTING, "-m comment --comment \"kubernetes service traffic requiring SNAT\" -j MASQUERADE"
        + " --random-fully"));
    natRules.add(rule(MARK_MASQ, "-j MARK --or-mark " + MASQ_MARK));
    filterRules.add(rule(FORWARD, "-m conntrack --ctstate INVALID -j DROP"));
    filterRules.add(rule(FORWARD, "-m comment --comment \"kubernetes forwarding rules\" -m mark --mark " + MASQ_MARK
        + "/" + MASQ_MARK + " -j ACCEPT"));
    filterRules.add(rule(FORWARD, "-m comment --comment \"kubernetes forwarding conntrack rule\" -m conntrack --ctstate"
        + " RELATED,ESTABLISHED -j ACCEPT"));
  }

  private void servicePort(ServicePort p) {
    String name = p.servicePortName();
    String proto = p.protocol().toLowerCase(Locale.ROOT);
    String match = "-m " + proto + " -p " + proto;
    List<Backend> all = p.proxiedBackends();
    List<Backend> local = p.proxiedBackendsOn(node.nodeName());
    String svcChain = ChainNames.svc(name, proto);
    String svlChain = ChainNames.svl(name, proto);
    String extChain = ChainNames.ext(name, proto);
    boolean hasExternal = p.nodePort() > 0 || !p.loadBalancerIps().isEmpty() || !p.externalIps().isEmpty();
    List<Backend> clusterBackends = p.internalLocal() ? local : all;
    String clusterTarget = p.internalLocal() ? svlChain : svcChain;
    for (String ip : p.clusterIps()) {
      String comment = "-m comment --comment \"" + name + " cluster IP\" " + match + " -d " + ip + " --dport " + p.port();
      if (clusterBackends.isEmpty()) {
        filterRules.add(rule(SERVICES, "-m comment --comment \"" + name + " has no endpoints\" " + match + " -d " + ip
            + " --dport " + p.port() + " -j REJECT"));
      } else {
        natRules.add(rule(SERVICES, comment + " -j " + clusterTarget));
      }
    }
    List<Backend> externalBackends = p.externalLocal() ? local : all;
    if (hasExternal) {
      externalEntries(p, match, extChain, externalBackends.isEmpty() && !p.externalLocal() ? null : extChain);
      if (!externalBackends.isEmpty() || p.externalLocal()) {
        extChain(p, extChain, svcChain, svlChain);
      }
    }
    if (!all.isEmpty()) {
      endpointChain(p, svcChain, all, match, true);
    }
    if (!local.isEmpty() && (p.internalLocal() || p.externalLocal())) {
      endpointChain(p, svlChain, local, match, false);
    }
  }

  private void externalEntries(ServicePort p, String match, String extChain, String target) {
    String name = p.servicePortName();
    for (String ip : p.externalIps()) {
      add(SERVICES, target, "-m comment --comment \"" + name + " external IP\" " + match + " -d " + ip + " --dport "
          + p.port(), "-m comment --comment \"" + name + " has no endpoints\" " + match + " -d " + ip + " --dport "
          + p.port());
    }
    for (String ip : p.loadBalancerIps()) {
      add(SERVICES, target, "-m comment --comment \"" + name + " loadbalancer IP\" " + match + " -d " + ip
          + " --dport " + p.port(), "-m comment --comment \"" + name + " has no endpoints\" " + match + " -d " + ip
          + " --dport " + p.port());
    }
    if (p.nodePort() > 0) {
      if (target != null) {
        natRules.add(rule(NODEPORTS, "-m comment --comment " + name + " " + match + " --dport " + p.nodePort() + " -j "
            + target));
      } else {
        filterRules.add(rule(EXTERNAL_SERVICES, "-m comment --comment \"" + name + " has no endpoints\" -m addrtype"
            + " --dst-type LOCAL " + match + " --dport " + p.nodePort() + " -j REJECT"));
      }
    }
  }

  private void add(String chain, String target, String natMatch, String rejectMatch) {
    if (target != null) {
      natRules.add(rule(chain, natMatch + " -j " + target));
    } else {
      filterRules.add(rule(EXTERNAL_SERVICES, rejectMatch + " -j REJECT"));
    }
  }

  private void extChain(ServicePort p, String ext, String svc, String svl) {
    String name = p.servicePortName();
    natChains.add(ext);
    if (!p.externalLocal()) {
      natRules.add(rule(ext, "-m comment --comment \"masquerade traffic for " + name + " external destinations\" -j "
          + MARK_MASQ));
      natRules.add(rule(ext, "-j " + svc));
      return;
    }
    if (!node.clusterCidr().isEmpty() && !p.proxiedBackends().isEmpty()) {
      natRules.add(rule(ext, "-m comment --comment \"pod traffic for " + name + " external destinations\" -s "
          + node.clusterCidr() + " -j " + svc));
    }
    if (!p.proxiedBackends().isEmpty()) {
      natRules.add(rule(ext, "-m comment --comment \"masquerade LOCAL traffic for " + name + " external destinations\""
          + " -m addrtype --src-type LOCAL -j " + MARK_MASQ));
      natRules.add(rule(ext, "-m comment --comment \"route LOCAL traffic for " + name + " external destinations\""
          + " -m addrtype --src-type LOCAL -j " + svc));
    }
    natRules.add(rule(ext, "-j " + (p.proxiedBackendsOn(node.nodeName()).isEmpty() ? "DROP" : svl)));
  }

  private void endpointChain(ServicePort p, String chain, List<Backend> backends, String match, boolean cluster) {
    String name = p.servicePortName();
    String proto = p.protocol().toLowerCase(Locale.ROOT);
    natChains.add(chain);
    if (cluster && !node.clusterCidr().isEmpty()) {
      for (String ip : p.clusterIps()) {
        natRules.add(rule(chain, "-m comment --comment \"" + name + " cluster IP\" " + match + " -d " + ip + " --dport "
            + p.port() + " ! -s " + node.clusterCidr() + " -j " + MARK_MASQ));
      }
    }
    if (p.clientIpAffinity()) {
      for (Backend b : backends) {
        String sep = ChainNames.sep(name, proto, b.address());
        natRules.add(rule(chain, "-m comment --comment \"" + name + " -> " + b.address() + "\" -m recent --name " + sep
            + " --rcheck --seconds " + p.affinitySeconds() + " --reap -j " + sep));
      }
    }
    int n = backends.size();
    for (int i = 0; i < n; i++) {
      Backend b = backends.get(i);
      String sep = ChainNames.sep(name, proto, b.address());
      String prob = i < n - 1 ? String.format(Locale.ROOT, " -m statistic --mode random --probability %.10f",
          1.0 / (n - i)) : "";
      natRules.add(rule(chain, "-m comment --comment \"" + name + " -> " + b.address() + "\"" + prob + " -j " + sep));
      if (natChains.add(sep)) {
        natRules.add(rule(sep, "-m comment --comment " + name + " -s " + b.ip() + " -j " + MARK_MASQ));
        String affinity = p.clientIpAffinity() ? " -m recent --name " + sep + " --set" : "";
        natRules.add(rule(sep, "-m comment --comment " + name + " " + match + affinity + " -j DNAT --to-destination "
            + b.address()));
      }
    }
  }

  private static String rule(String chain, String spec) {
    return "-A " + chain + " " + spec;
  }

  private String text() {
    StringBuilder out = new StringBuilder();
    out.append("*filter\n");
    for (String c : List.of(NODEPORTS, SERVICES, EXTERNAL_SERVICES, FORWARD)) {
      out.append(':').append(c).append(" - [0:0]\n");
    }
    filterRules.forEach(r -> out.append(r).append('\n'));
    out.append("COMMIT\n*nat\n");
    natChains.forEach(c -> out.append(':').append(c).append(" - [0:0]\n"));
    natRules.forEach(r -> out.append(r).append('\n'));
    out.append("COMMIT\n");
    return out.toString();
  }
}
