package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;

/**
 * The Secrets a pod refers to, as the ServiceAccount admission judges them: with the account's
 * {@code kubernetes.io/enforce-mountable-secrets} annotation true, a secret volume, an env or envFrom
 * of an (init) container and an image pull secret must each name a Secret the account lists (its
 * {@code secrets}, or {@code imagePullSecrets} for the pull secrets), else the pod is refused with
 * kube's reason (so must an ephemeral container's env and envFrom, when one is added); and a mirror pod
 * may refer to no Secret at all. Pure.
 */
final class MountableSecrets {

  static final String ENFORCE_ANNOTATION = "kubernetes.io/enforce-mountable-secrets";
  /** Go's strconv.ParseBool spellings of true, as kube reads the annotation. */
  private static final Set<String> TRUE = Set.of("1", "t", "T", "TRUE", "true", "True");

  private MountableSecrets() {
  }

  /** Whether the account asks for its secrets to be enforced. */
  static boolean enforced(JsonNode account) {
    JsonNode value = account.path("metadata").path("annotations").get(ENFORCE_ANNOTATION);
    return value != null && TRUE.contains(value.asText());
  }

  /** Why {@code spec} may not run as {@code account}, or null when every Secret it names is the account's. */
  static String violation(JsonNode account, JsonNode spec) {
    String sa = account.path("metadata").path("name").asText();
    Set<String> mountable = names(account.path("secrets"));
    for (JsonNode v : spec.path("volumes")) {
      JsonNode secret = v.path("secret");
      if (secret.isObject() && !mountable.contains(secret.path("secretName").asText(""))) {
        return "volume with secret.secretName=\"" + secret.path("secretName").asText("") + "\" is not allowed because"
            + " service account " + sa + " does not reference that secret";
      }
    }
    for (String[] list : new String[][] {{"initContainers", "init container "}, {"containers", "container "}}) {
      for (JsonNode c : spec.path(list[0])) {
        String why = containerViolation(list[1] + c.path("name").asText(), c, mountable, sa);
        if (why != null) {
          return why;
        }
      }
    }
    Set<String> pullable = names(account.path("imagePullSecrets"));
    int i = 0;
    for (JsonNode ref : spec.path("imagePullSecrets")) {
      String name = ref.path("name").asText("");
      if (!pullable.contains(name)) {
        return "imagePullSecrets[" + i + "].name=\"" + name + "\" is not allowed because service account " + sa
            + " does not reference that imagePullSecret";
      }
      i++;
    }
    return null;
  }

  /** Why the ephemeral containers of {@code spec} may not run as {@code account}, or null. */
  static String ephemeralViolation(JsonNode account, JsonNode spec) {
    String sa = account.path("metadata").path("name").asText();
    Set<String> mountable = names(account.path("secrets"));
    for (JsonNode c : spec.path("ephemeralContainers")) {
      String why = containerViolation("ephemeral container " + c.path("name").asText(), c, mountable, sa);
      if (why != null) {
        return why;
      }
    }
    return null;
  }

  private static String containerViolation(String container, JsonNode c, Set<String> mountable, String sa) {
    for (JsonNode env : c.path("env")) {
      JsonNode ref = env.path("valueFrom").path("secretKeyRef");
      if (ref.isObject() && !mountable.contains(ref.path("name").asText(""))) {
        return container + " with envVar " + env.path("name").asText() + " referencing secret.secretName=\""
            + ref.path("name").asText("") + "\" is not allowed because service account " + sa
            + " does not reference that secret";
      }
    }
    for (JsonNode from : c.path("envFrom")) {
      JsonNode ref = from.path("secretRef");
      if (ref.isObject() && !mountable.contains(ref.path("name").asText(""))) {
        return container + " with envFrom referencing secret.secretName=\"" + ref.path("name").asText("")
            + "\" is not allowed because service account " + sa + " does not reference that secret";
      }
    }
    return null;
  }

  /** Whether the spec names any Secret (kube's VisitPodSecretNames finds one): mirror pods may not. */
  static boolean anyReferenced(JsonNode spec) {
    if (!spec.path("imagePullSecrets").isEmpty()) {
      return true;
    }
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (JsonNode c : spec.path(list)) {
        for (JsonNode env : c.path("env")) {
          if (env.path("valueFrom").path("secretKeyRef").isObject()) {
            return true;
          }
        }
        for (JsonNode from : c.path("envFrom")) {
          if (from.path("secretRef").isObject()) {
            return true;
          }
        }
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      if (v.path("secret").isObject() || v.path("azureFile").path("secretName").isTextual()
          || v.path("csi").path("nodePublishSecretRef").isObject()) {
        return true;
      }
      for (JsonNode source : v) {
        if (source.path("secretRef").isObject()) { // cephfs, cinder, flexVolume, iscsi, rbd, scaleIO, storageos
          return true;
        }
      }
      for (JsonNode projection : v.path("projected").path("sources")) {
        if (projection.path("secret").isObject()) {
          return true;
        }
      }
    }
    return false;
  }

  private static Set<String> names(JsonNode refs) {
    Set<String> names = new HashSet<>();
    for (JsonNode r : refs) {
      names.add(r.path("name").asText(""));
    }
    return names;
  }
}
