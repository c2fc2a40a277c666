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
    return of(c, port, io.dekube.kubelet.eviction.EvictionConfig.defaults());
  }

  /**
   * As above, with the eviction settings as kube's configz writes them: the non-empty maps ({@code evictionHard}…,
   * keys sorted as Go's JSON sorts them), {@code evictionPressureTransitionPeriod}, and {@code
   * evictionMaxPodGracePeriod} when not 0 (omitempty).
   */
  static ObjectNode of(KubeletConfig c, int port, io.dekube.kubelet.eviction.EvictionConfig eviction) {
    return of(c, port, eviction, io.dekube.kubelet.logs.ContainerLogPolicy.DEFAULTS);
  }

  /** As above, with the container log settings ({@code containerLogMaxSize}…). */
  static ObjectNode of(KubeletConfig c, int port, io.dekube.kubelet.eviction.EvictionConfig eviction,
                       io.dekube.kubelet.logs.ContainerLogPolicy logs) {
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
    eviction.settings().forEach((field, map) -> {
      if (!map.isEmpty()) {
        ObjectNode m = o.putObject(field);
        new java.util.TreeMap<>(map).forEach(m::put);
      }
    });
    o.put("evictionPressureTransitionPeriod", io.dekube.core.model.GoDuration.format(eviction.transitionPeriod()));
    if (eviction.maxPodGraceSeconds() != 0) {
      o.put("evictionMaxPodGracePeriod", eviction.maxPodGraceSeconds());
    }
    o.put("containerLogMaxSize", logs.maxSize()).put("containerLogMaxFiles", logs.maxFiles())
        .put("containerLogMaxWorkers", logs.maxWorkers())
        .put("containerLogMonitorInterval", io.dekube.core.model.GoDuration.format(logs.interval()));
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
