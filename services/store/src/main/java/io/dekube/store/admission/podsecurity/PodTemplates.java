package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.ResourceType;
import java.util.Map;

/**
 * Where the pod spec of a pod or of a workload resource is: the kinds kube's PodSecurity admission
 * checks (pods, and the pod templates of ReplicationControllers, PodTemplates, ReplicaSets,
 * Deployments, StatefulSets, DaemonSets, Jobs and CronJobs). Pure.
 */
public final class PodTemplates {

  /** The metadata and spec to evaluate (either may be a missing node). */
  public record Template(JsonNode metadata, JsonNode spec) {
  }

  /** group/plural → the path of the pod template in the object ("" for a pod itself). */
  private static final Map<String, String[]> PATHS = Map.of(
      "/pods", new String[0],
      "/replicationcontrollers", new String[] {"spec", "template"},
      "/podtemplates", new String[] {"template"},
      "apps/replicasets", new String[] {"spec", "template"},
      "apps/deployments", new String[] {"spec", "template"},
      "apps/statefulsets", new String[] {"spec", "template"},
      "apps/daemonsets", new String[] {"spec", "template"},
      "batch/jobs", new String[] {"spec", "template"},
      "batch/cronjobs", new String[] {"spec", "jobTemplate", "spec", "template"});

  private PodTemplates() {
  }

  /** Whether objects of {@code type} carry a pod spec PodSecurity looks at. */
  public static boolean hasPodSpec(ResourceType type) {
    return PATHS.containsKey(type.group() + "/" + type.plural());
  }

  /** Whether {@code type} is the core Pod. */
  public static boolean isPod(ResourceType type) {
    return type.group().isEmpty() && type.plural().equals("pods");
  }

  /** The pod spec of {@code obj} and the metadata beside it; null when the kind has none or the object lacks it. */
  public static Template of(ResourceType type, JsonNode obj) {
    String[] path = PATHS.get(type.group() + "/" + type.plural());
    if (path == null || obj == null) {
      return null;
    }
    JsonNode at = obj;
    for (String p : path) {
      at = at.path(p);
    }
    if (!at.isObject()) {
      return null;
    }
    return new Template(at.path("metadata"), at.path("spec"));
  }
}
