package io.dekube.metricsserver;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * The OpenAPI v2 (Swagger 2.0) document metrics-server serves at {@code /openapi/v2}: kube's generic
 * apiserver builds it from metrics-server's {@code OpenAPIConfig} (title {@code Kubernetes metrics-server}),
 * and metrics-server sets no {@code OpenAPIV3Config}, so {@code /openapi/v3} is a 404 and kube-aggregator
 * converts this document for {@code /openapi/v3/apis/metrics.k8s.io/v1beta1}. The kinds' schemas carry
 * the doc comments of {@code k8s.io/metrics/pkg/apis/metrics/v1beta1/types.go}; the apimachinery types
 * they use (ObjectMeta, ListMeta, Time, Duration, Quantity) come from {@code openapi-meta-v2.json}, the
 * apiserver's kube 1.32 definitions. Built at each call (rarely: the aggregator fetches it once per
 * change), so it holds no memory while idle. Pure.
 */
public final class MetricsOpenApi {

  /** metrics-server's version, as its {@code info.version}. */
  static final String VERSION = "v0.7.2";
  private static final String PKG = "io.k8s.metrics.pkg.apis.metrics.v1beta1.";
  private static final String META = "io.k8s.apimachinery.pkg.apis.meta.v1.";
  private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";
  private static final String API_VERSION = "APIVersion defines the versioned schema of this representation of an "
      + "object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized "
      + "values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
  private static final String KIND = "Kind is a string value representing the REST resource this object represents. "
      + "Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. "
      + "More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
  private static final String WINDOW = "The following fields define time interval from which metrics were collected "
      + "from the interval [Timestamp-Window, Timestamp].";
  private static final String USAGE = "The memory usage is the memory working set.";

  private MetricsOpenApi() {
  }

  /** The document. */
  public static ObjectNode document() {
    ObjectNode doc = Json.object().put("swagger", "2.0");
    doc.putObject("info").put("title", "Kubernetes metrics-server").put("version", VERSION);
    ObjectNode paths = doc.putObject("paths");
    list(paths, "/apis/metrics.k8s.io/v1beta1/nodes", "NodeMetrics", "listMetricsV1beta1NodeMetrics", false);
    read(paths, "/apis/metrics.k8s.io/v1beta1/nodes/{name}", "NodeMetrics", "readMetricsV1beta1NodeMetrics", false);
    list(paths, "/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods", "PodMetrics",
        "listMetricsV1beta1NamespacedPodMetrics", true);
    read(paths, "/apis/metrics.k8s.io/v1beta1/namespaces/{namespace}/pods/{name}", "PodMetrics",
        "readMetricsV1beta1NamespacedPodMetrics", true);
    list(paths, "/apis/metrics.k8s.io/v1beta1/pods", "PodMetrics", "listMetricsV1beta1PodMetricsForAllNamespaces",
        false);
    ObjectNode defs = meta();
    defs.set(PKG + "ContainerMetrics", containerMetrics());
    defs.set(PKG + "NodeMetrics", kind("NodeMetrics", "NodeMetrics sets resource usage metrics of a node.",
        "usage", usage(), "timestamp", "window", "usage"));
    defs.set(PKG + "NodeMetricsList", list("NodeMetrics", "NodeMetricsList is a list of NodeMetrics.",
        "List of node metrics."));
    ObjectNode containers = Json.object().put("description",
        "Metrics for all containers are collected within the same time window.").put("type", "array");
    containers.putObject("items").put("$ref", "#/definitions/" + PKG + "ContainerMetrics");
    containers.put("x-kubernetes-list-type", "atomic");
    defs.set(PKG + "PodMetrics", kind("PodMetrics", "PodMetrics sets resource usage metrics of a pod.",
        "containers", containers, "timestamp", "window", "containers"));
    defs.set(PKG + "PodMetricsList", list("PodMetrics", "PodMetricsList is a list of PodMetrics.",
        "List of pod metrics."));
    doc.set("definitions", sorted(defs));
    doc.putObject("securityDefinitions").putObject("BearerToken").put("description", "Bearer Token authentication")
        .put("type", "apiKey").put("name", "authorization").put("in", "header");
    doc.putArray("security").addObject().putArray("BearerToken");
    return doc;
  }

  private static ObjectNode meta() {
    try (InputStream in = MetricsOpenApi.class.getResourceAsStream("openapi-meta-v2.json")) {
      return (ObjectNode) Json.MAPPER.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ObjectNode sorted(ObjectNode defs) {
    ObjectNode out = Json.object();
    java.util.List<String> names = new java.util.ArrayList<>();
    defs.fieldNames().forEachRemaining(names::add);
    names.stream().sorted().forEach(n -> out.set(n, defs.get(n)));
    return out;
  }

  private static ObjectNode ref(String definition, String description) {
    ObjectNode o = Json.object();
    if (description != null) {
      o.put("description", description);
    }
    return o.put("$ref", "#/definitions/" + definition);
  }

  private static ObjectNode usage() {
    ObjectNode u = Json.object().put("description", USAGE).put("type", "object");
    u.set("additionalProperties", ref(QUANTITY, null));
    return u;
  }

  private static ObjectNode containerMetrics() {
    ObjectNode s = Json.object().put("description", "ContainerMetrics sets resource usage metrics of a container.")
        .put("type", "object");
    s.putArray("required").add("name").add("usage");
    ObjectNode p = s.putObject("properties");
    p.putObject("name").put("description", "Container name corresponding to the one from pod.spec.containers.")
        .put("type", "string").put("default", "");
    p.set("usage", usage());
    return s;
  }

  private static ObjectNode kind(String kind, String description, String field, ObjectNode schema, String... required) {
    ObjectNode s = Json.object().put("description", description).put("type", "object");
    ArrayNode req = s.putArray("required");
    for (String r : required) {
      req.add(r);
    }
    ObjectNode p = s.putObject("properties");
    p.putObject("apiVersion").put("description", API_VERSION).put("type", "string");
    p.set(field, schema);
    p.putObject("kind").put("description", KIND).put("type", "string");
    ObjectNode meta = ref(META + "ObjectMeta", "Standard object's metadata. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata");
    p.set("metadata", withEmptyDefault(meta));
    p.set("timestamp", ref(META + "Time", WINDOW));
    p.set("window", ref(META + "Duration", null));
    gvk(s, kind);
    return s;
  }

  private static ObjectNode withEmptyDefault(ObjectNode o) {
    o.putObject("default");
    return o;
  }

  private static ObjectNode list(String kind, String description, String items) {
    ObjectNode s = Json.object().put("description", description).put("type", "object");
    s.putArray("required").add("items");
    ObjectNode p = s.putObject("properties");
    p.putObject("apiVersion").put("description", API_VERSION).put("type", "string");
    ObjectNode i = p.putObject("items").put("description", items).put("type", "array");
    i.set("items", withEmptyDefault(ref(PKG + kind, null)));
    p.putObject("kind").put("description", KIND).put("type", "string");
    p.set("metadata", withEmptyDefault(ref(META + "ListMeta", "Standard list metadata. More info: "
        + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds")));
    gvk(s, kind + "List");
    return s;
  }

  private static void gvk(ObjectNode s, String kind) {
    s.putArray("x-kubernetes-group-version-kind").addObject().put("group", MetricsApi.GROUP).put("kind", kind)
        .put("version", MetricsApi.VERSION);
  }

  private static void list(ObjectNode paths, String path, String kind, String operationId, boolean namespaced) {
    ObjectNode get = operation(paths, path, "list objects of kind " + kind, operationId, kind + "List");
    for (String[] q : new String[][] {{"allowWatchBookmarks", "boolean"}, {"continue", "string"},
        {"fieldSelector", "string"}, {"labelSelector", "string"}, {"limit", "integer"}, {"resourceVersion", "string"},
        {"resourceVersionMatch", "string"}, {"sendInitialEvents", "boolean"}, {"timeoutSeconds", "integer"},
        {"watch", "boolean"}}) {
      ((ArrayNode) get.get("parameters")).addObject().put("uniqueItems", true).put("type", q[1]).put("name", q[0])
          .put("in", "query");
    }
    pathParameters(paths.get(path), namespaced, false, kind);
  }

  private static void read(ObjectNode paths, String path, String kind, String operationId, boolean namespaced) {
    operation(paths, path, "read the specified " + kind, operationId, kind);
    pathParameters(paths.get(path), namespaced, true, kind);
  }

  private static ObjectNode operation(ObjectNode paths, String path, String description, String operationId,
                                      String responseKind) {
    ObjectNode get = paths.putObject(path).putObject("get").put("description", description);
    get.putArray("consumes").add("*/*");
    get.putArray("produces").add("application/json").add("application/yaml")
        .add("application/vnd.kubernetes.protobuf");
    get.putArray("schemes").add("https");
    get.putArray("tags").add("metricsV1beta1");
    get.put("operationId", operationId);
    get.putArray("parameters");
    ObjectNode responses = get.putObject("responses");
    responses.putObject("200").put("description", "OK").set("schema", ref(PKG + responseKind, null));
    responses.putObject("401").put("description", "Unauthorized");
    get.put("x-kubernetes-action", description.startsWith("list") ? "list" : "get");
    get.putObject("x-kubernetes-group-version-kind").put("group", MetricsApi.GROUP).put("kind",
        responseKind.endsWith("List") ? responseKind.substring(0, responseKind.length() - 4) : responseKind)
        .put("version", MetricsApi.VERSION);
    return get;
  }

  private static void pathParameters(com.fasterxml.jackson.databind.JsonNode item, boolean namespaced, boolean named,
                                     String kind) {
    ArrayNode params = ((ObjectNode) item).putArray("parameters");
    if (named) {
      params.addObject().put("uniqueItems", true).put("type", "string").put("description", "name of the " + kind)
          .put("name", "name").put("in", "path").put("required", true);
    }
    if (namespaced) {
      params.addObject().put("uniqueItems", true).put("type", "string")
          .put("description", "object name and auth scope, such as for teams and projects").put("name", "namespace")
          .put("in", "path").put("required", true);
    }
    params.addObject().put("uniqueItems", true).put("type", "string").put("description", "If 'true', then the output "
        + "is pretty printed. Defaults to 'false' unless the user-agent indicates a browser or command-line HTTP tool "
        + "(curl and wget).").put("name", "pretty").put("in", "query");
  }
}
