package io.dekube.core.net;

/**
 * One endpoint of a service port, as an EndpointSlice (or Endpoints) lists it.
 *
 * @param ip          the pod's address
 * @param port        the port on the pod (the resolved targetPort)
 * @param ready       {@code conditions.ready}: may receive new traffic
 * @param nodeName    the node the pod runs on ("" when unknown)
 * @param hostname    {@code hostname} of the endpoint ("" when none), for DNS
 * @param podName     the target pod's name ("" when none)
 * @param serving     {@code conditions.serving}: the pod is ready, terminating or not
 * @param terminating {@code conditions.terminating}: the pod's deletion has begun
 */
public record Backend(String ip, int port, boolean ready, String nodeName, String hostname, String podName,
                      boolean serving, boolean terminating) {

  /** An endpoint that is not terminating: serving when ready (an Endpoints object's address). */
  public Backend(String ip, int port, boolean ready, String nodeName, String hostname, String podName) {
    this(ip, port, ready, nodeName, hostname, podName, ready, false);
  }

  /** {@code ip:port}, as kube-proxy writes an endpoint. */
  public String address() {
    return ip + ":" + port;
  }
}
