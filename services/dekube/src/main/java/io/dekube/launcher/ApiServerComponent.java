package io.dekube.launcher;

import io.dekube.apiserver.ApiServerConfig;
import io.dekube.apiserver.ApiServerKeys;
import io.dekube.apiserver.ApiServerVerticle;
import io.dekube.apiserver.csrsigning.CsrSigningVerticle;
import io.dekube.apiserver.policystatus.PolicyStatusVerticle;
import io.dekube.apiserver.ingest.IngestVerticle;
import io.dekube.apiserver.server.TlsWarmup;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.core.bus.BusMonitor;
import io.dekube.core.informer.SharedInformers;
import io.vertx.core.Vertx;
import io.dekube.apiserver.audit.AuditBackends;
import io.dekube.apiserver.audit.AuditSink;
import io.dekube.apiserver.audit.AuditPolicy;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apiserver: the HTTPS front over the StoreClient and shared informers; writes the admin kubeconfig.
 * One verticle instance per core ({@code --api-instances}) on one shared port: Vert.x hands each new
 * connection to the next instance's event loop, so TLS and JSON use every core; the instances share
 * the process's StoreClient and informers (the watch cache). Also the ingest consumer of {@code dekube.ingest}.
 */
final class ApiServerComponent implements Component {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServerComponent.class);

  @Override
  public List<Flag> flags() {
    List<Flag> flags = new java.util.ArrayList<>(List.of(Flag.of("--api-port", "N", "apiserver HTTPS port (default 6443)"),
        Flag.of("--api-instances", "N", "apiserver verticle instances sharing the port (default: the cores)"),
        Flag.toggle("--enable-aggregator-routing", "send aggregated APIs' requests to an endpoint of their Service "
            + "rather than its ClusterIP (default false, as kube-apiserver: the ClusterIP, which needs kube-proxy "
            + "beside the apiserver; true where this process cannot listen on port 443)")));
    flags.addAll(AuditFlags.withPolicy());
    flags.addAll(ServiceAccountFlags.FLAGS);
    return List.copyOf(flags);
  }

  /**
   * While the broker starts: the keys (made on a first start: RSA keys), and one TLS handshake
   * with them, so neither the apiserver's start nor its first client meets cold crypto code.
   */
  @Override
  public Object prepare(Vertx vertx, UpOptions options) throws Exception {
    ApiServerConfig config = config(options);
    ApiServerKeys keys = ApiServerKeys.load(config);
    try {
      Cluster.await(TlsWarmup.run(vertx, keys.pki(), config.http2()));
    } catch (Exception e) {
      LOG.debug("TLS warm-up failed (the apiserver starts cold): {}", e.toString());
    }
    return keys;
  }

  /**
   * The policy of {@code --audit-policy-file}, or null. As kube-apiserver, dekube audits nothing without
   * one; unlike kube it then logs to {@code <data-dir>/audit.log} when {@code --audit-log-path} is not
   * given, so that one flag is enough. A policy that does not parse stops the start, naming the file.
   */
  static AuditPolicy auditPolicy(Flags flags) {
    return flags.raw("--audit-policy-file").map(f -> {
      try {
        return AuditPolicy.load(Path.of(f));
      } catch (IllegalArgumentException e) {
        throw new LaunchException(e.getMessage());
      }
    }).orElse(null);
  }

  /**
   * The audit backends of {@code --audit-log-*} and {@code --audit-webhook-*} (null without a policy: as kube, no
   * policy audits nothing). The log goes to {@code defaultLog} ({@code <data-dir>/audit.log}) when {@code --audit-log-path}
   * is not given.
   * Bad values and an unreadable webhook kubeconfig stop the start in kube's words.
   */
  static AuditSink auditSink(Flags flags, Path defaultLog) {
    if (flags.raw("--audit-webhook-batch-initial-backoff").isPresent()) { // pflag's word for a deprecated flag
      System.err.println("Flag --audit-webhook-batch-initial-backoff has been deprecated, Deprecated, use "
          + "--audit-webhook-initial-backoff instead.");
    }
    if (flags.raw("--audit-policy-file").isEmpty()) {
      AuditFlags.options(flags, null); // checked all the same
      return null;
    }
    try {
      return AuditBackends.open(AuditFlags.options(flags, defaultLog.toString()));
    } catch (IllegalArgumentException e) {
      throw new LaunchException(e.getMessage());
    }
  }

  /**
   * kube-apiserver's {@code --enable-aggregator-routing} (a pflag bool, default false): whether aggregated APIs are
   * reached at an endpoint of their Service rather than its ClusterIP. A decision: without the flag, a process that
   * cannot bind port 443 (not root: dekube's kube-proxy, in the same situation on a laptop, could not serve the
   * metrics-server Service's ClusterIP port 443) defaults to true, so that {@code kubectl top} works for a non-root
   * {@code up} as it did before the flag; kube's false where kube-proxy can serve it.
   */
  static boolean aggregatorRouting(Flags flags) {
    return AuditFlags.bool(flags, "--enable-aggregator-routing", !LowPorts.bindable(443));
  }

  /** The serving certificate also names the kubernetes Service's ClusterIP of --service-cidr: pods reach it there. */
  static ApiServerConfig config(UpOptions options) {
    return ApiServerConfig.defaults().withHost(options.bindAddress()).withPort(options.apiPort())
        .withPkiDirectory(options.dataDir().resolve("pki"))
        .withExtraSans(List.of(StoreComponent.serviceRanges(options.flags()).firstAddress()));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    ApiServerConfig config = config(ctx.options());
    ApiServerKeys keys = ctx.prepared() instanceof ApiServerKeys k ? k : ApiServerKeys.load(config);
    ClusterPki pki = keys.pki();
    SharedInformers informers = ctx.informers();
    String bootstrap = ctx.bootstrap();
    int instances = ctx.flags().count("--api-instances", 1, Runtime.getRuntime().availableProcessors());
    // Vert.x shares a port between servers that ask for the same one: port 0 becomes one free port first
    int port = config.port() == 0 && instances > 1 ? freePort(config.host()) : config.port();
    BusMonitor bus = BusMonitor.find(bootstrap);
    AuditPolicy auditPolicy = ctx.auditPolicy();
    // the writers enforce PodSecurity; the apiserver warns (and audits) by the same configuration
    io.dekube.store.admission.podsecurity.PodSecurityConfig podSecurity = StoreComponent.podSecurity(ctx.flags());
    AuditSink auditSink = ctx.auditSink();
    io.dekube.core.serviceaccount.IssuerOptions issuer = ServiceAccountFlags.options(ctx.flags());
    boolean aggregatorRouting = aggregatorRouting(ctx.flags());
    if (aggregatorRouting && ctx.flags().raw("--enable-aggregator-routing").isEmpty()) {
      LOG.info("--enable-aggregator-routing defaults to true here: this process cannot listen on port 443 (not root, "
          + "net.ipv4.ip_unprivileged_port_start above it), so kube-proxy could not serve a ClusterIP's port 443 to "
          + "the aggregator; aggregated APIs are reached at their Services' endpoints");
    }
    for (int i = 0; i < instances; i++) {
      ApiServerVerticle apiserver = new ApiServerVerticle(config.withPort(port), ctx.registry(), ctx.store(),
          type -> informers.informer(bootstrap, type))
          .withKeys(keys)
          .withKubernetesServiceIp(StoreComponent.serviceRanges(ctx.flags()).firstAddress())
          .withPodSecurity(podSecurity)
          .withServiceAccountIssuer(issuer)
          .withAggregatorRouting(aggregatorRouting);
      if (auditPolicy != null && auditSink != null) {
        apiserver.withAudit(auditPolicy, auditSink);
      }
      if (bus != null) {
        // the store's checks, named etcd as kube's clients and docs know them (no second `kafka` name)
        apiserver.withStoreHealth(bus::failure);
      }
      ctx.deploy(apiserver);
      port = apiserver.actualPort();
    }
    // the ingest consumer: one per process, the processes share dekube.ingest's partitions (group dekube-ingest)
    ctx.deploy(new IngestVerticle(bootstrap, ctx.registry(), ctx.storeAs(IngestVerticle.USER),
        type -> informers.informer(bootstrap, type)));
    // kube-controller-manager's csrsigning for kubernetes.io/kube-apiserver-client (until the controller-manager hosts it)
    ctx.deploy(new CsrSigningVerticle(config.pkiDirectory(), ctx.registry(), ctx.storeAs(CsrSigningVerticle.USER),
        type -> informers.informer(bootstrap, type)));
    // kube-controller-manager's validatingadmissionpolicy-status (type checking needs CEL and the OpenAPI schemas)
    ctx.deploy(new PolicyStatusVerticle(ctx.registry(), ctx.storeAs(PolicyStatusVerticle.USER),
        type -> informers.informer(bootstrap, type)));
    String url = KubeconfigWriter.serverUrl(UpOptions.reachableHost(ctx.flags()), port);
    ctx.apiServer(url, KubeconfigWriter.writeAdmin(pki, url, ctx.dataDir().resolve("kubeconfig")));
  }

  static int freePort(String host) throws java.io.IOException {
    try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(host))) {
      return s.getLocalPort();
    }
  }
}
