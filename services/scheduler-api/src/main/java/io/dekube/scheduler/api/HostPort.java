package io.dekube.scheduler.api;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.List;

/**
 * A host port a pod uses on its node: protocol, host IP ({@code 0.0.0.0} = every address) and port.
 * Two conflict when protocol and port match and either IP is {@code 0.0.0.0} or both are the same,
 * as Kubernetes' NodePorts plugin decides. Immutable.
 */
public record HostPort(String protocol, String ip, int port) {

  /** Every address. */
  public static final String ANY_IP = "0.0.0.0";

  /** The host ports a pod asks for (ports with {@code hostPort > 0}, in containers and init containers). */
  public static List<HostPort> of(Pod pod) {
    List<HostPort> out = new ArrayList<>();
    if (pod.getSpec() == null) {
      return out;
    }
    List<Container> all = new ArrayList<>();
    if (pod.getSpec().getContainers() != null) {
      all.addAll(pod.getSpec().getContainers());
    }
    if (pod.getSpec().getInitContainers() != null) {
      all.addAll(pod.getSpec().getInitContainers());
    }
    for (Container c : all) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() != null && p.getHostPort() > 0) {
          String ip = p.getHostIP() == null || p.getHostIP().isEmpty() ? ANY_IP : p.getHostIP();
          out.add(new HostPort(p.getProtocol() == null ? "TCP" : p.getProtocol(), ip, p.getHostPort()));
        }
      }
    }
    return out;
  }

  /** Whether this port and another cannot both be used on one node. */
  public boolean conflicts(HostPort o) {
    return port == o.port && protocol.equals(o.protocol)
        && (ip.equals(ANY_IP) || o.ip.equals(ANY_IP) || ip.equals(o.ip));
  }
}
