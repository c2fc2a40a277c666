package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/** The wording and walking helpers the checks share. Pure. */
final class Words {

  private Words() {
  }

  /** {@code singular} for one, else {@code plural}. */
  static String plural(String singular, String plural, int count) {
    return count == 1 ? singular : plural;
  }

  /** {@code "a", "b"} (values in quotes, as they are: no escaping). */
  static String quoted(Collection<String> items) {
    return items.isEmpty() ? "" : "\"" + String.join("\", \"", items) + "\"";
  }

  /** {@code container "a"} or {@code containers "a", "b"}. */
  static String containers(List<String> names) {
    return plural("container", "containers", names.size()) + " " + quoted(names);
  }

  /** Init containers, containers, then ephemeral containers: the order kube visits them in. */
  static List<JsonNode> allContainers(JsonNode spec) {
    List<JsonNode> all = new ArrayList<>();
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      spec.path(list).forEach(all::add);
    }
    return all;
  }

  static String name(JsonNode container) {
    return container.path("name").asText("");
  }

  /** The field of a container's securityContext (missing when not set). */
  static JsonNode security(JsonNode container, String field) {
    return container.path("securityContext").path(field);
  }

  /** Whether a field is set to JSON true. */
  static boolean isTrue(JsonNode n) {
    return n.isBoolean() && n.booleanValue();
  }

  /** Whether a field is set (not missing, not null). */
  static boolean set(JsonNode n) {
    return !n.isMissingNode() && !n.isNull();
  }
}
