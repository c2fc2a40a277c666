package io.dekube.launcher;

import io.dekube.core.informer.SharedInformers;
import io.dekube.core.pki.ClusterPki;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.NodeFleet;
import io.dekube.kubelet.pod.PodIpAllocator;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The nodes of {@code dekube up}: {@code --nodes N} kubelets named {@code kube-node-01}… with IPs
 * {@code <prefix>1}…, deployed as one {@link NodeFleet}; {@code dekube node stop|start NAME} reach it
 * through the ops port ({@code /nodes/}). The same flags configure a standalone {@code dekube kubelet}.
 */
final class KubeletComponent implements Component {

  static final List<Flag> NODE_FLAGS = List.of(
      Flag.of("--runtime", "jvm|process|simulated|docker", "how nodes run containers (default jvm; docker: a Docker "
          + "engine runs them, the pods of every node on one engine network of --cluster-cidr, which must not be "
          + "loopback, e.g. 10.244.0.0/16)"),
      Flag.of("--docker-endpoint", "URL", "the Docker engine of the docker runtime, unix:///path or tcp://host:port "
          + "(default " + io.dekube.kubelet.runtime.docker.DockerRuntime.ENDPOINT + ")"),
      Flag.of("--pod-infra-container-image", "IMAGE", "the image of each pod's sandbox container under the docker "
          + "runtime (default " + io.dekube.kubelet.runtime.docker.DockerRuntime.PAUSE_IMAGE + ")"),
      Flag.of("--kubelet-port", "N", "kubelet API HTTPS port on each node IP (default 10250; 0 = a free port)"),
      Flag.of("--cluster-cidr", "CIDR", "pod addresses: node IPAM gives node n (IP <prefix>n) its n-th /24 as "
          + "spec.podCIDR, which its kubelet also uses until then (default 127.244.0.0/16)"),
      Flag.of("--node-cpu", "N", "CPU capacity of each node (default 4)"),
      Flag.of("--node-memory", "Q", "memory capacity of each node (default 8Gi)"),
      Flag.of("--node-pods", "N", "pod capacity of each node (default 110)"),
      Flag.of("--node-lease-duration", "D", "node Lease duration (default 40s)"),
      Flag.of("--node-lease-renew", "D", "how often nodes renew their Lease (default 10s, or a quarter of "
          + "--node-monitor-grace-period when that is shorter)"),
      Flag.toggle("--allow-host-commands", "let the process runtime run containers' commands on this host"),
      Flag.of("--crash-backoff-initial", "D", "first container restart back-off (default 10s)"),
      Flag.of("--crash-backoff-max", "D", "longest container restart back-off (default 5m)"),
      Flag.of("--simulated-delay", "D", "how long a simulated container takes to run (default 200ms)"),
      Flag.of("--pod-manifest-path", "DIR", "static pod manifests (the kubelet's staticPodPath): a kubelet reads DIR, "
          + "the nodes of up DIR/<node name> (default <data-dir>/nodes/<node name>/manifests)"),
      Flag.of("--manifest-url", "URL", "static pods from URL too (the kubelet's staticPodURL: one Pod or a PodList, "
          + "read every 20s; every node of up reads it)"),
      Flag.list("--manifest-url-header", "LIST", "HTTP headers of --manifest-url's GET, comma-separated name:value "
          + "pairs (the kubelet's staticPodURLHeader); may be repeated"),
      Flag.list("--allowed-unsafe-sysctls", "LIST", "unsafe sysctls pods may set beside the safe set, comma-separated "
          + "names or prefix* patterns (the kubelet's allowedUnsafeSysctls; default none); may be repeated"));

  @Override
  public List<Flag> flags() {
    List<Flag> all = new ArrayList<>();
    all.add(Flag.of("--nodes", "N", "nodes in this process, kube-node-01… (default 3; 0 = API only)"));
    all.add(Flag.of("--node-ip-prefix", "P", "node n gets IP <P>n (default 127.0.1.)"));
    all.addAll(NODE_FLAGS);
    all.addAll(EvictionFlags.FLAGS);
    all.addAll(ContainerLogFlags.FLAGS);
    return all;
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    Flags f = ctx.flags();
    int n = f.count("--nodes", 0, 3);
    if (n == 0) {
      return;
    }
    String prefix = f.string("--node-ip-prefix", "127.0.1.");
    List<KubeletConfig> configs = new ArrayList<>();
    for (int i = 1; i <= n; i++) {
      // pods learn the DNS port when they start: this process's DNS may pick a free one meanwhile
      int flagged = f.port("--dns-port", io.dekube.core.net.ClusterNetwork.DNS_PORT);
      configs.add(config(f, String.format("kube-node-%02d", i), prefix + i, i, ctx.dataDir())
          .withDnsPort(() -> ctx.dnsPort() > 0 ? ctx.dnsPort() : flagged));
    }
    ClusterPki pki = SharedPki.await(ctx.dataDir(), f, "kubelet");
    SharedInformers informers = ctx.informers();
    String bootstrap = ctx.bootstrap();
    NodeFleet fleet = new NodeFleet(configs, ctx.store(), type -> informers.informer(bootstrap, type), pki)
        .withStores(ctx.stores()).withIssuerOptions(ServiceAccountFlags.options(f))
        .withEviction(EvictionFlags.parse(f)).withContainerLogs(ContainerLogFlags.parse(f));
    try {
      ctx.deploy(fleet);
    } catch (java.util.concurrent.ExecutionException e) {
      throw launchFailure(e);
    }
    ProcessMetrics.kubeletPods(informers.informer(bootstrap, ctx.registry().byResourceName("pods").orElseThrow()),
        configs.stream().map(KubeletConfig::nodeName).collect(java.util.stream.Collectors.toSet()));
    if (ctx.ops() != null) {
      ctx.ops().route("/nodes/", fleet::handle);
    }
    ctx.announce(n + (n == 1 ? " node (" : " nodes (") + configs.get(0).runtime() + "), static pods in "
        + staticPodsHint(f, ctx.dataDir()));
  }

  /**
   * {@code --node-lease-renew}, by default 10 s as kube's, or a quarter of {@code up}'s
   * {@code --node-monitor-grace-period} when that is shorter than 40 s, so that
   * {@code up --node-monitor-grace-period 5s} does not see healthy nodes as silent.
   */
  static Duration leaseRenew(Flags f) {
    Duration grace = f.duration("--node-monitor-grace-period",
        io.dekube.controllermanager.ControllerManagerConfig.NODE_MONITOR_GRACE_PERIOD);
    Duration fallback = grace.dividedBy(4).compareTo(Duration.ofSeconds(10)) < 0 ? grace.dividedBy(4)
        : Duration.ofSeconds(10);
    return f.duration("--node-lease-renew", fallback.isZero() ? Duration.ofMillis(100) : fallback);
  }

  /**
   * Where the nodes of {@code up} read static pods: {@code <--pod-manifest-path>/<node name>}, by default
   * {@code <data-dir>/nodes/<node name>/manifests} (beside the node's {@code pods/}), made when the node starts.
   * Decision: one process runs every node, so each gets its own folder, as each kubeadm machine has its own
   * {@code /etc/kubernetes/manifests}.
   */
  static Path staticPodPath(Flags f, String node, Path dataDir) {
    return f.raw("--pod-manifest-path").map(d -> Path.of(d).resolve(node))
        .orElse(dataDir.resolve("nodes").resolve(node).resolve("manifests"));
  }

  private static String staticPodsHint(Flags f, Path dataDir) {
    return f.raw("--pod-manifest-path").map(d -> Path.of(d).resolve("<node>").toString())
        .orElse(dataDir.resolve("nodes").resolve("<node>").resolve("manifests").toString());
  }

  /** {@code --allowed-unsafe-sysctls}: names and {@code prefix*} patterns, as the kubelet's flag takes them. */
  static List<String> allowedUnsafeSysctls(Flags f) {
    List<String> out = new ArrayList<>();
    for (String s : f.string("--allowed-unsafe-sysctls", "").split(",")) {
      String t = s.strip();
      if (t.isEmpty()) {
        continue;
      }
      out.add(t);
    }
    io.dekube.core.net.Sysctls.allowing(out); // kube's kubelet refuses to start with a bad one, in these words
    return out;
  }

  /** A node's config from the flags: node {@code index} (from 1) picks its fallback /24 of the cluster CIDR. */
  static KubeletConfig config(Flags f, String name, String ip, int index, Path dataDir) {
    String runtime = f.string("--runtime", "jvm");
    if (!List.of("jvm", "process", "simulated", "docker").contains(runtime)) {
      throw new IllegalArgumentException("--runtime is jvm, process, simulated or docker, got " + runtime);
    }
    String cidr = f.string("--cluster-cidr", "127.244.0.0/16");
    if (!cidr.matches("\\d+\\.\\d+\\.\\d+\\.\\d+/\\d+")) {
      throw new IllegalArgumentException("--cluster-cidr needs an IPv4 CIDR such as 127.244.0.0/16, got " + cidr);
    }
    if (runtime.equals("docker") && cidr.startsWith("127.")) {
      // an engine's bridge network cannot take loopback addresses: its containers would not be reachable
      throw new IllegalArgumentException("--runtime docker needs a --cluster-cidr the engine can route (its "
          + "bridge network takes the pods' addresses), such as 10.244.0.0/16; " + cidr + " is loopback");
    }
    int dnsPort = f.port("--dns-port", io.dekube.core.net.ClusterNetwork.DNS_PORT);
    return KubeletConfig.defaults(name, ip, dataDir)
        .withRuntime(runtime)
        .withKubeletPort(f.port("--kubelet-port", 10250))
        .withCapacity(f.string("--node-cpu", "4"), f.string("--node-memory", "8Gi"), f.count("--node-pods", 1, 110))
        .withFallbackPodCidr(PodIpAllocator.nthSubnet(cidr, index))
        .withLease(f.duration("--node-lease-duration", Duration.ofSeconds(40)), leaseRenew(f))
        .withAllowHostCommands(f.toggle("--allow-host-commands"))
        .withBackoff(f.duration("--crash-backoff-initial", Duration.ofSeconds(10)),
            f.duration("--crash-backoff-max", Duration.ofMinutes(5)))
        .withSimulatedDelay(f.duration("--simulated-delay", Duration.ofMillis(200)))
        .withDnsPort(() -> dnsPort)
        .withClusterDns(DnsComponent.dnsIp(f))
        .withStaticPodPath(staticPodPath(f, name, dataDir))
        .withAllowedUnsafeSysctls(allowedUnsafeSysctls(f))
        .withManifestUrl(manifestUrl(f))
        .withDocker(new io.dekube.kubelet.runtime.docker.DockerOptions(
            f.string("--docker-endpoint", io.dekube.kubelet.runtime.docker.DockerRuntime.ENDPOINT),
            f.string("--pod-infra-container-image", io.dekube.kubelet.runtime.docker.DockerRuntime.PAUSE_IMAGE),
            cidr));
  }

  /** {@code --manifest-url} with {@code --manifest-url-header}'s headers; null without a URL. */
  static io.dekube.kubelet.ManifestUrl manifestUrl(Flags f) {
    List<java.util.Map.Entry<String, String>> headers =
        io.dekube.kubelet.ManifestUrl.headers(f.string("--manifest-url-header", ""));
    return f.raw("--manifest-url").filter(u -> !u.isEmpty())
        .map(u -> new io.dekube.kubelet.ManifestUrl(u, headers)).orElse(null);
  }

  /**
   * A kubelet's failed start as the launcher reports it: a docker runtime's unreachable engine as one line without a
   * stack trace (the address and the engine's error say it all), any other failure as it is.
   */
  static Exception launchFailure(java.util.concurrent.ExecutionException e) {
    return e.getCause() instanceof io.dekube.kubelet.runtime.docker.DockerRuntime.EngineUnreachable u
        ? new LaunchException(u.getMessage()) : e;
  }
}
