package io.dekube.apiserver.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.discovery.KubeVersionOrder;
import io.dekube.apiserver.discovery.ServedGroup;
import io.dekube.apiserver.discovery.ServedResource;
import io.dekube.apiserver.discovery.SubresourceInfo;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The groups of the non-local APIServices as discovery lists them: ordered by
 * {@code groupPriorityMinimum} (highest first, then by name), each group's versions by
 * {@code versionPriority} (highest first, then kube's version order), each version with the resources
 * its backend's {@code APIResourceList} named at the last discovery check (none before one passed).
 * Pure.
 */
public final class AggregatedGroups {

  private AggregatedGroups() {
  }

  /**
   * @param apiServices the non-local APIServices
   * @param resources   the fetched {@code APIResourceList} of each APIService by name (absent when
   *                    none yet)
   */
  public static List<ServedGroup> of(Collection<? extends JsonNode> apiServices, Map<String, JsonNode> resources) {
    List<JsonNode> sorted = new ArrayList<>(apiServices);
    sorted.sort(Comparator.comparingLong((JsonNode a) -> -a.path("spec").path("groupPriorityMinimum").asLong())
        .thenComparing(a -> a.path("spec").path("group").asText())
        .thenComparingLong(a -> -a.path("spec").path("versionPriority").asLong())
        .thenComparing((a, b) -> KubeVersionOrder.INSTANCE.compare(a.path("spec").path("version").asText(),
            b.path("spec").path("version").asText())));
    Map<String, List<ServedGroup.ServedVersion>> groups = new LinkedHashMap<>();
    for (JsonNode a : sorted) {
      String group = a.path("spec").path("group").asText();
      String version = a.path("spec").path("version").asText();
      JsonNode list = resources.get(a.path("metadata").path("name").asText());
      groups.computeIfAbsent(group, g -> new ArrayList<>())
          .add(new ServedGroup.ServedVersion(version, list == null ? List.of() : resources(group, version, list)));
    }
    List<ServedGroup> out = new ArrayList<>();
    groups.forEach((name, versions) -> out.add(new ServedGroup(name, List.copyOf(versions))));
    return out;
  }

  /** The resources of an {@code APIResourceList}, with {@code x/y} entries as subresources of {@code x}. */
  static List<ServedResource> resources(String group, String version, JsonNode list) {
    Map<String, JsonNode> top = new LinkedHashMap<>();
    Map<String, List<SubresourceInfo>> subs = new LinkedHashMap<>();
    for (JsonNode r : list.path("resources")) {
      String name = r.path("name").asText("");
      int slash = name.indexOf('/');
      if (slash < 0) {
        top.put(name, r);
      } else {
        subs.computeIfAbsent(name.substring(0, slash), k -> new ArrayList<>()).add(new SubresourceInfo(
            name.substring(slash + 1), strings(r.path("verbs")), r.path("group").asText(group),
            r.path("version").asText(version), r.path("kind").asText("")));
      }
    }
    List<ServedResource> out = new ArrayList<>();
    top.forEach((name, r) -> out.add(new ServedResource(group, version, name, r.path("singularName").asText(""),
        r.path("kind").asText(""), r.path("namespaced").asBoolean(false), strings(r.path("verbs")),
        strings(r.path("shortNames")), strings(r.path("categories")), r.path("storageVersionHash").asText(""),
        subs.getOrDefault(name, List.of()))));
    return out;
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(v -> out.add(v.asText()));
    return out;
  }
}
