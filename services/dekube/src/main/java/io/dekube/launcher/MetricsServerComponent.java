package io.dekube.launcher;

import io.dekube.apiserver.audit.BusAudit;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.pki.ClusterPki;
import io.dekube.metricsserver.MetricsServerConfig;
import io.dekube.metricsserver.MetricsServerVerticle;
import java.util.List;

/**
 * The built-in metrics server behind the APIService {@code v1beta1.metrics.k8s.io}, so that
 * {@code kubectl top} works: it scrapes every kubelet's {@code /metrics/resource}. The objects of metrics-server's
 * manifests it writes pass the admission webhooks and ValidatingAdmissionPolicies as the requests of an administrator's
 * {@code kubectl apply -f components.yaml} would: kubeadm's {@code kubernetes-admin}, kubectl's User-Agent, its
 * client-side apply's field manager.
 */
final class MetricsServerComponent implements Component {

  /** The field manager of a client-side {@code kubectl apply}. */
  static final String KUBECTL_MANAGER = "kubectl-client-side-apply";

  @Override
  public List<Flag> flags() {
    return List.of(
        Flag.of("--metrics-server-port", "N", "HTTPS port of the metrics server on --metrics-server-address "
            + "(default 0: a free port; its Endpoints say which)"),
        Flag.of("--metrics-server-address", "IP", "where the metrics server listens (default 127.0.0.1)"),
        Flag.of("--metric-resolution", "D", "how often the metrics server scrapes the kubelets (default 15s)"),
        Flag.toggle("--no-metrics-server", "run no metrics server (kubectl top then answers \"Metrics API not "
            + "available\")"));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    Flags f = ctx.flags();
    if (f.toggle("--no-metrics-server")) {
      return;
    }
    MetricsServerConfig config = new MetricsServerConfig(f.string("--metrics-server-address", "127.0.0.1"),
        f.port("--metrics-server-port", 0), f.duration("--metric-resolution", MetricsServerConfig.DEFAULT_RESOLUTION));
    ClusterPki pki = SharedPki.await(ctx.dataDir(), f, "metrics-server");
    SharedInformers informers = ctx.informers();
    String bootstrap = ctx.bootstrap();
    // metrics-server's manifests as an administrator applies them (kubectl apply -f components.yaml, with the
    // admin.conf kubeadm wrote): through the admission webhooks and policies, audited as kubectl's requests
    MetricsServerVerticle verticle = new MetricsServerVerticle(config, ctx.registry(),
        ctx.storeAs(BusAudit.KUBEADM, KUBECTL_MANAGER, BusAudit.KUBECTL),
        type -> informers.informer(bootstrap, type), pki);
    ctx.deploy(verticle);
    ctx.announce("metrics-server https://" + config.host() + ":" + verticle.actualPort());
  }
}
