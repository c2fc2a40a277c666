package io.dekube.store.admission.podsecurity;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Objects;

/**
 * Which pod updates PodSecurity evaluates: those that change what a pod update may change and the
 * policy looks at — an image, the number of containers or init containers, an ephemeral container added
 * or changed, the seccomp annotations. Labels, status, deletion and the like are not. Pure.
 */
final class PodUpdates {

  private static final String SECCOMP_POD = "seccomp.security.alpha.kubernetes.io/pod";
  private static final String SECCOMP_CONTAINER = "container.seccomp.security.alpha.kubernetes.io/";

  private PodUpdates() {
  }

  static boolean significant(JsonNode pod, JsonNode old) {
    JsonNode a = pod.path("metadata").path("annotations");
    JsonNode oa = old.path("metadata").path("annotations");
    if (!Objects.equals(a.path(SECCOMP_POD).asText(null), oa.path(SECCOMP_POD).asText(null))) {
      return true;
    }
    for (String list : new String[] {"containers", "initContainers"}) {
      JsonNode now = pod.path("spec").path(list);
      JsonNode before = old.path("spec").path(list);
      if (now.size() != before.size()) {
        return true;
      }
      for (int i = 0; i < now.size(); i++) {
        if (changed(now.get(i), before.get(i), a, oa)) {
          return true;
        }
      }
    }
    for (JsonNode c : pod.path("spec").path("ephemeralContainers")) {
      JsonNode was = null;
      for (JsonNode o : old.path("spec").path("ephemeralContainers")) {
        if (o.path("name").asText("").equals(c.path("name").asText(""))) {
          was = o;
          break;
        }
      }
      if (was == null || changed(c, was, a, oa)) {
        return true;
      }
    }
    return false;
  }

  private static boolean changed(JsonNode c, JsonNode old, JsonNode annotations, JsonNode oldAnnotations) {
    if (!c.path("image").asText("").equals(old.path("image").asText(""))) {
      return true;
    }
    String key = SECCOMP_CONTAINER + c.path("name").asText("");
    return !Objects.equals(annotations.path(key).asText(null), oldAnnotations.path(key).asText(null));
  }
}
