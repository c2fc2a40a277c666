package io.dekube.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The {@code metrics.k8s.io/v1beta1} API as metrics-server serves it: its {@code APIResourceList},
 * {@code NodeMetrics} ({@code nodes}, cluster-scoped) and {@code PodMetrics} ({@code pods},
 * namespaced), list and get, with label selectors on the objects' labels. Objects with no usage yet
 * (fewer than two scrapes) are left out of lists and are 404 on get. CPU is written in nanocores
 * ({@code 12345n}), memory in KiB ({@code 2048Ki}). Pure given its inputs.
 */
public final class MetricsApi {

  public static final String GROUP = "metrics.k8s.io";
  public static final String VERSION = "v1beta1";
  static final String API_VERSION = GROUP + "/" + VERSION;

  private final MetricsStore store;
  private final Supplier<List<ObjectNode>> nodes;
  private final Function<String, List<ObjectNode>> pods;

  /**
   * @param store the usage
   * @param nodes the Nodes now
   * @param pods  the Pods of a namespace now ("" for every namespace)
   */
  public MetricsApi(MetricsStore store, Supplier<List<ObjectNode>> nodes, Function<String, List<ObjectNode>> pods) {
    this.store = store;
    this.nodes = nodes;
    this.pods = pods;
  }

  /**
   * The answer to a GET of {@code path} (below {@code /apis/metrics.k8s.io/v1beta1}, "" for the
   * resource list) with a label selector (may be null).
   *
   * @throws StatusException 404 for an unknown path or object, 400 for a bad selector
   */
  public ObjectNode get(String path, String labelSelector) {
    String[] p = path.isEmpty() ? new String[0] : path.replaceAll("^/+|/+$", "").split("/");
    LabelSelector selector = LabelSelector.parse(labelSelector);
    if (p.length == 0) {
      return resourceList();
    }
    if (p[0].equals("nodes") && p.length <= 2) {
      return p.length == 1 ? nodeList(selector) : node(p[1]);
    }
    if (p[0].equals("pods") && p.length == 1) {
      return podList("", selector);
    }
    if (p[0].equals("namespaces") && p.length >= 3 && p.length <= 4 && p[2].equals("pods")) {
      return p.length == 3 ? podList(p[1], selector) : pod(p[1], p[3]);
    }
    throw new StatusException(404, "NotFound", "the server could not find the requested resource");
  }

  static ObjectNode resourceList() {
    ObjectNode doc = Json.object().put("kind", "APIResourceList").put("apiVersion", "v1")
        .put("groupVersion", API_VERSION);
    ArrayNode resources = doc.putArray("resources");
    resources.add(resource("nodes", "NodeMetrics", false));
    resources.add(resource("pods", "PodMetrics", true));
    return doc;
  }

  private static ObjectNode resource(String name, String kind, boolean namespaced) {
    ObjectNode r = Json.object().put("name", name).put("singularName", "").put("namespaced", namespaced)
        .put("kind", kind);
    r.putArray("verbs").add("get").add("list");
    return r;
  }

  private ObjectNode nodeList(LabelSelector selector) {
    ObjectNode list = list("NodeMetricsList");
    ArrayNode items = (ArrayNode) list.get("items");
    nodes.get().stream().filter(selector::matches).sorted(Comparator.comparing(MetricsApi::name))
        .forEach(n -> nodeMetrics(n).ifPresent(items::add));
    return list;
  }

  private ObjectNode node(String name) {
    return nodes.get().stream().filter(n -> name(n).equals(name)).findFirst().flatMap(this::nodeMetrics)
        .orElseThrow(() -> notFound("nodes", name));
  }

  private Optional<ObjectNode> nodeMetrics(ObjectNode node) {
    return store.node(name(node)).map(u -> {
      ObjectNode m = item("NodeMetrics", node, u.timestamp());
      m.put("timestamp", time(u.timestamp())).put("window", window(u.window()));
      usage(m.putObject("usage"), u);
      return m;
    });
  }

  private ObjectNode podList(String namespace, LabelSelector selector) {
    ObjectNode list = list("PodMetricsList");
    ArrayNode items = (ArrayNode) list.get("items");
    pods.apply(namespace).stream().filter(selector::matches)
        .sorted(Comparator.comparing((ObjectNode o) -> o.path("metadata").path("namespace").asText())
            .thenComparing(MetricsApi::name))
        .forEach(pod -> podMetrics(pod).ifPresent(items::add));
    return list;
  }

  private ObjectNode pod(String namespace, String name) {
    return pods.apply(namespace).stream().filter(p -> name(p).equals(name)).findFirst().flatMap(this::podMetrics)
        .orElseThrow(() -> notFound("pods", name));
  }

  private Optional<ObjectNode> podMetrics(ObjectNode pod) {
    return store.pod(pod.path("metadata").path("namespace").asText(), name(pod)).map(containers -> {
      MetricsStore.Usage first = containers.values().stream().findFirst().orElse(null);
      Instant at = first == null ? Instant.now() : first.timestamp();
      ObjectNode m = item("PodMetrics", pod, at);
      m.put("timestamp", time(at)).put("window", first == null ? "0s" : window(first.window()));
      ArrayNode out = m.putArray("containers");
      for (Map.Entry<String, MetricsStore.Usage> c : containers.entrySet()) {
        ObjectNode entry = out.addObject().put("name", c.getKey());
        usage(entry.putObject("usage"), c.getValue());
      }
      return m;
    });
  }

  private static ObjectNode list(String kind) {
    ObjectNode list = Json.object().put("kind", kind).put("apiVersion", API_VERSION);
    list.putObject("metadata");
    list.putArray("items");
    return list;
  }

  /** The metadata metrics-server gives: the object's name, namespace and labels, created when measured. */
  private static ObjectNode item(String kind, ObjectNode source, Instant at) {
    ObjectNode m = Json.object().put("kind", kind).put("apiVersion", API_VERSION);
    ObjectNode meta = m.putObject("metadata").put("name", name(source));
    JsonNode ns = source.path("metadata").path("namespace");
    if (ns.isTextual() && !ns.asText().isEmpty()) {
      meta.put("namespace", ns.asText());
    }
    meta.put("creationTimestamp", time(at));
    JsonNode labels = source.path("metadata").path("labels");
    if (labels.isObject() && !labels.isEmpty()) {
      meta.set("labels", labels.deepCopy());
    }
    return m;
  }

  private static void usage(ObjectNode into, MetricsStore.Usage u) {
    into.put("cpu", u.nanoCores() + "n").put("memory", (u.memoryBytes() / 1024) + "Ki");
  }

  private static String name(JsonNode o) {
    return o.path("metadata").path("name").asText();
  }

  private static String time(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }

  /** A Go duration string, as metav1.Duration writes it ({@code 15.003s}). */
  static String window(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? (ms / 1000) + "s" : java.math.BigDecimal.valueOf(ms, 3).stripTrailingZeros()
        .toPlainString() + "s";
  }

  private static StatusException notFound(String resource, String name) {
    ObjectNode details = Json.object().put("name", name).put("group", GROUP).put("kind", resource);
    return new StatusException(404, "NotFound", resource + "." + GROUP + " \"" + name + "\" not found", details);
  }
}
