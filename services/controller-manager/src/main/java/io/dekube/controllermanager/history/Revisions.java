package io.dekube.controllermanager.history;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.controllermanager.common.Owners;
import io.dekube.core.model.Json;
import io.dekube.core.model.Typed;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ControllerRevision;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * kube's {@code pkg/controller/history}, the pure part: a ControllerRevision holds a strategic-merge
 * patch that restores the owner's pod template ({@code {"spec":{"template":{"$patch":"replace",...}}}},
 * which {@code kubectl rollout undo} applies as it is); its name is {@code <owner>-<hash>}, the hash
 * an FNV-32a of the data (and the collision count) spelled in kube's safe alphabet, and it carries the
 * {@code controller-revision-hash} label. Stateless.
 */
public final class Revisions {

  /** The label naming a pod's (and a revision's) revision hash. */
  public static final String HASH_LABEL = "controller-revision-hash";

  private static final String ALPHANUMS = "bcdfghjklmnpqrstvwxz2456789";

  private Revisions() {
  }

  /** The revision data of a pod template: the patch that puts it back. Keys sorted, as Go's json.Marshal of a map. */
  public static JsonNode templatePatch(PodTemplateSpec template) {
    ObjectNode t = (ObjectNode) sorted(Typed.tree(template));
    ObjectNode withDirective = Json.object().put("$patch", "replace");
    t.fields().forEachRemaining(e -> withDirective.set(e.getKey(), e.getValue()));
    ObjectNode patch = Json.object();
    patch.putObject("spec").set("template", withDirective);
    return patch;
  }

  /** The template a revision's data restores (null when it holds none). */
  public static PodTemplateSpec template(ControllerRevision r) {
    JsonNode t = data(r).path("spec").path("template");
    if (!t.isObject()) {
      return null;
    }
    ObjectNode copy = ((ObjectNode) t).deepCopy();
    copy.remove("$patch");
    return Typed.from(copy, PodTemplateSpec.class);
  }

  /** A revision's data as a tree. */
  public static JsonNode data(ControllerRevision r) {
    JsonNode d = r.getData() == null ? null : Typed.tree(r).get("data");
    return d == null ? Json.object() : d;
  }

  /** kube's {@code HashControllerRevision}: FNV-32a of the data and the collision count, safely encoded. */
  public static String hash(JsonNode data, Integer collisionCount) {
    int h = 0x811c9dc5;
    byte[] bytes = sorted(data).toString().getBytes(StandardCharsets.UTF_8);
    h = fnv(h, bytes);
    if (collisionCount != null) {
      h = fnv(h, Integer.toString(collisionCount).getBytes(StandardCharsets.UTF_8));
    }
    return safeEncode(Long.toString(Integer.toUnsignedLong(h)));
  }

  private static int fnv(int h, byte[] bytes) {
    for (byte b : bytes) {
      h ^= b & 0xff;
      h *= 0x01000193;
    }
    return h;
  }

  /** kube's {@code rand.SafeEncodeString}: each character mapped into an alphabet without vowels. */
  static String safeEncode(String s) {
    StringBuilder b = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      b.append(ALPHANUMS.charAt(c % ALPHANUMS.length()));
    }
    return b.toString();
  }

  /** kube's {@code ControllerRevisionName}: the owner's name (at most 223 characters), a dash, the hash. */
  public static String name(String owner, String hash) {
    return (owner.length() > 223 ? owner.substring(0, 223) : owner) + "-" + hash;
  }

  /** kube's {@code NewControllerRevision}: owned by the parent, labelled with the template's labels and the hash. */
  public static ControllerRevision build(HasMetadata parent, Map<String, String> templateLabels, JsonNode data,
                                         long revision, Integer collisionCount) {
    String hash = hash(data, collisionCount);
    Map<String, String> labels = templateLabels == null ? new HashMap<>() : new HashMap<>(templateLabels);
    labels.put(HASH_LABEL, hash);
    ControllerRevision r = new ControllerRevision();
    ObjectMeta m = new ObjectMeta();
    m.setName(name(parent.getMetadata().getName(), hash));
    m.setNamespace(parent.getMetadata().getNamespace());
    m.setLabels(labels);
    m.setOwnerReferences(new ArrayList<>(List.of(Owners.controllerRef(parent))));
    r.setMetadata(m);
    r.setData(Json.MAPPER.convertValue(data, java.util.Map.class));
    r.setRevision(revision);
    return r;
  }

  /** The hash of a revision: its label, else the part of its name after the owner's. */
  public static String hashOf(ControllerRevision r) {
    String label = r.getMetadata().getLabels() == null ? null : r.getMetadata().getLabels().get(HASH_LABEL);
    if (label != null) {
      return label;
    }
    String n = r.getMetadata().getName();
    return n.substring(n.lastIndexOf('-') + 1);
  }

  /** Whether two revisions hold the same data (kube's {@code EqualRevision}). */
  public static boolean equal(ControllerRevision a, JsonNode data) {
    return sorted(data(a)).equals(sorted(data));
  }

  /** The highest revision number, 0 when none. */
  public static long maxRevision(List<ControllerRevision> revisions) {
    return revisions.stream().mapToLong(r -> r.getRevision() == null ? 0 : r.getRevision()).max().orElse(0);
  }

  /** Revisions by number, oldest first (then by name). */
  public static List<ControllerRevision> byRevision(List<ControllerRevision> revisions) {
    List<ControllerRevision> out = new ArrayList<>(revisions);
    out.sort(Comparator.comparingLong((ControllerRevision r) -> r.getRevision() == null ? 0 : r.getRevision())
        .thenComparing(r -> r.getMetadata().getName()));
    return out;
  }

  /** A copy of a tree with every object's keys sorted. */
  static JsonNode sorted(JsonNode n) {
    if (n.isObject()) {
      TreeMap<String, JsonNode> m = new TreeMap<>();
      n.fields().forEachRemaining(e -> m.put(e.getKey(), sorted(e.getValue())));
      ObjectNode o = Json.object();
      m.forEach(o::set);
      return o;
    }
    if (n.isArray()) {
      ArrayNode a = Json.MAPPER.createArrayNode();
      n.forEach(x -> a.add(sorted(x)));
      return a;
    }
    return n;
  }
}
