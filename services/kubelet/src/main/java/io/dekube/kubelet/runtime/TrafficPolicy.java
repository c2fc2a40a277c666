package io.dekube.kubelet.runtime;

import io.vertx.core.Future;

/**
 * What the cluster's NetworkPolicies let through, as the {@code jvm} runtime asks it: its servers for each
 * connection they accept, its built-in clients ({@code wget}, {@code nc}, {@code nslookup}) before they
 * connect. Thread-safe; implementations read caches and may wait a little for them (a pod that has just
 * started may not be known by its IP yet).
 */
public interface TrafficPolicy {

  /** Lets everything through: no policies enforced. */
  TrafficPolicy OPEN = new TrafficPolicy() {
    @Override
    public Future<Boolean> admits(String fromIp, ContainerSpec pod, int port, String protocol) {
      return Future.succeededFuture(true);
    }

    @Override
    public Future<Boolean> letsOut(ContainerSpec pod, String toIp, int port, String protocol) {
      return Future.succeededFuture(true);
    }
  };

  /**
   * Whether the container's pod accepts a connection from {@code fromIp} on its {@code port}: its ingress
   * policies and, when the client is a pod, the client's egress policies.
   */
  Future<Boolean> admits(String fromIp, ContainerSpec pod, int port, String protocol);

  /**
   * Whether the container's pod may open a connection to {@code toIp:port}: its egress policies. A Service
   * address is let out here: the pod it lands on decides, as kube's rules apply after the Service's DNAT.
   */
  Future<Boolean> letsOut(ContainerSpec pod, String toIp, int port, String protocol);
}
