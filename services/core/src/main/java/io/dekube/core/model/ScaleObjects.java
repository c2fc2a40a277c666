package io.dekube.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.LabelSelector;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code autoscaling/v1} Scale of a parent object, as kube's scale storage derives it: a built-in parent's
 * {@code spec.replicas} (1 when unset), {@code status.replicas} and its selector as a string (a ReplicationController's
 * label map, the others' label selector), or a custom kind's values at its CRD's {@code subresources.scale} paths. Used
 * by the apiserver's {@code scale} subresource and by the admission of the components' scale writes on the bus. Pure.
 */
public final class ScaleObjects {

  private ScaleObjects() {
  }

  /** The Scale of {@code parent}; {@code paths} a custom kind's scale paths, null for a built-in kind. */
  public static ObjectNode of(ObjectNode parent, CustomKind.Scale paths) {
    ObjectNode s = Json.object();
    s.put("kind", "Scale").put("apiVersion", "autoscaling/v1");
    ObjectNode m = s.putObject("metadata");
    JsonNode pm = parent.path("metadata");
    for (String f : new String[] {"name", "namespace", "uid", "resourceVersion", "creationTimestamp"}) {
      if (pm.hasNonNull(f)) {
        m.set(f, pm.get(f));
      }
    }
    if (paths != null) {
      JsonNode spec = at(parent, paths.specReplicasPath());
      s.putObject("spec").put("replicas", spec == null ? 0 : spec.asInt(0));
      JsonNode status = at(parent, paths.statusReplicasPath());
      ObjectNode st = s.putObject("status").put("replicas", status == null ? 0 : status.asInt(0));
      JsonNode selector = paths.labelSelectorPath() == null ? null : at(parent, paths.labelSelectorPath());
      if (selector != null && selector.isTextual()) {
        st.put("selector", selector.asText());
      }
      return s;
    }
    s.putObject("spec").put("replicas", parent.path("spec").path("replicas").asInt(1));
    ObjectNode status = s.putObject("status").put("replicas", parent.path("status").path("replicas").asInt(0));
    JsonNode sel = parent.path("spec").path("selector");
    String selector = "ReplicationController".equals(parent.path("kind").asText()) ? labelSet(sel) : selector(sel);
    if (!selector.isEmpty()) {
      status.put("selector", selector);
    }
    return s;
  }

  /** The parent's field that a Scale's {@code spec.replicas} is: {@code .spec.replicas}, or the custom kind's path. */
  public static String replicasPath(CustomKind.Scale paths) {
    return paths == null ? ".spec.replicas" : paths.specReplicasPath();
  }

  /** A JSON merge patch of the parent that sets the field at {@code replicasPath} ({@code .spec.replicas}). */
  public static ObjectNode replicasPatch(String replicasPath, int replicas) {
    ObjectNode patch = Json.object();
    String[] fields = replicasPath.substring(1).split("\\.");
    ObjectNode at = patch;
    for (int i = 0; i < fields.length - 1; i++) {
      at = at.putObject(fields[i]);
    }
    at.put(fields[fields.length - 1], replicas);
    return patch;
  }

  /** A label map as a selector string, keys sorted: {@code a=1,b=2}. */
  public static String labelSet(JsonNode labels) {
    Map<String, String> sorted = new TreeMap<>();
    labels.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
    StringBuilder b = new StringBuilder();
    sorted.forEach((k, v) -> b.append(b.length() == 0 ? "" : ",").append(k).append('=').append(v));
    return b.toString();
  }

  /** A label selector in the query syntax ({@code metav1.LabelSelectorAsSelector}); "" for an invalid one. */
  private static String selector(JsonNode sel) {
    try {
      return LabelSelector.fromJson(sel).toString();
    } catch (StatusException e) {
      return "";
    }
  }

  /** The value at a {@code .a.b} path, or null. */
  private static JsonNode at(JsonNode root, String path) {
    JsonNode n = root;
    for (String f : path.substring(1).split("\\.")) {
      n = n == null ? null : n.get(f);
    }
    return n == null || n.isNull() ? null : n;
  }
}
