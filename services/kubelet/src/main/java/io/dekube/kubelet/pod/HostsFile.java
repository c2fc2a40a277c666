package io.dekube.kubelet.pod;

import io.dekube.core.net.ClusterNetwork;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod's {@code /etc/hosts} as the kubelet manages it: localhost and the IPv6 names, the pod's IP with its
 * hostname (and its FQDN {@code hostname.subdomain.ns.svc.cluster.local} when it has a subdomain), then the
 * entries of {@code spec.hostAliases}, byte for byte as kube 1.32's kubelet writes it ({@code managedHostsFileContent});
 * a {@code hostNetwork} pod's is the node's file under kube's "(host network)" header, with the pod's aliases
 * after it. Pure.
 */
public final class HostsFile {

  /** The first line of a {@code hostNetwork} pod's file (kube's {@code managedHostsHeaderWithHostNetwork}). */
  static final String HOST_NETWORK_HEADER = "# Kubernetes-managed hosts file (host network).\n";

  private HostsFile() {
  }

  /** The file of {@code pod} at {@code podIp}. */
  public static String of(Pod pod, String podIp) {
    var spec = pod.getSpec();
    String hostname = EnvBuilder.hostname(pod);
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    if (hostNetwork) {
      // kube's nodeHostsFileContent: its own header over the node's file, then the pod's aliases
      return HOST_NETWORK_HEADER + nodeFile(podIp, hostname) + aliases(spec.getHostAliases());
    }
    StringBuilder b = new StringBuilder(ClusterNetwork.HOSTS_HEADER);
    if (spec.getSubdomain() != null && !spec.getSubdomain().isEmpty()) {
      b.append(podIp).append('\t').append(hostname).append('.').append(spec.getSubdomain()).append('.')
          .append(pod.getMetadata().getNamespace()).append(".svc.").append(ClusterNetwork.CLUSTER_DOMAIN)
          .append('\t').append(hostname).append('\n');
    } else {
      b.append(podIp).append('\t').append(hostname).append('\n');
    }
    return b.append(aliases(spec.getHostAliases())).toString();
  }

  /**
   * The node's own {@code /etc/hosts} (a node of dekube is no machine of its own): the localhost lines of a
   * Debian host, then its IP and name, as a kind or kubeadm node's file reads.
   */
  static String nodeFile(String nodeIp, String nodeName) {
    return ClusterNetwork.HOSTS_HEADER.substring(ClusterNetwork.HOSTS_HEADER.indexOf('\n') + 1) + nodeIp + "\t"
        + nodeName + "\n";
  }

  /** kube's {@code hostsEntriesFromHostAliases}: a blank line, its comment, one line per IP, names tab-separated. */
  static String aliases(java.util.List<HostAlias> aliases) {
    if (aliases == null || aliases.isEmpty()) {
      return "";
    }
    StringBuilder b = new StringBuilder("\n# Entries added by HostAliases.\n");
    for (HostAlias a : aliases) {
      b.append(a.getIp()).append('\t').append(String.join("\t", a.getHostnames() == null
          ? java.util.List.of() : a.getHostnames())).append('\n');
    }
    return b.toString();
  }
}
