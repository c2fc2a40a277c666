package io.dekube.launcher;

import io.dekube.core.informer.SharedInformers;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.KubeletVerticle;
import io.dekube.kubelet.NodeFleet;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * {@code dekube kubelet --node-name N --node-ip IP --kafka HOST:PORT --data-dir DIR}: one node in its
 * own process against a running cluster (the data dir's {@code pki/} must hold the cluster's CA, so
 * the apiserver trusts its kubelet API). Killing the process is how the node dies; starting it again
 * resumes its Lease and keeps the pods still bound to it. Blocks until SIGINT/SIGTERM.
 */
final class KubeletCommand {

  static final List<Flag> FLAGS;

  static {
    List<Flag> f = new ArrayList<>(List.of(
        Flag.of("--node-name", "NAME", "the node's name (required)"),
        Flag.of("--node-ip", "IP", "the node's IP (required; its last number picks the fallback pod CIDR)"),
        Flag.of("--kafka", "HOST:PORT", "the cluster's Kafka (default 127.0.0.1:9092)"),
        Flag.of("--data-dir", "DIR", "the cluster's data dir, for its CA (default .dekube)"),
        Flag.of("--ops-port", "N", "serve /metrics, /healthz, /readyz on this port (default: none)"),
        Flag.of("--bind-address", "IP", "where the ops port listens (default 127.0.0.1)"),
        SharedPki.WAIT_FLAG));
    f.add(UpOptions.ENCRYPTION_FLAG); // the kubelet's informers read Secrets and ConfigMaps
    f.add(UpOptions.ENCRYPTION_RELOAD_FLAG);
    f.addAll(KubeletComponent.NODE_FLAGS);
    f.addAll(EvictionFlags.FLAGS);
    f.addAll(ContainerLogFlags.FLAGS);
    f.addAll(AuditFlags.withPolicy()); // its calls audited as the apiserver would audit them
    f.addAll(ServiceAccountFlags.FLAGS); // it signs its pods' tokens: the apiserver's issuer and audiences
    FLAGS = List.copyOf(f);
  }

  private KubeletCommand() {
  }

  /** The node's config from the command line; IllegalArgumentException on bad input. */
  static KubeletConfig parse(Flags f) {
    String name = f.raw("--node-name").orElseThrow(() -> new IllegalArgumentException("--node-name is required"));
    String ip = f.raw("--node-ip").orElseThrow(() -> new IllegalArgumentException("--node-ip is required"));
    if (!ip.matches("\\d+\\.\\d+\\.\\d+\\.\\d+")) {
      throw new IllegalArgumentException("--node-ip needs an IPv4 address, got " + ip);
    }
    f.port("--ops-port", 0);
    UpOptions.bindAddress(f);
    AuditFlags.options(f, f.raw("--audit-policy-file").isPresent() ? "audit.log" : null);
    ServiceAccountFlags.options(f);
    EvictionFlags.parse(f);
    ContainerLogFlags.parse(f);
    int index = Integer.parseInt(ip.substring(ip.lastIndexOf('.') + 1));
    KubeletConfig c = KubeletComponent.config(f, name, ip, index, f.path("--data-dir", Path.of(".dekube")));
    // a kubelet of its own reads --pod-manifest-path itself, as kube's kubelet does
    return f.raw("--pod-manifest-path").map(d -> c.withStaticPodPath(Path.of(d))).orElse(c);
  }

  static void run(List<String> args) throws Exception {
    Flags f = Flags.parse(args, FLAGS);
    KubeletConfig config = parse(f);
    UpOptions.installEncryption(f);
    String name = config.nodeName();
    String ip = config.nodeIp();
    Path data = f.path("--data-dir", Path.of(".dekube"));
    String bootstrap = f.string("--kafka", "127.0.0.1:9092");
    io.dekube.apiserver.audit.AuditPolicy auditPolicy = ApiServerComponent.auditPolicy(f);
    io.dekube.apiserver.audit.AuditSink auditSink = ApiServerComponent.auditSink(f, data.resolve("audit-kubelet-" + name
        + ".log"));
    ClusterPki pki = SharedPki.await(data, f, "kubelet " + name);
    Vertx vertx = Vertx.vertx();
    String ops = "";
    if (f.raw("--ops-port").isPresent()) {
      ProcessMetrics.bind();
      int port = Cluster.await(new io.dekube.core.metrics.OpsHttpServer().listen(vertx, UpOptions.bindAddress(f),
          f.port("--ops-port", 0)));
      ops = ", metrics http://" + UpOptions.reachableHost(f) + ":" + port + "/metrics";
    }
    StoreClient store = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    SharedInformers informers = SharedInformers.of(vertx);
    io.dekube.store.admission.webhook.BusWebhooks webhooks = Cluster.await(io.dekube.store.admission.webhook.BusWebhooks
        .start(vertx, io.dekube.core.model.ResourceRegistry.builtIn(), t -> informers.informer(bootstrap, t),
            new io.dekube.apiserver.conversion.EquivalentBuiltIns()));
    // Decision: by default its own log, <data-dir>/audit-kubelet-<node>.log (the apiserver's process writes audit.log)
    java.util.function.Function<io.dekube.core.auth.UserInfo, io.dekube.core.store.StoreApi> stores =
        io.dekube.apiserver.audit.BusAudit.wrap(auditPolicy, auditSink, user -> webhooks.as(user, store));
    KubeletVerticle kubelet = new KubeletVerticle(config, stores.apply(io.dekube.core.auth.SystemUsers.node(name)),
        t -> informers.informer(bootstrap, t),
        config.servesApi() ? NodeFleet.tls(pki, config) : null)
        .withTokenSigner(new io.dekube.core.serviceaccount.TokenSigner(SharedPki.serviceAccountKey(data),
            ServiceAccountFlags.options(f)))
        .withEviction(EvictionFlags.parse(f)).withContainerLogs(ContainerLogFlags.parse(f));
    String id;
    try {
      id = Cluster.await(vertx.deployVerticle(kubelet));
    } catch (java.util.concurrent.ExecutionException e) {
      throw KubeletComponent.launchFailure(e);
    }
    ProcessMetrics.kubeletPods(informers.informer(bootstrap, io.dekube.core.model.ResourceRegistry.builtIn()
        .byResourceName("pods").orElseThrow()), java.util.Set.of(name));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        Cluster.await(vertx.undeploy(id));
        Cluster.await(vertx.close());
      } catch (Exception e) {
        System.err.println("dekube kubelet: stop failed: " + e.getMessage());
      }
      stopped.countDown();
    }, "dekube-kubelet-shutdown"));
    System.out.println("dekube kubelet ready: node " + name + " (" + config.runtime() + "), IP " + ip
        + ", kubelet API https://" + ip + ":" + kubelet.port() + ", kafka " + bootstrap + ops);
    stopped.await();
  }
}
