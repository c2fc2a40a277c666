package io.dekube.scheduler.framework;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * The args of kube 1.32's in-tree plugins that have an args type, as {@code /configz} shows them: the v1 args
 * defaulted as kube's {@code SetDefaults_<Plugin>Args} does and converted to the internal type (Go field names;
 * Kubernetes API objects inside, such as a {@code NodeAffinity} or topology spread constraints, keep their JSON
 * names). {@code DynamicResourcesArgs} is left out with its plugin (off in 1.32). Pure.
 */
final class PluginArgs {

  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private PluginArgs() {
  }

  /** The defaulted internal args of a plugin, or null when it has no args type (jar plugins, most in-tree ones). */
  static JsonNode defaulted(String plugin, Map<String, Object> a) {
    ObjectNode o = F.objectNode();
    switch (plugin) {
      case "DefaultPreemption" -> {
        o.set("MinCandidateNodesPercentage", ComponentConfig.number(a.get("minCandidateNodesPercentage"), 10));
        o.set("MinCandidateNodesAbsolute", ComponentConfig.number(a.get("minCandidateNodesAbsolute"), 100));
      }
      case "InterPodAffinity" -> {
        o.set("HardPodAffinityWeight", ComponentConfig.number(a.get("hardPodAffinityWeight"), 1));
        o.put("IgnorePreferredTermsOfExistingPods",
            ComponentConfig.bool(a.get("ignorePreferredTermsOfExistingPods"), false));
      }
      case "NodeAffinity" -> o.set("AddedAffinity", asGiven(a.get("addedAffinity")));
      case "NodeResourcesBalancedAllocation" -> o.set("Resources", resources(a.get("resources")));
      case "NodeResourcesFit" -> {
        o.set("IgnoredResources", asGiven(a.get("ignoredResources")));
        o.set("IgnoredResourceGroups", asGiven(a.get("ignoredResourceGroups")));
        Map<String, Object> s = ComponentConfig.map(a.get("scoringStrategy"));
        ObjectNode strategy = o.putObject("ScoringStrategy");
        strategy.put("Type", a.get("scoringStrategy") == null ? "LeastAllocated" : ComponentConfig.string(s.get("type"),
            ""));
        strategy.set("Resources", resources(s.get("resources")));
        Object ratio = s.get("requestedToCapacityRatio");
        if (ratio == null) {
          strategy.putNull("RequestedToCapacityRatio");
        } else {
          strategy.putObject("RequestedToCapacityRatio").set("Shape", shape(ComponentConfig.map(ratio).get("shape")));
        }
      }
      case "PodTopologySpread" -> {
        o.set("DefaultConstraints", asGiven(a.get("defaultConstraints")));
        o.put("DefaultingType", ComponentConfig.string(a.get("defaultingType"), "System"));
      }
      case "VolumeBinding" -> {
        o.set("BindTimeoutSeconds", ComponentConfig.number(a.get("bindTimeoutSeconds"), 600));
        // the default shape comes with the VolumeCapacityPriority gate, off in 1.32
        o.set("Shape", a.get("shape") == null ? F.nullNode() : shape(a.get("shape")));
      }
      default -> {
        return null;
      }
    }
    return o;
  }

  /** {@code ResourceSpec}s: cpu and memory of weight 1 when none are given, a weight of 0 made 1. */
  private static JsonNode resources(Object given) {
    ArrayNode out = F.arrayNode();
    if (!(given instanceof List<?> l) || l.isEmpty()) {
      out.addObject().put("Name", "cpu").put("Weight", 1);
      out.addObject().put("Name", "memory").put("Weight", 1);
      return out;
    }
    for (Object e : l) {
      Map<String, Object> r = ComponentConfig.map(e);
      Object w = r.get("weight");
      long weight = w == null ? 0 : Long.parseLong(w.toString());
      out.addObject().put("Name", ComponentConfig.string(r.get("name"), "")).put("Weight", weight == 0 ? 1 : weight);
    }
    return out;
  }

  private static JsonNode shape(Object given) {
    if (!(given instanceof List<?> l)) {
      return F.nullNode();
    }
    ArrayNode out = F.arrayNode();
    for (Object e : l) {
      Map<String, Object> p = ComponentConfig.map(e);
      out.addObject().set("Utilization", ComponentConfig.number(p.get("utilization"), 0));
      ((ObjectNode) out.get(out.size() - 1)).set("Score", ComponentConfig.number(p.get("score"), 0));
    }
    return out;
  }

  private static JsonNode asGiven(Object given) {
    return given == null ? F.nullNode() : MAPPER.valueToTree(given);
  }
}
