package io.dekube.kubeproxy;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import java.util.List;

/** Small builders of service ports for table tests. */
public final class Fixtures {

  private Fixtures() {
  }

  public static ServicePort port(String ns, String name, String portName, String proto, int port, int nodePort,
      String clusterIp, List<Backend> backends) {
    return new ServicePort(ns, name, portName, proto, port, nodePort, nodePort > 0 ? "NodePort" : "ClusterIP",
        clusterIp == null ? List.of() : List.of(clusterIp), List.of(), List.of(), false, 10800, false, false,
        backends);
  }

  public static Backend ready(String ip, int port, String node) {
    return new Backend(ip, port, true, node, "", "");
  }

  public static Backend notReady(String ip, int port, String node) {
    return new Backend(ip, port, false, node, "", "");
  }
}
