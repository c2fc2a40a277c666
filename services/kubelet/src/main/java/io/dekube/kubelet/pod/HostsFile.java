package io.dekube.kubelet.pod;

import io.dekube.core.net.ClusterNetwork;
import io.fabric8.kubernetes.api.model.HostAlias;
import io.fabric8.kubernetes.api.model.Pod;

/**
 * A pod's {@code /etc/hosts} as the kubelet manages it: localhost and the IPv6 names, the pod's IP with its
 * hostname (and its FQDN {@code hostname.subdomain.ns.svc.cluster.local} when it has a subdomain), then the
 * entries of {@code spec.hostAliases}; a {@code hostNetwork} pod's is the node's file, with the node's name. Pure.
 */
public final class HostsFile {

  private HostsFile() {
  }

  /** The file of {@code pod} at {@code podIp}. */
  public static String of(Pod pod, String podIp) {
    var spec = pod.getSpec();
    String hostname = EnvBuilder.hostname(pod);
    boolean hostNetwork = Boolean.TRUE.equals(spec.getHostNetwork());
    // a hostNetwork pod gets the node's file, which the kubelet does not manage: no header, the node's name
    StringBuilder b = new StringBuilder(hostNetwork ? ClusterNetwork.HOSTS_HEADER.substring(
        ClusterNetwork.HOSTS_HEADER.indexOf('\n') + 1) : ClusterNetwork.HOSTS_HEADER);
    if (spec.getSubdomain() != null && !spec.getSubdomain().isEmpty()) {
      b.append(podIp).append('\t').append(hostname).append('.').append(spec.getSubdomain()).append('.')
          .append(pod.getMetadata().getNamespace()).append(".svc.").append(ClusterNetwork.CLUSTER_DOMAIN)
          .append('\t').append(hostname).append('\n');
    } else {
      b.append(podIp).append('\t').append(hostname).append('\n');
    }
    if (spec.getHostAliases() != null && !spec.getHostAliases().isEmpty()) {
      b.append("\n# Entries added by HostAliases.\n");
      for (HostAlias a : spec.getHostAliases()) {
        b.append(a.getIp()).append('\t').append(String.join("\t", a.getHostnames() == null
            ? java.util.List.of() : a.getHostnames())).append('\n');
      }
    }
    return b.toString();
  }
}
