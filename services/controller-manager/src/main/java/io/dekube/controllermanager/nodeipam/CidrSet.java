package io.dekube.controllermanager.nodeipam;

import io.dekube.core.net.Ipv4;
import java.util.Set;

/**
 * The /24 subnets of an IPv4 cluster CIDR ({@code --cluster-cidr}, 127.244.0.0/16), numbered from 0,
 * as kube's range allocator cuts it ({@code --node-cidr-mask-size} 24). Immutable, any thread.
 */
public final class CidrSet {

  private static final int NODE_MASK = 24;

  private final Ipv4.Cidr cluster;
  private final int count;

  /** @throws IllegalArgumentException when not an IPv4 CIDR with a prefix of 8..24 */
  public CidrSet(String clusterCidr) {
    if (!clusterCidr.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
      throw new IllegalArgumentException("--cluster-cidr needs an IPv4 CIDR such as 127.244.0.0/16, got " + clusterCidr);
    }
    this.cluster = Ipv4.Cidr.parse(clusterCidr);
    if (cluster.prefix() < 8 || cluster.prefix() > NODE_MASK) {
      throw new IllegalArgumentException("--cluster-cidr " + clusterCidr + " must have a prefix of 8 to 24");
    }
    this.count = 1 << (NODE_MASK - cluster.prefix());
  }

  /** How many node subnets there are. */
  public int size() {
    return count;
  }

  /** The i-th /24 ({@code 127.244.2.0/24} for 2). */
  public String subnet(int i) {
    if (i < 0 || i >= count) {
      throw new IllegalArgumentException("subnet " + i + " is outside " + cluster);
    }
    return cluster.address((long) i << 8) + "/" + NODE_MASK;
  }

  /** The number of a /24 of this set, or -1 when it is not one. */
  public int indexOf(String cidr) {
    if (cidr == null || !cidr.endsWith("/" + NODE_MASK)) {
      return -1;
    }
    String ip = cidr.substring(0, cidr.indexOf('/'));
    long offset = Ipv4.isIpv4(ip) ? cluster.offsetOf(ip) : -1;
    return offset >= 0 && (offset & 0xff) == 0 ? (int) (offset >> 8) : -1;
  }

  /**
   * A free subnet: {@code preferred} when it is in range and free, else the first free one from 1
   * (subnet 0 last: the kubelets number their fallback subnets from 1), or null when all are taken.
   */
  public String allocate(Set<String> used, int preferred) {
    if (preferred >= 0 && preferred < count && !used.contains(subnet(preferred))) {
      return subnet(preferred);
    }
    for (int i = 1; i <= count; i++) {
      String s = subnet(i % count);
      if (!used.contains(s)) {
        return s;
      }
    }
    return null;
  }
}
