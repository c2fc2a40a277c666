package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.SecureRandom;

/**
 * kube's ServiceAccount admission of a new pod. A mirror pod keeps its spec but may name no
 * ServiceAccount, no Secret and no token projection (403). Any other pod gets {@code serviceAccountName:
 * default} when it names none and must name an account that exists in its namespace, else 403
 * {@code pods "x" is forbidden: error looking up service account ns/name: serviceaccount "name" not
 * found}: the account is looked up in the cache of the {@link ServiceAccountView}, and after a miss in
 * the store itself, as kube's plugin asks the API after a miss of its lister (the apiserver has waited
 * for a new namespace's {@code default} account already, as kube's plugin does). With the account's
 * {@code kubernetes.io/enforce-mountable-secrets} annotation the pod may only use the Secrets the account
 * lists ({@link MountableSecrets}). Unless the pod — or, when the pod does not say, its account — sets
 * {@code automountServiceAccountToken: false}, a projected volume {@code kube-api-access-<5 random>} (a
 * service account token of 3607 s at {@code token}, {@code ca.crt} from the {@code kube-root-ca.crt}
 * ConfigMap, the namespace from the downward API) is mounted read-only at
 * {@code /var/run/secrets/kubernetes.io/serviceaccount} in every init and app container that has no
 * mount there yet; a pod without {@code imagePullSecrets} gets the account's. An update of the
 * {@code ephemeralcontainers} subresource is held to the same account and secrets
 * ({@link #admitEphemeralContainers}). Without a view (a writer
 * started without the store's informers) accounts are not looked up and only the pod's own settings
 * count. Pure but for the random name and the view; thread-safe.
 */
final class ServiceAccountAdmission {

  static final String MOUNT_PATH = "/var/run/secrets/kubernetes.io/serviceaccount";
  static final String VOLUME_PREFIX = "kube-api-access-";
  static final int TOKEN_SECONDS = 3607;
  static final String MIRROR_ANNOTATION = "kubernetes.io/config.mirror";
  private static final String ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
  private static final SecureRandom RANDOM = new SecureRandom();

  /** The ServiceAccounts the writer can see; null = none. */
  static volatile ServiceAccountView accounts;

  private ServiceAccountAdmission() {
  }

  /** Admits a new pod as kube's plugin does: defaults, refusals, the token volume, the pull secrets. */
  static void admitCreate(ObjectNode pod) {
    ObjectNode spec = Nodes.obj(pod, "spec");
    if (pod.path("metadata").path("annotations").has(MIRROR_ANNOTATION)) {
      String why = mirrorViolation(spec);
      why = why != null ? why : nodeViolation(spec);
      if (why != null) {
        throw PriorityAdmission.forbidden("", "pods", pod, why);
      }
      return;
    }
    defaultName(spec);
    ServiceAccountView view = accounts;
    JsonNode account = view == null ? null : existing(view, pod, Nodes.text(spec, "serviceAccountName"));
    if (account != null && MountableSecrets.enforced(account)) {
      String why = MountableSecrets.violation(account, spec);
      if (why != null) {
        throw PriorityAdmission.forbidden("", "pods", pod, why);
      }
    }
    mountToken(spec, account);
    if (account != null && spec.path("imagePullSecrets").isEmpty() && !account.path("imagePullSecrets").isEmpty()) {
      ArrayNode pullSecrets = spec.putArray("imagePullSecrets");
      for (JsonNode ref : account.path("imagePullSecrets")) {
        pullSecrets.addObject().put("name", ref.path("name").asText(""));
      }
    }
  }

  /** The account a new pod runs as: {@code default} unless it names one (also by the deprecated field). */
  static void defaultName(ObjectNode spec) {
    Nodes.defaultText(spec, "serviceAccountName", Nodes.text(spec, "serviceAccount").isEmpty()
        ? "default" : Nodes.text(spec, "serviceAccount"));
    spec.put("serviceAccount", Nodes.text(spec, "serviceAccountName"));
  }

  /**
   * kube's check of a {@code pods/ephemeralcontainers} update: the pod must name an account that exists,
   * and with the account's {@code kubernetes.io/enforce-mountable-secrets} its ephemeral containers may only
   * use the account's Secrets (403 otherwise). Without a view nothing is looked up.
   */
  static void admitEphemeralContainers(ObjectNode pod) {
    ServiceAccountView view = accounts;
    if (view == null) {
      return;
    }
    JsonNode spec = pod.path("spec");
    String name = Nodes.text(spec, "serviceAccountName");
    if (name.isEmpty()) {
      throw PriorityAdmission.forbidden("", "pods", pod, "no service account specified for pod "
          + pod.path("metadata").path("namespace").asText("") + "/" + pod.path("metadata").path("name").asText(""));
    }
    JsonNode account = existing(view, pod, name);
    String why = MountableSecrets.enforced(account) ? MountableSecrets.ephemeralViolation(account, spec) : null;
    if (why != null) {
      throw PriorityAdmission.forbidden("", "pods", pod, why);
    }
  }

  /** The account the pod names: the cached one, else the store's; 403 when there is none. */
  private static JsonNode existing(ServiceAccountView view, ObjectNode pod, String name) {
    String namespace = pod.path("metadata").path("namespace").asText("");
    JsonNode account = view.cached(namespace, name);
    String failure = "serviceaccount \"" + name + "\" not found";
    if (account == null) {
      try {
        account = view.current(namespace, name);
      } catch (RuntimeException e) {
        failure = e.getMessage();
      }
    }
    if (account == null) {
      throw PriorityAdmission.forbidden("", "pods", pod, "error looking up service account " + namespace + "/" + name
          + ": " + failure);
    }
    return account;
  }

  /** kube's limits on mirror pods, which the kubelet makes from files and keeps as they are. */
  private static String mirrorViolation(JsonNode spec) {
    if (!Nodes.text(spec, "serviceAccountName").isEmpty() || !Nodes.text(spec, "serviceAccount").isEmpty()) {
      return "a mirror pod may not reference service accounts";
    }
    if (MountableSecrets.anyReferenced(spec)) {
      return "a mirror pod may not reference secrets";
    }
    for (JsonNode v : spec.path("volumes")) {
      for (JsonNode source : v.path("projected").path("sources")) {
        if (source.has("serviceAccountToken")) {
          return "a mirror pod may not use ServiceAccountToken volume projections";
        }
      }
    }
    return null;
  }

  /**
   * kube's NodeRestriction, which a kubelet's mirror pod passes after the ServiceAccount plugin: it may not name
   * ConfigMaps nor PersistentVolumeClaims either ({@code node "n" can not create pods that reference configmaps}).
   * Decision: only kubelets make mirror pods, so every mirror pod is held to it, the node being its nodeName.
   */
  private static String nodeViolation(JsonNode spec) {
    String node = "node \"" + Nodes.text(spec, "nodeName") + "\" can not create pods that reference ";
    boolean configMaps = false;
    for (String list : new String[] {"initContainers", "containers", "ephemeralContainers"}) {
      for (JsonNode c : spec.path(list)) {
        for (JsonNode from : c.path("envFrom")) {
          configMaps |= from.has("configMapRef");
        }
        for (JsonNode env : c.path("env")) {
          configMaps |= env.path("valueFrom").has("configMapKeyRef");
        }
      }
    }
    for (JsonNode v : spec.path("volumes")) {
      configMaps |= v.has("configMap");
      for (JsonNode source : v.path("projected").path("sources")) {
        configMaps |= source.has("configMap");
      }
    }
    if (configMaps) {
      return node + "configmaps";
    }
    for (JsonNode v : spec.path("volumes")) {
      if (v.has("persistentVolumeClaim")) {
        return node + "persistentvolumeclaims";
      }
    }
    return null;
  }

  /** Adds the token volume and mounts to a new pod's spec, when they are due. */
  private static void mountToken(ObjectNode spec, JsonNode account) {
    if (!automount(spec, account)) {
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
   * meant to change. kube refuses such a PUT; dekube is lenient here.
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
