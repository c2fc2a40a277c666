package io.dekube.kubeproxy;

import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.net.ServiceWatch;
import io.dekube.kubeproxy.healthcheck.HealthCheckServers;
import io.dekube.kubeproxy.healthcheck.HealthChecks;
import io.dekube.kubeproxy.iptables.IptablesApplier;
import io.dekube.kubeproxy.iptables.IptablesRules;
import io.dekube.kubeproxy.userspace.UserspaceProxier;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One node's kube-proxy: follows Services and their endpoints ({@link ServiceWatch}) and, on
 * every change, either re-plans its userspace listeners or renders the iptables rules and applies
 * them (from a worker). Wiring only.
 */
public final class KubeProxyVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KubeProxyVerticle.class);

  private final KubeProxyConfig config;
  private final ResourceRegistry registry;
  private final Function<ResourceType, Informer> informers;
  private final Function<String, String> nodeIpOf;
  private UserspaceProxier userspace;
  private HealthCheckServers healthChecks;
  private final MetricsEndpoint metrics = new MetricsEndpoint();
  private IptablesApplier iptables;
  private ServiceWatch watch;
  private volatile String lastRules = "";

  public KubeProxyVerticle(KubeProxyConfig config, ResourceRegistry registry, Function<ResourceType, Informer> informers) {
    this(config, registry, informers, node -> null);
  }

  /**
   * @param nodeIpOf a node's address by its name (null when unknown; called from this verticle's event loop):
   *                 where external traffic is masqueraded from under {@code externalTrafficPolicy: Cluster}
   */
  public KubeProxyVerticle(KubeProxyConfig config, ResourceRegistry registry, Function<ResourceType, Informer> informers,
      Function<String, String> nodeIpOf) {
    this.config = config;
    this.registry = registry;
    this.informers = informers;
    this.nodeIpOf = nodeIpOf;
  }

  @Override
  public Future<?> start() {
    if (config.mode().equals(KubeProxyConfig.USERSPACE)) {
      userspace = new UserspaceProxier(vertx, config.nodeName(), config.nodeIps(), config.clusterAddresses(),
          nodeIpOf);
      if (!config.clusterAddresses()) {
        healthChecks = new HealthCheckServers(vertx, config.nodeName());
      }
    } else {
      iptables = new IptablesApplier(List.of());
    }
    List<String> metricsAddresses = config.clusterAddresses() ? List.of(config.metricsHost()) : config.nodeIps();
    return metrics.start(vertx, metricsAddresses, config.metricsPort(), config.mode())
        .compose(v -> ServiceWatch.start(vertx, registry, informers, this::onChange)).onSuccess(w -> watch = w);
  }

  private void onChange(ServiceWatch.View view) {
    if (userspace != null) {
      userspace.sync(view.ports());
      if (healthChecks != null) {
        healthChecks.sync(HealthChecks.plan(view.ports(), config.nodeName(), config.nodeIps()));
      }
      return;
    }
    String rules = IptablesRules.render(view.ports(), new IptablesRules.Node(config.nodeName(), config.clusterCidr()));
    if (rules.equals(lastRules)) {
      return;
    }
    lastRules = rules;
    vertx.executeBlocking(() -> {
      iptables.apply(rules);
      return null;
    }, false).onFailure(e -> LOG.warn("kube-proxy {}: applying iptables rules failed: {}", config.nodeName(),
        e.toString()));
  }

  /** The addresses the userspace proxy listens on (empty in iptables mode). */
  public List<String> listening() {
    return userspace == null ? List.of() : userspace.listening();
  }

  @Override
  public Future<?> stop() {
    if (watch != null) {
      watch.stop();
    }
    Future<Void> checks = Future.join(metrics.close(),
        healthChecks == null ? Future.succeededFuture() : healthChecks.close()).mapEmpty();
    return userspace == null ? checks : Future.join(checks, userspace.close());
  }
}
