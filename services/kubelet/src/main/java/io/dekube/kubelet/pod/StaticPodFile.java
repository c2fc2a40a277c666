package io.dekube.kubelet.pod;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * One static pod manifest as kube's kubelet reads it from its {@code staticPodPath} ({@code pkg/kubelet/config}
 * {@code file.go}, {@code common.go}): one Pod in YAML or JSON, given kube's defaults for a file source — the name
 * {@code <name>-<node name>}, namespace {@code default} when it has none, {@code spec.nodeName} the node, a uid that
 * is an MD5 hash of the pod, the node and the file (kept in the {@code kubernetes.io/config.hash} annotation, also
 * the mirror pod's {@code kubernetes.io/config.mirror}), {@code kubernetes.io/config.source: file},
 * {@code kubernetes.io/config.seen} and a toleration of every NoExecute taint. Decision: kube hashes its internal Go
 * object; dekube hashes the manifest's JSON form, so the hash changes exactly when the manifest's content (not its
 * layout or comments) changes, as kube's does. Pure.
 */
public final class StaticPodFile {

  public static final String HASH = "kubernetes.io/config.hash";
  public static final String MIRROR = "kubernetes.io/config.mirror";
  public static final String SOURCE = "kubernetes.io/config.source";
  public static final String SEEN = "kubernetes.io/config.seen";

  /** The pod of a file, or why it is none (kube's error text, without the file's name). */
  public record Decoded(ObjectNode pod, String error) {
  }

  private StaticPodFile() {
  }

  /** Whether {@code pod} came from a file or a URL (a static pod, not its mirror). */
  public static boolean isStatic(JsonNode pod) {
    JsonNode a = pod.path("metadata").path("annotations");
    String source = a.path(SOURCE).asText("");
    return (source.equals("file") || source.equals("http")) && !a.has(MIRROR);
  }

  /**
   * What the web source made of one answer: its pods (null: no update, the pods of the last good answer stay) and
   * kube's error (null: none).
   */
  public record UrlDecoded(List<ObjectNode> pods, String error) {
  }

  /**
   * The pods of {@code data}, fetched from {@code url} by {@code node}'s kubelet at {@code seen}, as kube's web source
   * ({@code config/http.go}) reads them: one Pod, else a PodList's items, YAML or JSON, with kube's defaults for a URL
   * source — as a file's, but the uid hashes the pod and {@code url:<url>}, {@code kubernetes.io/config.source: http}
   * and no NoExecute toleration. An empty answer is no pods (and kube's {@code zero-length data} error); a pod or list
   * that parses but is invalid, or an answer that is neither, changes nothing. Decision: where kube prints the Go
   * object it could not use ({@code %#v}), dekube names its kind.
   */
  public static UrlDecoded decodeUrl(byte[] data, String url, String node, Instant seen) {
    if (data.length == 0) {
      return new UrlDecoded(List.of(), "zero-length data received from " + url);
    }
    String text = new String(data, StandardCharsets.UTF_8);
    JsonNode parsed;
    try {
      parsed = text.stripLeading().startsWith("{") ? Json.MAPPER.readTree(text) : Json.YAML.readTree(text);
    } catch (JacksonException e) {
      String why = yamlError(e);
      return new UrlDecoded(null, neither(url, text, why, why));
    }
    String kind = parsed instanceof ObjectNode o ? o.path("kind").asText("") : "";
    String apiVersion = parsed instanceof ObjectNode o ? o.path("apiVersion").asText("") : "";
    if (kind.isEmpty()) {
      String why = "Object 'Kind' is missing in '" + compact(parsed) + "'";
      return new UrlDecoded(null, neither(url, text, why, why));
    }
    if ("v1".equals(apiVersion) && CORE_KINDS.contains(kind)) {
      return new UrlDecoded(null, neither(url, text, "invalid pod: &core." + kind + "{…}",
          "invalid pods list: &core." + kind + "{…}"));
    }
    if (!"v1".equals(apiVersion) || !kind.equals("Pod") && !kind.equals("PodList")) {
      String why = "no kind \"" + kind + "\" is registered for version \"" + apiVersion
          + "\" in scheme \"pkg/api/legacyscheme/scheme.go:30\"";
      return new UrlDecoded(null, neither(url, text, why, why));
    }
    List<ObjectNode> pods = new ArrayList<>();
    if (kind.equals("Pod")) {
      pods.add((ObjectNode) parsed);
    } else {
      for (JsonNode item : parsed.path("items")) {
        if (item instanceof ObjectNode o) {
          pods.add(o);
        }
      }
    }
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode pod : pods) {
      if (pod.path("metadata").path("name").asText("").isEmpty()) {
        return new UrlDecoded(null, "invalid pod: name is needed for the pod");
      }
      pod.put("apiVersion", "v1").put("kind", "Pod");
      String invalid = invalid(pod);
      if (invalid != null) {
        return new UrlDecoded(null, "invalid pod: [" + invalid + "]");
      }
      out.add(withDefaults(pod, hash(pod, "url:" + url), node, seen, "http"));
    }
    return new UrlDecoded(out, null);
  }

  /** The core kinds other than Pod and PodList the kubelet's scheme decodes (and then finds not to be pods). */
  private static final java.util.Set<String> CORE_KINDS = java.util.Set.of("Service", "ServiceList", "ConfigMap",
      "Secret", "Namespace", "Node", "ServiceAccount", "Endpoints", "ReplicationController", "PersistentVolume",
      "PersistentVolumeClaim", "Event", "LimitRange", "ResourceQuota", "List");

  /** kube's error for an answer that is neither a pod nor a list of pods. */
  private static String neither(String url, String text, String single, String list) {
    return url + ": received '" + text + "', but couldn't parse as single (" + single + ") or multiple pods (" + list
        + ")";
  }

  /** Whether {@code pod} is a mirror pod (made by a kubelet for a static pod). */
  public static boolean isMirror(JsonNode pod) {
    return pod.path("metadata").path("annotations").has(MIRROR);
  }

  /** The pod of {@code data}, read from {@code file} by {@code node}'s kubelet at {@code seen}. */
  public static Decoded decode(byte[] data, Path file, String node, Instant seen) {
    JsonNode parsed;
    try {
      String text = new String(data, StandardCharsets.UTF_8);
      parsed = text.stripLeading().startsWith("{") ? Json.MAPPER.readTree(text) : Json.YAML.readTree(text);
    } catch (JacksonException e) {
      return new Decoded(null, couldNotParse(file, yamlError(e)));
    }
    if (!(parsed instanceof ObjectNode pod)) {
      return new Decoded(null, couldNotParse(file, "Object 'Kind' is missing in '" + compact(parsed) + "'"));
    }
    String kind = pod.path("kind").asText("");
    String apiVersion = pod.path("apiVersion").asText("");
    if (kind.isEmpty()) {
      return new Decoded(null, couldNotParse(file, "Object 'Kind' is missing in '" + compact(pod) + "'"));
    }
    if (!"Pod".equals(kind) || !"v1".equals(apiVersion)) {
      return new Decoded(null, couldNotParse(file, "no kind \"" + kind + "\" is registered for version \""
          + apiVersion + "\" in scheme \"pkg/api/legacyscheme/scheme.go:30\""));
    }
    String invalid = invalid(pod);
    if (invalid != null) {
      return new Decoded(null, "invalid pod: [" + invalid + "]");
    }
    return new Decoded(withDefaults(pod, hash(pod, file, node), node, seen, "file"), null);
  }

  /** kube's {@code applyDefaults} for a {@code source} ({@code file}: with a toleration of every NoExecute taint). */
  private static ObjectNode withDefaults(ObjectNode pod, String hash, String node, Instant seen, String source) {
    ObjectNode meta = pod.with("metadata");
    meta.put("name", meta.path("name").asText() + "-" + node.toLowerCase(Locale.ROOT));
    if (meta.path("namespace").asText("").isEmpty()) {
      meta.put("namespace", "default");
    }
    meta.put("uid", hash);
    meta.remove("resourceVersion");
    ObjectNode annotations = meta.with("annotations");
    annotations.put(HASH, hash);
    annotations.put(SEEN, seenTime(seen));
    annotations.put(SOURCE, source);
    ObjectNode spec = pod.with("spec");
    spec.put("nodeName", node);
    if (!source.equals("file")) {
      pod.putObject("status").put("phase", "Pending");
      return pod;
    }
    ArrayNode tolerations = spec.withArray("tolerations");
    boolean has = false;
    for (JsonNode t : tolerations) {
      has |= "Exists".equals(t.path("operator").asText()) && "NoExecute".equals(t.path("effect").asText())
          && t.path("key").asText("").isEmpty() && !t.has("tolerationSeconds");
    }
    if (!has) {
      tolerations.addObject().put("operator", "Exists").put("effect", "NoExecute");
    }
    pod.putObject("status").put("phase", "Pending");
    return pod;
  }

  /** The few checks of kube's {@code ValidatePodCreate} a manifest most often fails, in its words. */
  private static String invalid(ObjectNode pod) {
    if (pod.path("metadata").path("name").asText("").isEmpty()) {
      return "metadata.name: Required value: name or generateName is required";
    }
    JsonNode containers = pod.path("spec").path("containers");
    if (!containers.isArray() || containers.isEmpty()) {
      return "spec.containers: Required value";
    }
    for (int i = 0; i < containers.size(); i++) {
      if (containers.get(i).path("name").asText("").isEmpty()) {
        return "spec.containers[" + i + "].name: Required value";
      }
      if (containers.get(i).path("image").asText("").isEmpty()) {
        return "spec.containers[" + i + "].image: Required value";
      }
    }
    return null;
  }

  /** The uid: MD5 of the pod as written, then {@code host:<node>} and {@code file:<path>}, as kube's. */
  static String hash(ObjectNode pod, Path file, String node) {
    return hash(pod, "host:" + node + "file:" + file);
  }

  /** MD5 of the pod as written, then {@code source} ({@code url:<url>} for the web source). */
  private static String hash(ObjectNode pod, String source) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(Json.MAPPER.writeValueAsBytes(pod));
      md5.update(source.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md5.digest());
    } catch (NoSuchAlgorithmException | JacksonException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Go's RFC3339Nano in UTC: trailing zeros of the fraction dropped. */
  static String seenTime(Instant t) {
    String s = t.toString();
    if (s.contains(".")) {
      s = s.substring(0, s.length() - 1).replaceAll("0+$", "").replaceAll("\\.$", "") + "Z";
    }
    return s;
  }

  private static String couldNotParse(Path file, String why) {
    return file + ": couldn't parse as pod(" + why + "), please check config file";
  }

  /** A YAML error as Go's yaml package words the common ones ({@code yaml: line 4: ...}). */
  private static String yamlError(JacksonException e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof org.yaml.snakeyaml.error.MarkedYAMLException y && y.getProblemMark() != null) {
        return "yaml: line " + (y.getProblemMark().getLine() + 1) + ": " + y.getProblem();
      }
    }
    String msg = e.getOriginalMessage() == null ? e.getMessage() : e.getOriginalMessage();
    msg = msg.lines().findFirst().orElse(msg).strip();
    int line = e.getLocation() == null ? 0 : e.getLocation().getLineNr();
    return line > 0 ? "yaml: line " + line + ": " + msg : "yaml: " + msg;
  }

  private static String compact(JsonNode n) {
    return n == null ? "" : n.toString();
  }
}
