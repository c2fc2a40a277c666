package io.dekube.kubelet.server;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.kubelet.KubeletConfig;
import java.time.Duration;

/**
 * The kubelet's {@code /configz} body: its settings under {@code KubeletConfiguration}'s
 * ({@code kubelet.config.k8s.io/v1beta1}) field names, for what dekube's kubelet has. Pure.
 */
final class KubeletConfigz {

  private KubeletConfigz() {
  }

  static ObjectNode of(KubeletConfig c, int port) {
    ObjectNode o = Json.object().put("kind", "KubeletConfiguration").put("apiVersion", "kubelet.config.k8s.io/v1beta1");
    o.put("enableServer", true).put("address", c.nodeIp()).put("port", port);
    ObjectNode authn = o.putObject("authentication");
    authn.putObject("x509").put("clientCAFile", "(the cluster CA)");
    authn.putObject("anonymous").put("enabled", false);
    o.putArray("clusterDNS").add(c.clusterDns());
    o.put("clusterDomain", "cluster.local");
    o.put("containerRuntimeEndpoint", c.runtime() + "://dekube");
    o.put("maxPods", c.maxPods());
    if (c.fallbackPodCidr() != null) {
      o.put("podCIDR", c.fallbackPodCidr());
    }
    o.put("nodeLeaseDurationSeconds", c.leaseDuration().toSeconds());
    o.put("nodeStatusReportFrequency", go(c.statusInterval()));
    o.put("nodeStatusUpdateFrequency", go(c.renewInterval()));
    o.put("resolvConf", "/etc/resolv.conf").put("cgroupDriver", "none");
    return o;
  }

  /** A duration in Go's notation, as the kubelet writes its durations ({@code 1m0s}, {@code 10s}). */
  static String go(Duration d) {
    long s = d.toSeconds();
    if (s >= 60) {
      return (s / 60) + "m" + (s % 60) + "s";
    }
    return s + "s";
  }
}
