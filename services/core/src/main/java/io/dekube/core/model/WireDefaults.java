package io.dekube.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;

/**
 * What Go's JSON encoding of kube's typed objects always writes even when nothing set it: the
 * non-pointer {@code spec} and {@code status} structs ({@code spec: {}}) and the status counters
 * without {@code omitempty} (a DaemonSet's {@code numberReady: 0}). Typed clients (the official Java
 * client's models) refuse answers without them. Applied to every object the REST API answers with;
 * the stored object is never changed (a copy is filled when something is missing). Pure, thread-safe.
 */
public final class WireDefaults {

  private record Fill(boolean spec, boolean status, List<String> statusCounters) {
  }

  private static final List<String> NONE = List.of();
  private static final Map<String, Fill> BY_KIND = Map.ofEntries(
      Map.entry("/Pod", new Fill(true, true, NONE)),
      Map.entry("/Service", new Fill(true, true, NONE)),
      Map.entry("/Namespace", new Fill(true, true, NONE)),
      Map.entry("/Node", new Fill(true, true, NONE)),
      Map.entry("/ResourceQuota", new Fill(true, true, NONE)),
      Map.entry("/LimitRange", new Fill(true, false, NONE)),
      Map.entry("/ReplicationController", new Fill(true, true, List.of("replicas"))),
      Map.entry("apps/Deployment", new Fill(true, true, NONE)),
      Map.entry("apps/ReplicaSet", new Fill(true, true, List.of("replicas"))),
      Map.entry("apps/StatefulSet", new Fill(true, true, List.of("replicas", "availableReplicas"))),
      Map.entry("apps/DaemonSet", new Fill(true, true, List.of("currentNumberScheduled", "numberMisscheduled",
          "desiredNumberScheduled", "numberReady"))),
      Map.entry("networking.k8s.io/Ingress", new Fill(true, true, NONE)),
      Map.entry("certificates.k8s.io/CertificateSigningRequest", new Fill(true, true, NONE)));

  private WireDefaults() {
  }

  /** {@code obj} itself when complete, else a filled copy. */
  public static ObjectNode apply(ResourceType type, ObjectNode obj) {
    Fill f = BY_KIND.get(type.group() + "/" + type.kind());
    if (f == null || obj == null || !missing(f, obj)) {
      return obj;
    }
    ObjectNode out = obj.deepCopy();
    if (f.spec() && !out.path("spec").isObject()) {
      out.putObject("spec");
    }
    if (f.status()) {
      ObjectNode status = out.path("status").isObject() ? (ObjectNode) out.get("status") : out.putObject("status");
      for (String c : f.statusCounters()) {
        if (!status.has(c)) {
          status.put(c, 0);
        }
      }
    }
    return out;
  }

  private static boolean missing(Fill f, ObjectNode obj) {
    if (f.spec() && !obj.path("spec").isObject()) {
      return true;
    }
    if (!f.status()) {
      return false;
    }
    JsonNode status = obj.get("status");
    if (status == null || !status.isObject()) {
      return true;
    }
    for (String c : f.statusCounters()) {
      if (!status.has(c)) {
        return true;
      }
    }
    return false;
  }
}
