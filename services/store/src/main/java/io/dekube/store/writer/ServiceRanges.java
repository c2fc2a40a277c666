package io.dekube.store.writer;

import io.dekube.core.net.ClusterNetwork;
import io.dekube.core.net.Ipv4;

/**
 * Where the writer allocates Service addresses from: the service CIDR ({@code --service-cidr})
 * and the NodePort range ({@code --service-node-port-range}). Immutable.
 */
public record ServiceRanges(Ipv4.Cidr serviceCidr, int nodePortMin, int nodePortMax) {

  /** 127.96.0.0/16 and 30000-32767, as DESIGN.md §4 and kube-apiserver's default port range. */
  public static ServiceRanges defaults() {
    return new ServiceRanges(Ipv4.Cidr.parse(ClusterNetwork.SERVICE_CIDR), 30000, 32767);
  }

  /** The same port range with another service CIDR. */
  public ServiceRanges withServiceCidr(String cidr) {
    Ipv4.Cidr c = Ipv4.Cidr.parse(cidr);
    if (c.prefix() > 28) {
      throw new IllegalArgumentException("--service-cidr " + cidr + " is too small (at most /28)");
    }
    return new ServiceRanges(c, nodePortMin, nodePortMax);
  }

  /** The first address of the range: the {@code kubernetes} Service's. */
  public String firstAddress() {
    return serviceCidr.address(1);
  }
}
