package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.ResourceType;
import io.dekube.core.quota.PodResources;
import io.dekube.core.quota.Quantities.Amount;
import io.dekube.core.quota.ResourceLists;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * kube-apiserver's {@code LimitRanger} admission plugin, for pod creates and claim writes, with the
 * LimitRanges of the namespace read from an informer (so a LimitRange created an instant before a
 * pod may not apply to it yet, as with kube's lister):
 * <ul>
 *   <li>mutating: each container (and init container) without a request or limit named by a
 *   {@code type: Container} item's {@code defaultRequest} / {@code default} gets it, and the pod the
 *   {@code kubernetes.io/limit-ranger} annotation saying what was set;</li>
 *   <li>validating: {@code min}, {@code max} and {@code maxLimitRequestRatio} of the Container
 *   items per container, of the Pod items on the pod's summed requests and limits, and
 *   {@code min}/{@code max} storage of the PersistentVolumeClaim items on a claim's request; a
 *   violation is 403 Forbidden with kube's words ({@code maximum cpu usage per Container is 1, but
 *   limit is 2}), all violations joined as kube's aggregate error prints them.</li>
 * </ul>
 * Pure apart from the lookup; thread-safe.
 */
final class LimitRanger {

  static final String ANNOTATION = "kubernetes.io/limit-ranger";

  private final Function<String, List<? extends JsonNode>> ranges;

  LimitRanger(Function<String, List<? extends JsonNode>> ranges) {
    this.ranges = ranges;
  }

  /** Whether the plugin acts on this write: pod creates, claim creates and updates. */
  static boolean applies(ResourceType type, boolean create) {
    return type.group().isEmpty() && (type.kind().equals("Pod") && create || type.kind().equals("PersistentVolumeClaim"));
  }

  private List<? extends JsonNode> of(ObjectNode obj) {
    String ns = obj.path("metadata").path("namespace").asText("");
    return ns.isEmpty() ? List.of() : ranges.apply(ns);
  }

  /** Fills a pod's container defaults (changed in place). */
  void mutate(ResourceType type, ObjectNode obj) {
    if (!type.kind().equals("Pod")) {
      return;
    }
    for (JsonNode range : of(obj)) {
      ObjectNode requests = defaults(range, "defaultRequest");
      ObjectNode limits = defaults(range, "default");
      List<String> notes = new ArrayList<>();
      for (ObjectNode c : Nodes.objects(obj.path("spec"), "containers")) {
        merge(c, requests, limits, "container", notes);
      }
      for (ObjectNode c : Nodes.objects(obj.path("spec"), "initContainers")) {
        merge(c, requests, limits, "init container", notes);
      }
      if (!notes.isEmpty()) {
        Nodes.obj(Nodes.obj(obj, "metadata"), "annotations").put(ANNOTATION, "LimitRanger plugin set: "
            + String.join("; ", notes));
      }
    }
  }

  private static ObjectNode defaults(JsonNode range, String field) {
    ObjectNode out = io.dekube.core.model.Json.object();
    for (JsonNode item : range.path("spec").path("limits")) {
      if (item.path("type").asText("").equals("Container") && item.get(field) instanceof ObjectNode o) {
        out.setAll(o.deepCopy());
      }
    }
    return out;
  }

  private static void merge(ObjectNode c, ObjectNode requests, ObjectNode limits, String what, List<String> notes) {
    ObjectNode res = Nodes.obj(c, "resources");
    TreeSet<String> setRequests = fill(Nodes.obj(res, "requests"), requests);
    TreeSet<String> setLimits = fill(Nodes.obj(res, "limits"), limits);
    String name = c.path("name").asText("");
    if (!setRequests.isEmpty()) {
      notes.add(String.join(", ", setRequests) + " request for " + what + " " + name);
    }
    if (!setLimits.isEmpty()) {
      notes.add(String.join(", ", setLimits) + " limit for " + what + " " + name);
    }
    if (res.path("requests").isEmpty()) {
      res.remove("requests");
    }
    if (res.path("limits").isEmpty()) {
      res.remove("limits");
    }
  }

  private static TreeSet<String> fill(ObjectNode target, ObjectNode defaults) {
    TreeSet<String> set = new TreeSet<>();
    defaults.fields().forEachRemaining(e -> {
      if (!target.has(e.getKey())) {
        target.set(e.getKey(), e.getValue().deepCopy());
        set.add(e.getKey());
      }
    });
    return set;
  }

  /** The violations of the namespace's LimitRanges by {@code obj}, or null when none. */
  String violations(ResourceType type, ObjectNode obj) {
    List<String> errs = new ArrayList<>();
    for (JsonNode range : of(obj)) {
      for (JsonNode item : range.path("spec").path("limits")) {
        String itemType = item.path("type").asText("");
        if (type.kind().equals("Pod")) {
          pod(obj, item, itemType, errs);
        } else if (itemType.equals("PersistentVolumeClaim")) {
          TreeMap<String, Amount> req = ResourceLists.of(obj.path("spec").path("resources").path("requests"));
          ResourceLists.of(item.path("min")).forEach((k, v) -> min(itemType, k, v, req, Map.of(), errs));
          ResourceLists.of(item.path("max")).forEach((k, v) -> maxRequest(itemType, k, v, req, errs));
        }
      }
    }
    if (errs.isEmpty()) {
      return null;
    }
    return errs.size() == 1 ? errs.get(0) : "[" + String.join(", ", errs) + "]";
  }

  private static void pod(ObjectNode pod, JsonNode item, String itemType, List<String> errs) {
    if (itemType.equals("Container")) {
      List<JsonNode> containers = new ArrayList<>();
      pod.path("spec").path("containers").forEach(containers::add);
      pod.path("spec").path("initContainers").forEach(containers::add);
      for (JsonNode c : containers) {
        check(itemType, item, ResourceLists.of(c.path("resources").path("requests")),
            ResourceLists.of(c.path("resources").path("limits")), errs);
      }
    } else if (itemType.equals("Pod")) {
      check(itemType, item, PodResources.of(pod, "requests", false), PodResources.of(pod, "limits", false), errs);
    }
  }

  private static void check(String itemType, JsonNode item, Map<String, Amount> req, Map<String, Amount> lim,
                            List<String> errs) {
    ResourceLists.of(item.path("min")).forEach((k, v) -> min(itemType, k, v, req, lim, errs));
    ResourceLists.of(item.path("max")).forEach((k, v) -> max(itemType, k, v, req, lim, errs));
    ResourceLists.of(item.path("maxLimitRequestRatio")).forEach((k, v) -> ratio(itemType, k, v, req, lim, errs));
  }

  private static void min(String t, String r, Amount enforced, Map<String, Amount> req, Map<String, Amount> lim,
                          List<String> errs) {
    Amount rq = req.get(r);
    Amount lm = lim.get(r);
    if (rq == null) {
      errs.add("minimum " + r + " usage per " + t + " is " + enforced + ".  No request is specified");
    } else if (rq.milli() < enforced.milli()) {
      errs.add("minimum " + r + " usage per " + t + " is " + enforced + ", but request is " + rq);
    } else if (lm != null && lm.milli() < enforced.milli()) {
      errs.add("minimum " + r + " usage per " + t + " is " + enforced + ", but limit is " + lm);
    }
  }

  private static void max(String t, String r, Amount enforced, Map<String, Amount> req, Map<String, Amount> lim,
                          List<String> errs) {
    Amount rq = req.get(r);
    Amount lm = lim.get(r);
    if (lm == null) {
      errs.add("maximum " + r + " usage per " + t + " is " + enforced + ".  No limit is specified");
    } else if (lm.milli() > enforced.milli()) {
      errs.add("maximum " + r + " usage per " + t + " is " + enforced + ", but limit is " + lm);
    } else if (rq != null && rq.milli() > enforced.milli()) {
      errs.add("maximum " + r + " usage per " + t + " is " + enforced + ", but request is " + rq);
    }
  }

  private static void maxRequest(String t, String r, Amount enforced, Map<String, Amount> req, List<String> errs) {
    Amount rq = req.get(r);
    if (rq == null) {
      errs.add("maximum " + r + " usage per " + t + " is " + enforced + ".  No request is specified");
    } else if (rq.milli() > enforced.milli()) {
      errs.add("maximum " + r + " usage per " + t + " is " + enforced + ", but request is " + rq);
    }
  }

  private static void ratio(String t, String r, Amount enforced, Map<String, Amount> req, Map<String, Amount> lim,
                            List<String> errs) {
    Amount rq = req.get(r);
    Amount lm = lim.get(r);
    if (rq == null || rq.milli() == 0) {
      errs.add(r + " max limit to request ratio per " + t + " is " + enforced
          + ", but no request is specified or request is 0");
    } else if (lm == null || lm.milli() == 0) {
      errs.add(r + " max limit to request ratio per " + t + " is " + enforced
          + ", but no limit is specified or limit is 0");
    } else {
      double observed = (double) lm.milli() / rq.milli();
      if (observed * 1000 > enforced.milli()) {
        errs.add(r + " max limit to request ratio per " + t + " is " + enforced + ", but provided ratio is "
            + String.format(Locale.ROOT, "%f", observed));
      }
    }
  }

}
