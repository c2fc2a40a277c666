package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;
import java.util.function.BiFunction;

/**
 * kube's ServiceAccount admission for a new pod (after {@code serviceAccountName} defaulted to
 * {@code default}): unless the pod — or, when the pod does not say, its ServiceAccount — sets
 * {@code automountServiceAccountToken: false}, a projected volume {@code kube-api-access-<5 random>}
 * (a service account token of 3607 s at {@code token}, {@code ca.crt} from the
 * {@code kube-root-ca.crt} ConfigMap, the namespace from the downward API) is mounted read-only at
 * {@code /var/run/secrets/kubernetes.io/serviceaccount} in every init and app container that has no
 * mount there yet. Mirror pods are left alone. Unlike kube, a ServiceAccount that does not exist
 * (yet) does not refuse the pod: the writer cannot look one up live, and the serviceaccount
 * controller creates {@code default} moments after its namespace. Pure but for the random name;
 * thread-safe.
 */
final class ServiceAccountAdmission {

  static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  static final String VOLUME_PREFIX = "kube-api-access-";
  static final int TOKEN_SECONDS = 3607;
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The ServiceAccounts the writer can see ({@code namespace, name → object or null}); null = none. */
  static volatile BiFunction<String, String, JsonNode> accounts;

  private ServiceAccountAdmission() {
  }

  /** Adds the token volume and mounts to a new pod's spec, when they are due. */
  static void mountToken(ObjectNode pod) {
    if (pod.path("metadata").path("annotations").has("kubernetes.io/config.mirror")) {
      return;
    }
    ObjectNode spec = (ObjectNode) pod.get("spec");
    if (!automount(spec, account(pod.path("metadata").path("namespace").asText(""),
        Nodes.text(spec, "serviceAccountName")))) {
      return;
    }
    String volumeName = null;
    for (JsonNode v : spec.path("volumes")) {
      if (v.path("name").asText("").startsWith(VOLUME_PREFIX)) {
        volumeName = v.path("name").asText();
        break;
      }
    }
    boolean hasVolume = volumeName != null;
    String name = hasVolume ? volumeName : VOLUME_PREFIX + randomSuffix();
    boolean needed = mount(spec, "initContainers", name) | mount(spec, "containers", name);
    if (!hasVolume && needed) {
      ArrayNode volumes = spec.get("volumes") instanceof ArrayNode a ? a : spec.putArray("volumes");
      volumes.add(volume(name));
    }
  }

  /**
   * On an update whose spec left out the token volume the stored pod has (a PUT of the manifest as
   * written), keeps the volume and its mounts, so that the update is judged on what the client
   * meant to change. kube refuses such a PUT; dekube is lenient here as for serviceAccountName.
   */
  static void keepToken(ObjectNode pod, JsonNode old) {
    String name = null;
    JsonNode volume = null;
    for (JsonNode v : old.path("spec").path("volumes")) {
      if (v.path("name").asText("").startsWith(VOLUME_PREFIX)) {
        name = v.path("name").asText();
        volume = v;
      }
    }
    ObjectNode spec = pod.get("spec") instanceof ObjectNode o ? o : null;
    if (name == null || spec == null) {
      return;
    }
    for (JsonNode v : spec.path("volumes")) {
      if (name.equals(v.path("name").asText())) {
        return;
      }
    }
    ArrayNode volumes = spec.get("volumes") instanceof ArrayNode a ? a : spec.putArray("volumes");
    volumes.add(volume.deepCopy());
    for (String list : new String[] {"initContainers", "containers"}) {
      for (ObjectNode c : Nodes.objects(spec, list)) {
        for (JsonNode oc : old.path("spec").path(list)) {
          if (oc.path("name").asText().equals(c.path("name").asText())) {
            restoreMount(c, oc, name);
          }
        }
      }
    }
  }

  private static void restoreMount(ObjectNode c, JsonNode oldContainer, String volumeName) {
    for (JsonNode m : oldContainer.path("volumeMounts")) {
      if (volumeName.equals(m.path("name").asText())) {
        ArrayNode mounts = c.get("volumeMounts") instanceof ArrayNode a ? a : c.putArray("volumeMounts");
        mounts.add(m.deepCopy());
      }
    }
  }

  private static JsonNode account(String namespace, String name) {
    BiFunction<String, String, JsonNode> lookup = accounts;
    return lookup == null ? null : lookup.apply(namespace, name);
  }

  /** kube's rule: the pod's setting wins, then the ServiceAccount's, else mount. */
  static boolean automount(JsonNode spec, JsonNode account) {
    JsonNode podSays = spec.path("automountServiceAccountToken");
    if (podSays.isBoolean()) {
      return podSays.asBoolean();
    }
    JsonNode accountSays = account == null ? null : account.path("automountServiceAccountToken");
    return accountSays == null || !accountSays.isBoolean() || accountSays.asBoolean();
  }

  /** Mounts the volume in each container of the list that has nothing at the mount path; whether one got it. */
  private static boolean mount(ObjectNode spec, String list, String volumeName) {
    boolean any = false;
    for (ObjectNode c : Nodes.objects(spec, list)) {
      boolean taken = false;
      for (JsonNode m : c.path("volumeMounts")) {
        taken |= MOUNT_PATH.equals(m.path("mountPath").asText());
      }
      if (!taken) {
        ArrayNode mounts = c.get("volumeMounts") instanceof ArrayNode a ? a : c.putArray("volumeMounts");
        mounts.addObject().put("name", volumeName).put("readOnly", true).put("mountPath", MOUNT_PATH);
        any = true;
      }
    }
    return any;
  }

  /** The projected volume kube's admission adds. */
  static ObjectNode volume(String name) {
    ObjectNode v = io.dekube.core.model.Json.object().put("name", name);
    ObjectNode projected = v.putObject("projected");
    ArrayNode sources = projected.putArray("sources");
    sources.addObject().putObject("serviceAccountToken").put("expirationSeconds", TOKEN_SECONDS).put("path", "token");
    ObjectNode cm = sources.addObject().putObject("configMap").put("name", "kube-root-ca.crt");
    cm.putArray("items").addObject().put("key", "ca.crt").put("path", "ca.crt");
    sources.addObject().putObject("downwardAPI").putArray("items").addObject().put("path", "namespace")
        .putObject("fieldRef").put("apiVersion", "v1").put("fieldPath", "metadata.namespace");
    projected.put("defaultMode", 420);
    return v;
  }

  private static String randomSuffix() {
    StringBuilder b = new StringBuilder(5);
    for (int i = 0; i < 5; i++) {
      b.append(ALPHABET.charAt(RANDOM.nextInt(ALPHABET.length())));
    }
    return b.toString();
  }
}
