package io.dekube.kubelet;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The settings of one node's kubelet. Immutable; the {@code with...} methods return copies.
 *
 * @param nodeName          the Node's name ({@code kube-node-01})
 * @param nodeIp            the node's address: the kubelet API binds it, pods with hostNetwork get it
 * @param kubeletPort       the kubelet API's HTTPS port (0 = a free port; -1 = no API, for simulated nodes)
 * @param runtime           {@code jvm}, {@code process}, {@code simulated} or {@code docker}
 * @param cpu               capacity: CPU ({@code 4})
 * @param memory            capacity: memory ({@code 8Gi})
 * @param maxPods           capacity: pods
 * @param fallbackPodCidr   the pod CIDR used until node IPAM sets {@code spec.podCIDR}
 * @param leaseDuration     the Lease's {@code leaseDurationSeconds}
 * @param renewInterval     how often the Lease is renewed
 * @param statusInterval    how often the Node's status is written even when nothing changed
 * @param allowHostCommands whether the {@code process} runtime may start OS processes
 * @param backoffInitial    the first restart back-off (Kubernetes: 10 s)
 * @param backoffMax        the longest restart back-off (Kubernetes: 5 min)
 * @param simulatedDelay    how long a simulated container takes to become Running
 * @param dataDir           where pod folders (logs, volumes) live; PKI under {@code pki/}
 * @param labels            extra node labels
 * @param dnsPort           the port the cluster DNS answers on (read when a pod starts: {@code up}'s DNS may
 *                          pick a free port after the kubelet is configured)
 * @param clusterDns        the cluster DNS address pods' resolv.conf names (kubelet's {@code clusterDNS}: the 10th
 *                          address of the service CIDR, {@link io.dekube.core.net.ClusterNetwork#dnsIp})
 * @param staticPodPath     the folder of static pod manifests (kubelet's {@code staticPodPath}, {@code
 *                          --pod-manifest-path}); null = none
 * @param allowedUnsafeSysctls the kubelet's {@code allowedUnsafeSysctls} ({@code --allowed-unsafe-sysctls}): names
 *                          and {@code prefix*} patterns pods may set beside the safe sysctls
 * @param manifestUrl       the web source of static pods (kubelet's {@code staticPodURL}, {@code --manifest-url}, with
 *                          {@code --manifest-url-header}); null = none
 * @param docker            the {@code docker} runtime's engine and sandbox image
 */
public record KubeletConfig(String nodeName, String nodeIp, int kubeletPort, String runtime, String cpu, String memory,
                            int maxPods, String fallbackPodCidr, Duration leaseDuration, Duration renewInterval,
                            Duration statusInterval, boolean allowHostCommands, Duration backoffInitial,
                            Duration backoffMax, Duration simulatedDelay, Path dataDir, Map<String, String> labels,
                            java.util.function.IntSupplier dnsPort, String clusterDns, Path staticPodPath,
                            java.util.List<String> allowedUnsafeSysctls, ManifestUrl manifestUrl,
                            io.dekube.kubelet.runtime.docker.DockerOptions docker) {

  /** Kubernetes' version the kubelet reports in its NodeInfo. */
  public static final String KUBELET_VERSION = "v1.32.0";

  /** A node with Kubernetes' defaults: 4 CPUs, 8Gi, 110 pods, 40 s lease renewed every 10 s, 10 s..5 min back-off. */
  public static KubeletConfig defaults(String nodeName, String nodeIp, Path dataDir) {
    return new KubeletConfig(nodeName, nodeIp, 10250, "jvm", "4", "8Gi", 110, null, Duration.ofSeconds(40),
        Duration.ofSeconds(10), Duration.ofMinutes(1), false, Duration.ofSeconds(10), Duration.ofMinutes(5),
        Duration.ofMillis(200), dataDir, Map.of(), () -> io.dekube.core.net.ClusterNetwork.DNS_PORT,
        io.dekube.core.net.ClusterNetwork.dnsIp(io.dekube.core.net.ClusterNetwork.SERVICE_CIDR), null, java.util.List.of(),
        null, io.dekube.kubelet.runtime.docker.DockerOptions.DEFAULTS);
  }

  public KubeletConfig withKubeletPort(int port) {
    return new KubeletConfig(nodeName, nodeIp, port, runtime, cpu, memory, maxPods, fallbackPodCidr, leaseDuration,
        renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withRuntime(String name) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, name, cpu, memory, maxPods, fallbackPodCidr, leaseDuration,
        renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withCapacity(String cpus, String mem, int pods) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpus, mem, pods, fallbackPodCidr, leaseDuration,
        renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withFallbackPodCidr(String cidr) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, cidr, leaseDuration,
        renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withLease(Duration duration, Duration renew) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr, duration,
        renew, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withAllowHostCommands(boolean allow) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allow, backoffInitial, backoffMax, simulatedDelay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withBackoff(Duration initial, Duration max) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, initial, max, simulatedDelay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withSimulatedDelay(Duration delay) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, delay, dataDir,
        labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withLabels(Map<String, String> extra) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay,
        dataDir, Map.copyOf(extra), dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  public KubeletConfig withDnsPort(java.util.function.IntSupplier port) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay,
        dataDir, labels, port, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  /** The same node naming another cluster DNS address in its pods' resolv.conf. */
  public KubeletConfig withClusterDns(String ip) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay,
        dataDir, labels, dnsPort, ip, staticPodPath, allowedUnsafeSysctls, manifestUrl, docker);
  }

  /** The same node reading static pods from {@code folder} (null: none). */
  public KubeletConfig withStaticPodPath(Path folder) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay,
        dataDir, labels, dnsPort, clusterDns, folder, allowedUnsafeSysctls, manifestUrl, docker);
  }

  /** The same node reading static pods from {@code url} too (null: none). */
  public KubeletConfig withManifestUrl(ManifestUrl url) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay,
        dataDir, labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, url, docker);
  }

  /** The same node allowing pods the unsafe sysctls {@code patterns} (names, or {@code prefix*}). */
  public KubeletConfig withAllowedUnsafeSysctls(java.util.List<String> patterns) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay,
        dataDir, labels, dnsPort, clusterDns, staticPodPath, java.util.List.copyOf(patterns), manifestUrl, docker);
  }

  /** Whether this node serves the kubelet API (simulated nodes do not). */
  public boolean servesApi() {
    return kubeletPort >= 0 && !"simulated".equals(runtime);
  }

  /** The folder of this node's pods. */
  public Path podsDir() {
    return dataDir.resolve("nodes").resolve(nodeName).resolve("pods");
  }

  public KubeletConfig withDocker(io.dekube.kubelet.runtime.docker.DockerOptions options) {
    return new KubeletConfig(nodeName, nodeIp, kubeletPort, runtime, cpu, memory, maxPods, fallbackPodCidr,
        leaseDuration, renewInterval, statusInterval, allowHostCommands, backoffInitial, backoffMax, simulatedDelay,
        dataDir, labels, dnsPort, clusterDns, staticPodPath, allowedUnsafeSysctls, manifestUrl, options);
  }
}
