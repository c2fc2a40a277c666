package io.dekube.kubeproxy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The kube-proxies of one process in userspace mode: one that owns the process's ClusterIPs and
 * LoadBalancer IPs (every node of a process shares the loopback, so only one may bind them) and
 * one per Node (its NodePorts on the node's InternalIP), started and stopped as Node objects
 * come and go. In iptables mode: one proxy for the host.
 */
public final class KubeProxyNodes extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(KubeProxyNodes.class);

  private final String mode;
  private final String clusterCidr;
  private final String metricsHost;
  private final int metricsPort;
  private final ResourceRegistry registry;
  private final Function<ResourceType, Informer> informers;
  private final Map<String, String> deployed = new HashMap<>();
  private final Map<String, List<String>> ipsByNode = new HashMap<>();
  /** Each node's first address, read by the process-wide proxy's listeners on their own event loop. */
  private final Map<String, String> nodeIps = new ConcurrentHashMap<>();
  private HandlerRegistration nodes;

  /** With {@code /proxyMode} on {@code metricsHost:metricsPort} (kube-proxy's {@code --metrics-bind-address}). */
  public KubeProxyNodes(String mode, String clusterCidr, String metricsHost, int metricsPort, ResourceRegistry registry,
      Function<ResourceType, Informer> informers) {
    this.mode = mode;
    this.clusterCidr = clusterCidr;
    this.metricsHost = metricsHost;
    this.metricsPort = metricsPort;
    this.registry = registry;
    this.informers = informers;
  }

  @Override
  public Future<?> start() {
    KubeProxyConfig cluster = new KubeProxyConfig("", List.of(), mode, clusterCidr, true, metricsHost, metricsPort);
    return vertx.deployVerticle(new KubeProxyVerticle(cluster, registry, informers, nodeIps::get)).compose(id -> {
      if (mode.equals(KubeProxyConfig.IPTABLES)) {
        return Future.succeededFuture();
      }
      Informer nodeInformer = informers.apply(registry.byResourceName("nodes").orElseThrow());
      return nodeInformer.start().onSuccess(v -> nodes = nodeInformer.addHandler(new InformerHandler() {
        @Override
        public void onAdd(ObjectNode node) {
          follow(node);
        }

        @Override
        public void onUpdate(ObjectNode oldNode, ObjectNode node) {
          follow(node);
        }

        @Override
        public void onDelete(ObjectNode last, long rv) {
          stopFor(last.path("metadata").path("name").asText());
        }
      }));
    });
  }

  private void follow(ObjectNode node) {
    String name = node.path("metadata").path("name").asText();
    List<String> ips = new ArrayList<>();
    for (JsonNode a : node.path("status").path("addresses")) {
      if (a.path("type").asText().equals("InternalIP") || a.path("type").asText().equals("ExternalIP")) {
        ips.add(a.path("address").asText());
      }
    }
    if (ips.equals(ipsByNode.get(name))) {
      return;
    }
    stopFor(name);
    if (ips.isEmpty()) {
      return;
    }
    ipsByNode.put(name, ips);
    nodeIps.put(name, ips.get(0));
    KubeProxyConfig config = new KubeProxyConfig(name, ips, mode, clusterCidr, false, metricsHost, metricsPort);
    vertx.deployVerticle(new KubeProxyVerticle(config, registry, informers)).onSuccess(id -> {
      LOG.info("kube-proxy for node {} ({}) started", name, ips);
      deployed.put(name, id);
    });
  }

  private void stopFor(String name) {
    ipsByNode.remove(name);
    nodeIps.remove(name);
    String id = deployed.remove(name);
    if (id != null) {
      vertx.undeploy(id);
    }
  }

  @Override
  public Future<?> stop() {
    if (nodes != null) {
      nodes.remove();
    }
    return Future.succeededFuture();
  }
}
