package io.dekube.core.net;

import java.util.List;

/**
 * The cluster's address plan on one machine (DESIGN.md §4) and what a pod needs to resolve
 * cluster names: the default service CIDR, the DNS service address derived from the service CIDR
 * in use ({@link #dnsIp}), the cluster domain, the LoadBalancer pool, and the resolv.conf settings
 * a pod gets. Constants and pure functions; thread-safe.
 *
 * <p>The kubelet's {@code PodDns} turns a pod's dnsPolicy and dnsConfig into its resolver settings.
 */
public final class ClusterNetwork {

  /** Where Services get their ClusterIPs. */
  public static final String SERVICE_CIDR = "127.96.0.0/16";
  /** The {@code default/kubernetes} Service's ClusterIP: the first address of the service CIDR. */
  public static final String KUBERNETES_SERVICE_IP = "127.96.0.1";
  /** The port the cluster DNS always serves (53 as well when it may bind it). */
  public static final int DNS_PORT = 10053;
  /** The cluster domain. */
  public static final String CLUSTER_DOMAIN = "cluster.local";
  /** The pool LoadBalancer Services get their address from. */
  public static final String LB_POOL = "127.200.0.0/24";
  /** kubelet's default {@code ndots}. */
  public static final int NDOTS = 5;

  private ClusterNetwork() {
  }

  /**
   * The cluster DNS address of a service CIDR: its 10th address, as kubeadm's {@code GetDNSIP}
   * picks it (127.96.0.10 on the default 127.96.0.0/16). The one place it is derived: the DNS
   * binds it, the {@code kube-system/kube-dns} Service has it as ClusterIP, and the kubelet names it
   * in pods' resolv.conf.
   */
  public static String dnsIp(String serviceCidr) {
    Ipv4.Cidr cidr = Ipv4.Cidr.parse(serviceCidr);
    if (cidr.size() <= 10) {
      throw new IllegalArgumentException("service CIDR " + serviceCidr + " has no 10th address for the cluster DNS");
    }
    return cidr.address(10);
  }

  /** The search path of a pod in a namespace, as kubelet writes it (ClusterFirst). */
  public static List<String> searchPath(String namespace) {
    return List.of(namespace + ".svc." + CLUSTER_DOMAIN, "svc." + CLUSTER_DOMAIN, CLUSTER_DOMAIN);
  }

  /** The lines of a pod's {@code /etc/hosts} before its own entries, as the kubelet writes them. */
  public static final String HOSTS_HEADER = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"
      + "::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\n"
      + "fe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n";
}
