package io.dekube.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.List;

/**
 * Aggregated discovery ({@code apidiscovery.k8s.io} {@code APIGroupDiscoveryList}, v2 and
 * v2beta1 share the shape): every group, version, resource and subresource in one document.
 * {@code /api} answers with the core group only, {@code /apis} with the named groups, as
 * kube-apiserver does. Pure.
 */
public final class AggregatedDiscovery {

  /** The group of the aggregated discovery kinds. */
  public static final String GROUP = "apidiscovery.k8s.io";

  private AggregatedDiscovery() {
  }

  /** The list for {@code groups}, as {@code apidiscovery.k8s.io/<version>}. */
  public static ObjectNode list(List<ServedGroup> groups, String version) {
    ObjectNode doc = Json.object().put("kind", "APIGroupDiscoveryList").put("apiVersion", GROUP + "/" + version);
    doc.putObject("metadata");
    ArrayNode items = doc.putArray("items");
    for (ServedGroup group : groups) {
      if (group.versions().stream().anyMatch(v -> !v.resources().isEmpty())) {
        items.add(group(group));
      }
    }
    return doc;
  }

  private static ObjectNode group(ServedGroup group) {
    ObjectNode item = Json.object();
    ObjectNode metadata = item.putObject("metadata");
    if (!group.name().isEmpty()) {
      metadata.put("name", group.name());
    }
    ArrayNode versions = item.putArray("versions");
    for (ServedGroup.ServedVersion v : group.versions()) {
      if (v.resources().isEmpty()) {
        continue; // an aggregated version whose backend has not answered discovery yet
      }
      ObjectNode version = versions.addObject().put("version", v.version());
      ArrayNode resources = version.putArray("resources");
      v.resources().forEach(r -> resources.add(resource(r)));
      version.put("freshness", "Current");
    }
    return item;
  }

  private static ObjectNode resource(ServedResource r) {
    ObjectNode node = Json.object().put("resource", r.plural());
    node.set("responseKind", gvk(r.group(), r.version(), r.kind()));
    node.put("scope", r.namespaced() ? "Namespaced" : "Cluster").put("singularResource", r.singular());
    DiscoveryDocuments.strings(node, "verbs", r.verbs());
    if (!r.shortNames().isEmpty()) {
      DiscoveryDocuments.strings(node, "shortNames", r.shortNames());
    }
    if (!r.categories().isEmpty()) {
      DiscoveryDocuments.strings(node, "categories", r.categories());
    }
    if (!r.subresources().isEmpty()) {
      ArrayNode subresources = node.putArray("subresources");
      for (SubresourceInfo s : r.subresources()) {
        ObjectNode sub = subresources.addObject().put("subresource", s.name());
        sub.set("responseKind", gvk(s.group(), s.version(), s.kind()));
        DiscoveryDocuments.strings(sub, "verbs", s.verbs());
      }
    }
    return node;
  }

  private static ObjectNode gvk(String group, String version, String kind) {
    return Json.object().put("group", group).put("version", version).put("kind", kind);
  }
}
