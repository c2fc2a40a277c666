package io.dekube.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.List;

/**
 * The legacy (unaggregated) discovery documents, shaped as kube-apiserver writes them:
 * {@code APIVersions} for {@code /api}, {@code APIGroupList} for {@code /apis}, {@code APIGroup}
 * for {@code /apis/<group>} and {@code APIResourceList} for {@code /api/v1} and
 * {@code /apis/<group>/<version>}, with subresources as {@code pods/status}-style entries. Pure.
 */
public final class DiscoveryDocuments {

  private DiscoveryDocuments() {
  }

  /** {@code /api}: the core versions and the address clients reach the server at. */
  public static ObjectNode apiVersions(ApiCatalog catalog, String serverAddress) {
    ObjectNode doc = Json.object().put("kind", "APIVersions");
    ArrayNode versions = doc.putArray("versions");
    catalog.core().versions().forEach(v -> versions.add(v.version()));
    doc.putArray("serverAddressByClientCIDRs").addObject().put("clientCIDR", "0.0.0.0/0")
        .put("serverAddress", serverAddress);
    return doc;
  }

  /** {@code /apis}: every named group with its versions and preferred version. */
  public static ObjectNode apiGroupList(ApiCatalog catalog) {
    ObjectNode doc = Json.object().put("kind", "APIGroupList").put("apiVersion", "v1");
    ArrayNode groups = doc.putArray("groups");
    catalog.groups().forEach(g -> groups.add(groupBody(g)));
    return doc;
  }

  /** {@code /apis/<group>}. */
  public static ObjectNode apiGroup(ServedGroup group) {
    ObjectNode doc = Json.object().put("kind", "APIGroup").put("apiVersion", "v1");
    doc.setAll(groupBody(group));
    return doc;
  }

  /** {@code /api/v1} or {@code /apis/<group>/<version>}: resources, then their subresources. */
  public static ObjectNode apiResourceList(ServedGroup group, ServedGroup.ServedVersion version) {
    ObjectNode doc = Json.object().put("kind", "APIResourceList");
    if (!group.name().isEmpty()) {
      doc.put("apiVersion", "v1");
    }
    doc.put("groupVersion", group.groupVersion(version.version()));
    ArrayNode resources = doc.putArray("resources");
    for (ServedResource r : version.resources()) {
      resources.add(resource(r));
      for (SubresourceInfo s : r.subresources()) {
        resources.add(subresource(r, s));
      }
    }
    return doc;
  }

  private static ObjectNode groupBody(ServedGroup group) {
    ObjectNode body = Json.object().put("name", group.name());
    ArrayNode versions = body.putArray("versions");
    group.versions().forEach(v -> versions.add(groupVersion(group, v.version())));
    body.set("preferredVersion", groupVersion(group, group.preferred().version()));
    return body;
  }

  private static ObjectNode groupVersion(ServedGroup group, String version) {
    return Json.object().put("groupVersion", group.groupVersion(version)).put("version", version);
  }

  private static ObjectNode resource(ServedResource r) {
    ObjectNode node = Json.object().put("name", r.plural()).put("singularName", r.singular())
        .put("namespaced", r.namespaced()).put("kind", r.kind());
    strings(node, "verbs", r.verbs());
    if (!r.shortNames().isEmpty()) {
      strings(node, "shortNames", r.shortNames());
    }
    if (!r.categories().isEmpty()) {
      strings(node, "categories", r.categories());
    }
    if (!r.storageVersionHash().isEmpty()) {
      node.put("storageVersionHash", r.storageVersionHash()); // aggregated servers may send none
    }
    return node;
  }

  private static ObjectNode subresource(ServedResource parent, SubresourceInfo s) {
    ObjectNode node = Json.object().put("name", parent.plural() + "/" + s.name()).put("singularName", "")
        .put("namespaced", parent.namespaced());
    if (!s.group().equals(parent.group()) || !s.version().equals(parent.version())) {
      node.put("group", s.group()).put("version", s.version());
    }
    node.put("kind", s.kind());
    strings(node, "verbs", s.verbs());
    return node;
  }

  static void strings(ObjectNode node, String field, List<String> values) {
    ArrayNode array = node.putArray(field);
    values.forEach(array::add);
  }
}
