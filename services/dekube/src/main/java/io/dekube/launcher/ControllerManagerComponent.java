package io.dekube.launcher;

import io.dekube.controllermanager.ControllerManagerConfig;
import io.dekube.controllermanager.ControllerManagerConfigz;
import io.dekube.controllermanager.ControllerManagerVerticle;
import io.dekube.controllermanager.nodelifecycle.NodeLifecycleOptions;
import io.dekube.controllermanager.plugins.PluginException;
import io.dekube.controllermanager.plugins.PluginJar;
import io.dekube.controllermanager.plugins.PluginJars;
import io.dekube.controllermanager.podautoscaler.ApiCredentials;
import io.dekube.controllermanager.podautoscaler.HpaOptions;
import io.dekube.controllermanager.serviceaccount.TokenCredentials;
import io.dekube.core.auth.SystemUsers;
import io.dekube.core.pki.ClusterPki;
import io.dekube.store.admission.KubernetesAdmission;
import java.time.Duration;
import java.util.List;

/**
 * kube-controller-manager: the controllers, active while this process holds the leader Lease, with the
 * CRDs and controllers of the plugin jars of {@code --plugins} (the scheduler's folder and flag, default
 * {@code <data-dir>/plugins}); a broken jar, or one whose CRD or controller cannot start, stops {@code up}
 * with a message naming it.
 * Also sets the DefaultTolerationSeconds admission flags, which kube-apiserver owns, so that
 * {@code up --default-unreachable-toleration-seconds 5} reads as in the issue. Node IPAM reads
 * {@code --cluster-cidr}, which the kubelet component declares (one flag for both).
 */
final class ControllerManagerComponent implements Component {

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--node-monitor-grace-period", "DURATION", "node Lease age before the node is NotReady (default 50s; "
            + "in up, nodes then renew their Lease every quarter of it, at most 10s)"),
        Flag.of("--node-monitor-period", "DURATION", "how often the node lifecycle controller looks at every node "
            + "(default 5s; half --node-monitor-grace-period when that is shorter)"),
        Flag.of("--node-startup-grace-period", "DURATION", "how long a node that never posted its Ready condition "
            + "is given before it is NotReady (default 1m0s)"),
        Flag.of("--node-eviction-rate", "RATE", "nodes a second given the NoExecute taint when their zone is healthy "
            + "(default 0.1)"),
        Flag.of("--secondary-node-eviction-rate", "RATE", "nodes a second given the NoExecute taint when their zone "
            + "is unhealthy; 0 in zones of --large-cluster-size-threshold nodes or fewer (default 0.01)"),
        Flag.of("--large-cluster-size-threshold", "N", "zone size above which --secondary-node-eviction-rate "
            + "applies (default 50)"),
        Flag.of("--unhealthy-zone-threshold", "FRACTION", "share of not-Ready nodes (at least 3) that makes a "
            + "zone unhealthy (default 0.55)"),
        Flag.of("--terminated-pod-gc-threshold", "N", "terminated pods kept before the oldest are deleted; 0 or "
            + "less: never (default 12500)"),
        Flag.of("--default-not-ready-toleration-seconds", "N", "tolerationSeconds added to pods for not-ready nodes (default 300)"),
        Flag.of("--default-unreachable-toleration-seconds", "N", "tolerationSeconds added to pods for unreachable nodes (default 300)"),
        Flag.of("--controller-manager-instances", "N", "controller-manager verticles campaigning for the Lease (default 1)"),
        Flag.of("--concurrent-horizontal-pod-autoscaler-syncs", "N", "HPAs synced at once (default 5)"),
        Flag.of("--horizontal-pod-autoscaler-sync-period", "DURATION", "how often each HPA is synced (default 15s)"),
        Flag.of("--horizontal-pod-autoscaler-tolerance", "FLOAT", "the minimum change (from 1.0) in the "
            + "desired-to-actual metrics ratio to scale (default 0.1)"),
        Flag.of("--horizontal-pod-autoscaler-downscale-stabilization", "DURATION", "how far back the HPA looks "
            + "and does not scale down below a recommendation it made (default 5m0s)"),
        Flag.of("--horizontal-pod-autoscaler-cpu-initialization-period", "DURATION", "the time after pod start "
            + "when CPU samples might be skipped (default 5m0s)"),
        Flag.of("--horizontal-pod-autoscaler-initial-readiness-delay", "DURATION", "the time after pod start "
            + "during which readiness changes count as initial readiness (default 30s)"),
        Flag.of(UPSCALE_DELAY, "DURATION", "deprecated: does nothing, as in kube"),
        Flag.of(DOWNSCALE_DELAY, "DURATION", "deprecated: does nothing, as in kube"));
  }

  /** kube's deprecated no-op HPA flags: still parsed, and named in pflag's deprecation warning when given. */
  static final String UPSCALE_DELAY = "--horizontal-pod-autoscaler-upscale-delay";
  static final String DOWNSCALE_DELAY = "--horizontal-pod-autoscaler-downscale-delay";

  /** pflag's warnings for the deprecated HPA flags given (its words), one a line; empty when none is. */
  static List<String> deprecations(Flags f) {
    return java.util.stream.Stream.of(UPSCALE_DELAY, DOWNSCALE_DELAY).filter(n -> f.raw(n).isPresent())
        .map(n -> "Flag " + n + " has been deprecated, This flag is currently no-op and will be deleted.").toList();
  }

  /**
   * kube-controller-manager's HPA flags, read as pflag reads them (Go durations, floats and int32s, its
   * words for a value that does not parse) and checked as kube checks them (only the concurrent syncs).
   */
  static HpaOptions hpa(Flags f) {
    HpaOptions d = HpaOptions.DEFAULTS;
    String p = "--horizontal-pod-autoscaler-";
    HpaOptions o = new HpaOptions(AuditFlags.duration(f, p + "sync-period", d.syncPeriod()),
        AuditFlags.float64(f, p + "tolerance", d.tolerance()),
        AuditFlags.duration(f, p + "downscale-stabilization", d.downscaleStabilization()),
        AuditFlags.duration(f, p + "cpu-initialization-period", d.cpuInitializationPeriod()),
        AuditFlags.duration(f, p + "initial-readiness-delay", d.initialReadinessDelay()),
        AuditFlags.integer(f, "--concurrent-horizontal-pod-autoscaler-syncs", d.concurrentSyncs()));
    AuditFlags.duration(f, UPSCALE_DELAY, Duration.ZERO); // parsed, as pflag parses them, then unused
    AuditFlags.duration(f, DOWNSCALE_DELAY, Duration.ZERO);
    if (o.invalid() != null) {
      throw new IllegalArgumentException(o.invalid());
    }
    return o;
  }

  /** kube-controller-manager's node lifecycle flags, read as pflag reads them (kube checks none of them). */
  static NodeLifecycleOptions nodeLifecycle(Flags f) {
    NodeLifecycleOptions d = NodeLifecycleOptions.DEFAULTS;
    return new NodeLifecycleOptions(AuditFlags.duration(f, "--node-monitor-period", d.monitorPeriod()),
        AuditFlags.duration(f, "--node-startup-grace-period", d.startupGracePeriod()), (float) AuditFlags.float64(f, "--node-eviction-rate", d.nodeEvictionRate()),
        (float) AuditFlags.float64(f, "--secondary-node-eviction-rate", d.secondaryNodeEvictionRate()),
        AuditFlags.integer(f, "--large-cluster-size-threshold", d.largeClusterSizeThreshold()),
        (float) AuditFlags.float64(f, "--unhealthy-zone-threshold", d.unhealthyZoneThreshold()));
  }

  /** {@code --terminated-pod-gc-threshold}, a pflag int32 (kube's default 12500). */
  static int terminatedPodGcThreshold(Flags f) {
    return AuditFlags.integer(f, "--terminated-pod-gc-threshold", 12500);
  }

  /** Applies the admission flags; called before the store's writers start. */
  static void admission(Flags flags) {
    KubernetesAdmission.defaultTolerationSeconds(flags.integer("--default-not-ready-toleration-seconds", 300),
        flags.integer("--default-unreachable-toleration-seconds", 300));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    admission(ctx.flags());
    deprecations(ctx.flags()).forEach(System.err::println);
    ControllerManagerConfig config = ControllerManagerConfig.defaults()
        .withNodeMonitorGracePeriod(ctx.flags().duration("--node-monitor-grace-period",
            ControllerManagerConfig.NODE_MONITOR_GRACE_PERIOD))
        .withDefaultUnreachableTolerationSeconds(ctx.flags().integer("--default-unreachable-toleration-seconds", 300))
        .withClusterCidr(ctx.flags().string("--cluster-cidr", "127.244.0.0/16"))
        .withHpa(hpa(ctx.flags()))
        .withNodeLifecycle(nodeLifecycle(ctx.flags()))
        .withTerminatedPodGcThreshold(terminatedPodGcThreshold(ctx.flags()))
        // the local-path provisioner's volumes: <data-dir>/volumes/<node>/pvc-<uid>_<namespace>_<claim>
        .withLocalPathDir(ctx.dataDir().resolve("volumes").toAbsolutePath().toString());
    if (ctx.ops() != null) { // kube-controller-manager's, on the process's ops port (as kube-scheduler's)
      ctx.ops().configz(ControllerManagerConfigz.NAME, ControllerManagerConfigz.configuration(config,
          AuditFlags.duration(ctx.flags(), UPSCALE_DELAY, Duration.ofMinutes(3)),
          AuditFlags.duration(ctx.flags(), DOWNSCALE_DELAY, Duration.ofMinutes(5))));
    }
    int instances = ctx.flags().count("--controller-manager-instances", 1, 1);
    ClusterPki pki = SharedPki.await(ctx.dataDir(), ctx.flags(), "controller-manager");
    TokenCredentials tokens = tokenCredentials(ctx, pki);
    ApiCredentials api = apiCredentials(pki);
    List<PluginJar> plugins = plugins(ctx);
    for (int i = 0; i < instances; i++) {
      try {
        ctx.deploy(new ControllerManagerVerticle(config.withIdentity(config.identity() + "-" + i), ctx.registry(),
            ctx.storeAs(SystemUsers.KUBE_CONTROLLER_MANAGER), ctx.informersAs(SystemUsers.KUBE_CONTROLLER_MANAGER))
            .withStores(ctx.stores()).withTokenCredentials(tokens).withApiCredentials(api).withPlugins(plugins));
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof PluginException pe ? new IllegalArgumentException("controller-manager: "
            + pe.getMessage(), pe) : e;
      }
    }
  }

  /** The CRDs and controllers of the jars in {@code --plugins}; a broken jar is an error naming it. */
  static List<PluginJar> plugins(LaunchContext ctx) {
    try {
      return PluginJars.load(ctx.flags().path("--plugins", ctx.dataDir().resolve("plugins")));
    } catch (PluginException e) {
      throw new IllegalArgumentException("controller-manager: " + e.getMessage(), e);
    }
  }

  /**
   * The HPA controller's client certificate for the apiserver (metrics.k8s.io), issued by the data dir's
   * CA. <b>Decision</b>: in {@code system:masters}, because dekube's controller-manager already writes
   * the store directly with no RBAC in between; kube gives each controller a ServiceAccount instead.
   */
  static ApiCredentials apiCredentials(ClusterPki pki) {
    io.dekube.core.pki.CertificateBundle client = pki.issueClientCertificate("system:kube-controller-manager",
        java.util.List.of("system:masters"));
    return new ApiCredentials(pki.ca().certificatePem(), client.certificatePem(), client.keyPem());
  }

  /** The service-account signer and the CA of the data dir's PKI ({@code pki}, the apiserver's). */
  static TokenCredentials tokenCredentials(LaunchContext ctx, ClusterPki pki) {
    return new TokenCredentials(io.dekube.core.serviceaccount.TokenSigner.of(
        SharedPki.serviceAccountKey(ctx.dataDir())), pki.ca().certificatePem());
  }
}
