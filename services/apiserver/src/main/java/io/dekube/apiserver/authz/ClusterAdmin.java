package io.dekube.apiserver.authz;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/** The two rules of {@code cluster-admin}: everything on every resource, and every non-resource URL. */
final class ClusterAdmin {

  static final ObjectNode RULE_ALL_RESOURCES = rule("apiGroups", "resources");
  static final ObjectNode RULE_ALL_URLS = rule("nonResourceURLs");

  private ClusterAdmin() {
  }

  private static ObjectNode rule(String... wildcarded) {
    ObjectNode r = Json.object();
    r.putArray("verbs").add("*");
    for (String f : wildcarded) {
      r.putArray(f).add("*");
    }
    return r;
  }
}
