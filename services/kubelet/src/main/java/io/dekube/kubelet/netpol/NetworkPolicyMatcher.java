package io.dekube.kubelet.netpol;

import io.dekube.core.net.Ipv4;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.networking.v1.IPBlock;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPeer;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicyPort;
import io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicySpec;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * kube's NetworkPolicy semantics as one decision over a set of policies: a pod selected by some policy with
 * policyType Ingress accepts only the connections that one of those policies' ingress rules allows (from pods
 * matching a podSelector in the policy's namespace, from pods of namespaces matching a namespaceSelector, both
 * when a peer has both, or from addresses in an ipBlock but not in its {@code except}; on the rule's ports, numbers,
 * ranges up to {@code endPort} or named container ports of the pod, TCP unless the port says otherwise); the same
 * for Egress on the client's side. A pod no policy selects for a direction is open in that direction, and a
 * connection needs both the client's egress and the server's ingress. The node a pod runs on always reaches it
 * (kubelet probes), and a pod itself, as in kube. Pure, immutable, thread-safe.
 */
public final class NetworkPolicyMatcher {

  /**
   * One end of a connection.
   *
   * @param ip              its address
   * @param pod             the pod it is, or null for an address that is no pod's
   * @param namespaceLabels the labels of the pod's namespace (empty for an address)
   * @param node            whether the address is the node's own (a kubelet probe, a node component)
   */
  public record Peer(String ip, Pod pod, Map<String, String> namespaceLabels, boolean node) {

    /** A pod with the labels of its namespace. */
    public static Peer pod(String ip, Pod pod, Map<String, String> namespaceLabels) {
      return new Peer(ip, pod, Map.copyOf(namespaceLabels), false);
    }

    /** An address that is no pod's and not the node's: only ipBlocks match it. */
    public static Peer address(String ip) {
      return new Peer(ip, null, Map.of(), false);
    }

    /** The node's own address. */
    public static Peer node(String ip) {
      return new Peer(ip, null, Map.of(), true);
    }

    String namespace() {
      return pod == null ? null : pod.getMetadata().getNamespace();
    }

    Map<String, String> labels() {
      Map<String, String> l = pod == null ? null : pod.getMetadata().getLabels();
      return l == null ? Map.of() : l;
    }
  }

  private static final String INGRESS = "Ingress";
  private static final String EGRESS = "Egress";

  private final List<NetworkPolicy> policies;

  public NetworkPolicyMatcher(Collection<NetworkPolicy> policies) {
    this.policies = List.copyOf(policies);
  }

  /** Whether a connection from {@code from} to {@code to} on {@code port}/{@code protocol} gets through. */
  public boolean allows(Peer from, Peer to, int port, String protocol) {
    if (from.pod() != null && to.pod() != null && Objects.equals(from.ip(), to.ip())) {
      return true; // a pod's own traffic: kube cannot block localhost, and a jvm pod's localhost is its IP
    }
    return egressAllows(from, to, port, protocol) && ingressAllows(to, from, port, protocol);
  }

  /** Whether the pod {@code to} accepts a connection from {@code from}: always for addresses and the node. */
  public boolean ingressAllows(Peer to, Peer from, int port, String protocol) {
    return to.pod() == null || from.node() || allowedBy(to, INGRESS, from, to, port, protocol);
  }

  /** Whether the pod {@code from} may open a connection to {@code to}: always when it is no pod. */
  public boolean egressAllows(Peer from, Peer to, int port, String protocol) {
    return from.pod() == null || allowedBy(from, EGRESS, to, to, port, protocol);
  }

  /** One ingress or egress rule: its ports and its peers ({@code from} or {@code to}). */
  private record Rule(List<NetworkPolicyPort> ports, List<NetworkPolicyPeer> peers) {
  }

  /**
   * Whether the policies selecting {@code pod} for {@code type} let {@code other} through: none select it, or one
   * of their rules matches the port (named ports are {@code server}'s) and the other end.
   */
  private boolean allowedBy(Peer pod, String type, Peer other, Peer server, int port, String protocol) {
    List<NetworkPolicy> selecting = selecting(pod, type);
    for (NetworkPolicy p : selecting) {
      for (Rule rule : rules(p.getSpec(), type)) {
        if (portsMatch(rule.ports(), server, port, protocol) && peersMatch(rule.peers(), p, other)) {
          return true;
        }
      }
    }
    return selecting.isEmpty();
  }

  private static List<Rule> rules(NetworkPolicySpec spec, String type) {
    return type.equals(INGRESS)
        ? nonNull(spec.getIngress()).stream().map(r -> new Rule(r.getPorts(), r.getFrom())).toList()
        : nonNull(spec.getEgress()).stream().map(r -> new Rule(r.getPorts(), r.getTo())).toList();
  }

  /** The policies of the pod's namespace that select it and have the policy type. */
  private List<NetworkPolicy> selecting(Peer pod, String type) {
    List<NetworkPolicy> found = new ArrayList<>();
    for (NetworkPolicy p : policies) {
      NetworkPolicySpec spec = p.getSpec();
      if (spec != null && Objects.equals(p.getMetadata().getNamespace(), pod.namespace())
          && types(spec).contains(type) && matches(spec.getPodSelector(), pod.labels(), true)) {
        found.add(p);
      }
    }
    return found;
  }

  /** The policy types, or kube's default when none are given: Ingress, plus Egress with egress rules. */
  private static List<String> types(NetworkPolicySpec spec) {
    if (spec.getPolicyTypes() != null && !spec.getPolicyTypes().isEmpty()) {
      return spec.getPolicyTypes();
    }
    return spec.getEgress() == null || spec.getEgress().isEmpty() ? List.of(INGRESS) : List.of(INGRESS, EGRESS);
  }

  /** No ports: every port. Else one entry whose protocol is the connection's and whose port covers it. */
  private static boolean portsMatch(List<NetworkPolicyPort> ports, Peer target, int port, String protocol) {
    if (ports == null || ports.isEmpty()) {
      return true;
    }
    for (NetworkPolicyPort p : ports) {
      String proto = p.getProtocol() == null ? "TCP" : p.getProtocol();
      if (proto.equals(protocol) && portCovers(p, target, port, protocol)) {
        return true;
      }
    }
    return false;
  }

  private static boolean portCovers(NetworkPolicyPort p, Peer target, int port, String protocol) {
    IntOrString want = p.getPort();
    if (want == null) {
      return true;
    }
    if (want.getIntVal() != null) {
      int end = p.getEndPort() == null ? want.getIntVal() : p.getEndPort();
      return port >= want.getIntVal() && port <= end;
    }
    return target.pod() != null && namedPort(target.pod(), want.getStrVal(), protocol) == port;
  }

  /** The number of the pod's container port with that name and protocol, or -1. */
  private static int namedPort(Pod pod, String name, String protocol) {
    if (pod.getSpec() == null) {
      return -1;
    }
    for (Container c : nonNull(pod.getSpec().getContainers())) {
      for (ContainerPort cp : nonNull(c.getPorts())) {
        String proto = cp.getProtocol() == null ? "TCP" : cp.getProtocol();
        if (name.equals(cp.getName()) && proto.equals(protocol) && cp.getContainerPort() != null) {
          return cp.getContainerPort();
        }
      }
    }
    return -1;
  }

  /** No peers: everyone. Else one peer that matches the other end. */
  private static boolean peersMatch(List<NetworkPolicyPeer> peers, NetworkPolicy policy, Peer other) {
    if (peers == null || peers.isEmpty()) {
      return true;
    }
    for (NetworkPolicyPeer peer : peers) {
      if (peerMatches(peer, policy, other)) {
        return true;
      }
    }
    return false;
  }

  private static boolean peerMatches(NetworkPolicyPeer peer, NetworkPolicy policy, Peer other) {
    if (peer.getIpBlock() != null) {
      return inBlock(peer.getIpBlock(), other.ip());
    }
    if (other.pod() == null) {
      return false;
    }
    boolean namespaceOk = peer.getNamespaceSelector() == null
        ? Objects.equals(policy.getMetadata().getNamespace(), other.namespace())
        : matches(peer.getNamespaceSelector(), other.namespaceLabels(), true);
    return namespaceOk && (peer.getPodSelector() == null || matches(peer.getPodSelector(), other.labels(), true));
  }

  /** Whether an IPv4 address lies in the block's cidr and in none of its exceptions (IPv6 blocks hold none). */
  static boolean inBlock(IPBlock block, String ip) {
    if (ip == null || !Ipv4.isIpv4(ip) || !inCidr(block.getCidr(), ip)) {
      return false;
    }
    for (String except : nonNull(block.getExcept())) {
      if (inCidr(except, ip)) {
        return false;
      }
    }
    return true;
  }

  private static boolean inCidr(String cidr, String ip) {
    if (cidr == null || cidr.contains(":")) {
      return false;
    }
    try {
      return Ipv4.Cidr.parse(cidr).contains(ip);
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** {@code metav1.LabelSelector} semantics; a null selector is {@code whenNull}, an empty one matches all. */
  static boolean matches(LabelSelector selector, Map<String, String> labels, boolean whenNull) {
    if (selector == null) {
      return whenNull;
    }
    if (selector.getMatchLabels() != null) {
      for (var e : selector.getMatchLabels().entrySet()) {
        if (!e.getValue().equals(labels.get(e.getKey()))) {
          return false;
        }
      }
    }
    for (LabelSelectorRequirement r : nonNull(selector.getMatchExpressions())) {
      String v = labels.get(r.getKey());
      List<String> values = nonNull(r.getValues());
      boolean ok = switch (r.getOperator()) {
        case "In" -> v != null && values.contains(v);
        case "NotIn" -> v == null || !values.contains(v);
        case "Exists" -> v != null;
        case "DoesNotExist" -> v == null;
        default -> false;
      };
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  private static <T> List<T> nonNull(List<T> list) {
    return list == null ? List.of() : list;
  }
}
