package io.dekube.core.quota;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.quota.Quantities.Amount;
import java.time.Instant;
import java.util.Collection;
import java.util.Set;
import java.util.TreeMap;

/**
 * Services: {@code services}, {@code count/services}, {@code services.nodeports} (a NodePort or
 * LoadBalancer Service counts each port; one with {@code allocateLoadBalancerNodePorts: false} only
 * the ports that name a nodePort) and {@code services.loadbalancers}. Updates count too, since a
 * type change can raise usage.
 */
final class ServiceEvaluator implements QuotaEvaluator {

  private static final Set<String> NAMES = Set.of("count/services", "services", "services.nodeports",
      "services.loadbalancers");

  @Override
  public boolean handles(boolean create) {
    return true;
  }

  @Override
  public Set<String> matchingResources(Collection<String> hard) {
    return QuotaEvaluator.among(hard, NAMES);
  }

  @Override
  public TreeMap<String, Amount> usage(ObjectNode svc, Instant now) {
    TreeMap<String, Amount> out = new TreeMap<>();
    out.put("count/services", Amount.of(1));
    out.put("services", Amount.of(1));
    JsonNode spec = svc.path("spec");
    int ports = spec.path("ports").size();
    switch (spec.path("type").asText("ClusterIP")) {
      case "NodePort" -> out.put("services.nodeports", Amount.of(ports));
      case "LoadBalancer" -> {
        long nodePorts = ports;
        if (spec.has("allocateLoadBalancerNodePorts") && !spec.path("allocateLoadBalancerNodePorts").asBoolean(true)) {
          nodePorts = 0;
          for (JsonNode p : spec.path("ports")) {
            if (p.path("nodePort").asInt(0) > 0) {
              nodePorts++;
            }
          }
        }
        out.put("services.nodeports", Amount.of(nodePorts));
        out.put("services.loadbalancers", Amount.of(1));
      }
      default -> {
      }
    }
    return out;
  }
}
