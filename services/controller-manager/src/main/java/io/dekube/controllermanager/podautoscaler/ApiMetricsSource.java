package io.dekube.controllermanager.podautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.controllermanager.common.Lister;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.Json;
import io.fabric8.kubernetes.api.model.EndpointAddress;
import io.fabric8.kubernetes.api.model.EndpointPort;
import io.fabric8.kubernetes.api.model.EndpointSubset;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Quantity;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * kube-controller-manager's metrics clients, all through the apiserver — kube's path: the apiserver
 * authenticates and authorizes each call and its aggregator proxies it to the server registered behind
 * the APIService ({@code v1beta1.metrics.k8s.io}, {@code v1beta2.custom.metrics.k8s.io},
 * {@code v1beta1.external.metrics.k8s.io}), so an APIService that is not Available answers 503 as it
 * would to kube's controller-manager. (Going through the aggregator rather than straight to the backend
 * also keeps the backend's authentication as kube's: it sees the front-proxy's
 * {@code X-Remote-User: system:kube-controller-manager}.) Pod usage is
 * {@code /apis/metrics.k8s.io/v1beta1/namespaces/<ns>/pods?labelSelector=...}; custom metrics, as kube's
 * custom metrics client, first look for their group in {@code /apis} discovery (re-read once per sync
 * period, as kube-controller-manager invalidates it) and use its preferred version:
 * {@code .../namespaces/<ns>/pods/*}{@code /<metric>?labelSelector=&metricLabelSelector=} for pods,
 * {@code .../namespaces/<ns>/<resource>.<group>/<name>/<metric>} for an object (its kind mapped to its
 * resource as kube's RESTMapper does), {@code .../namespaces/<ns>/metrics/<metric>} for the namespace;
 * external metrics are {@code /apis/external.metrics.k8s.io/v1beta1/namespaces/<ns>/<metric>?labelSelector=}.
 * The apiserver is found as an in-cluster client finds it, through the {@code default/kubernetes}
 * Endpoints (any apiserver of the cluster). Never blocks.
 */
final class ApiMetricsSource implements MetricsSource {

  static final Duration TIMEOUT = Duration.ofSeconds(10);
  static final String CUSTOM_GROUP = "custom.metrics.k8s.io";
  static final String EXTERNAL_GROUP = "external.metrics.k8s.io";

  private final HttpClient client;
  private final Lister<Endpoints> endpoints;
  private final io.dekube.core.model.ResourceRegistry registry;
  private final Duration discoveryTtl;
  private final java.time.Clock clock;
  private volatile Discovery discovery;

  /** What {@code /apis} says of the metrics groups: the custom one's preferred version (null: none), the external one. */
  record Discovery(String customVersion, boolean external, Instant at) {
  }

  ApiMetricsSource(Vertx vertx, ApiCredentials credentials, Lister<Endpoints> endpoints,
                   io.dekube.core.model.ResourceRegistry registry, Duration discoveryTtl, java.time.Clock clock) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(credentials.caPem())))
        .setKeyCertOptions(io.dekube.core.pki.KeyCerts.ofPem(credentials.keyPem(), credentials.certificatePem()))
        .setConnectTimeout((int) TIMEOUT.toMillis()));
    this.endpoints = endpoints;
    this.registry = registry;
    this.discoveryTtl = discoveryTtl;
    this.clock = clock;
  }

  @Override
  public Future<List<PodMetrics>> pods(String namespace, LabelSelector selector) {
    return get("/apis/metrics.k8s.io/v1beta1/namespaces/" + namespace + "/pods" + query("labelSelector", selector),
        "get pods.metrics.k8s.io").map(ApiMetricsSource::parse);
  }

  @Override
  public Future<List<MetricSample>> podsMetric(String namespace, LabelSelector selector, String metric,
                                               LabelSelector metricSelector) {
    return customVersion().compose(version -> get("/apis/" + CUSTOM_GROUP + "/" + version + "/namespaces/" + namespace
        + "/pods/*/" + metric + query("labelSelector", selector, "metricLabelSelector", metricSelector),
        "get pods." + CUSTOM_GROUP + " *")).map(MetricValueLists::custom);
  }

  @Override
  public Future<MetricSample> objectMetric(String namespace, String apiVersion, String kind, String name,
                                           String metric, LabelSelector metricSelector) {
    return customVersion().compose(version -> {
      String group = apiVersion == null || !apiVersion.contains("/") ? "" : apiVersion.substring(0,
          apiVersion.indexOf('/'));
      String base = "/apis/" + CUSTOM_GROUP + "/" + version + "/namespaces/";
      String params = query("metricLabelSelector", metricSelector);
      if (group.isEmpty() && "Namespace".equals(kind)) {
        // kube's client asks for the HPA's own namespace, whatever name the reference gives
        return get(base + namespace + "/metrics/" + metric + params, "get metrics." + CUSTOM_GROUP + " " + metric);
      }
      var type = registry.byGroupKind(group, kind).orElse(null);
      if (type == null) {
        return Future.failedFuture("unable to map kind " + (group.isEmpty() ? kind : kind + "." + group)
            + " to resource: no matches for kind \"" + kind + "\" in group \"" + group + "\"");
      }
      return get(base + namespace + "/" + type.resourceName() + "/" + name + "/" + metric + params,
          "get " + type.resourceName() + "." + CUSTOM_GROUP + " " + name);
    }).compose(body -> {
      List<MetricSample> items = MetricValueLists.custom(body);
      return items.size() == 1 ? Future.succeededFuture(items.get(0)) : Future.failedFuture("the custom metrics API "
          + "server returned " + items.size() + " results when we asked for exactly one");
    });
  }

  @Override
  public Future<List<MetricSample>> externalMetric(String namespace, String metric, LabelSelector metricSelector) {
    return discovery().compose(d -> d.external()
        ? get("/apis/" + EXTERNAL_GROUP + "/v1beta1/namespaces/" + namespace + "/" + metric
            + query("labelSelector", metricSelector), "get " + metric + "." + EXTERNAL_GROUP)
        : Future.failedFuture(MetricsSource.noExternalApi(metric))).map(MetricValueLists::external);
  }

  /** The custom metrics API's preferred version, as kube's client discovers it; fails when it is not registered. */
  private Future<String> customVersion() {
    return discovery().compose(d -> d.customVersion() == null ? Future.failedFuture(NO_CUSTOM_API)
        : Future.succeededFuture(d.customVersion()));
  }

  /** {@code /apis}, read again once {@code discoveryTtl} old. */
  private Future<Discovery> discovery() {
    Discovery d = discovery;
    Instant now = clock.instant();
    if (d != null && now.isBefore(d.at().plus(discoveryTtl))) {
      return Future.succeededFuture(d);
    }
    return get("/apis", "get").map(body -> {
      Discovery next = MetricValueLists.discovery(body, CUSTOM_GROUP, EXTERNAL_GROUP, now);
      discovery = next;
      return next;
    });
  }

  /** GETs {@code path} of an apiserver; a failure is worded as client-go words it for {@code request}. */
  private Future<Buffer> get(String path, String request) {
    Endpoints ep = endpoints.get("default", "kubernetes");
    EndpointSubset subset = ep == null || ep.getSubsets() == null || ep.getSubsets().isEmpty() ? null
        : ep.getSubsets().get(0);
    if (subset == null || subset.getAddresses().isEmpty() || subset.getPorts().isEmpty()) {
      return Future.failedFuture("no apiserver address in the default/kubernetes Endpoints");
    }
    EndpointAddress address = subset.getAddresses().get(0);
    EndpointPort port = subset.getPorts().get(0);
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.GET).setHost(address.getIp())
        .setPort(port.getPort()).setURI(path).putHeader("Accept", "application/json")
        .setIdleTimeout(TIMEOUT.toMillis());
    return client.request(req)
        .compose(r -> r.send().compose(resp -> resp.body().compose(body -> resp.statusCode() == 200
            ? Future.succeededFuture(body)
            : Future.failedFuture(error(resp.statusCode(), body, request)))));
  }

  /** A query of label selectors as client-go sends them: an empty one is left out. */
  private static String query(Object... nameAndSelector) {
    StringBuilder q = new StringBuilder();
    for (int i = 0; i < nameAndSelector.length; i += 2) {
      String text = nameAndSelector[i + 1].toString();
      if (!text.isEmpty()) {
        q.append(q.length() == 0 ? '?' : '&').append(nameAndSelector[i]).append('=')
            .append(URLEncoder.encode(text, StandardCharsets.UTF_8));
      }
    }
    return q.toString();
  }

  static String error(int code, Buffer body) {
    return error(code, body, "get pods.metrics.k8s.io");
  }

  /**
   * An error answer as client-go words it: a Status body's message, else the generic message of the code
   * with the request ({@code the server could not find the requested resource (get pods.metrics.k8s.io)}).
   */
  static String error(int code, Buffer body, String request) {
    try {
      JsonNode status = Json.MAPPER.readTree(body.getBytes());
      if ("Status".equals(status.path("kind").asText()) && status.hasNonNull("message")) {
        return status.path("message").asText();
      }
    } catch (Exception e) {
      // not JSON: the generic message below
    }
    String message = switch (code) {
      case 400 -> "the server rejected our request for an unknown reason";
      case 401 -> "the server has asked for the client to provide credentials";
      case 403 -> body.toString().trim();
      case 404 -> "the server could not find the requested resource";
      case 429 -> "the server has received too many requests and has asked us to try again later";
      case 503 -> "the server is currently unable to handle the request";
      case 504 -> "the server was unable to return a response in the time allotted, but may still be processing "
          + "the request";
      default -> code >= 500 ? "an error on the server (\"" + body.toString().trim()
          + "\") has prevented the request from succeeding" : "unknown";
    };
    return request.equals("get") ? message : message + " (" + request + ")";
  }

  /** A PodMetricsList's items: each container's usage by resource, in milli-units. */
  static List<PodMetrics> parse(Buffer body) {
    JsonNode list;
    try {
      list = Json.MAPPER.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("metrics.k8s.io answered something that is not JSON: " + e.getMessage(), e);
    }
    List<PodMetrics> out = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      Map<String, Map<String, Long>> containers = new LinkedHashMap<>();
      for (JsonNode c : item.path("containers")) {
        Map<String, Long> usage = new HashMap<>();
        c.path("usage").fields().forEachRemaining(u -> usage.put(u.getKey(),
            ReplicaCalculator.milli(new Quantity(u.getValue().asText()))));
        containers.put(c.path("name").asText(), usage);
      }
      Instant at = Instant.parse(item.path("timestamp").asText(Instant.EPOCH.toString()));
      Duration window = item.hasNonNull("window") ? parseDuration(item.path("window").asText()) : Duration.ZERO;
      out.add(new PodMetrics(item.path("metadata").path("namespace").asText(), item.path("metadata").path("name")
          .asText(), at, window, containers));
    }
    return out;
  }

  /** A Go duration of metrics.k8s.io ({@code 30s}, {@code 1m0s}, {@code 1.5s}). */
  static Duration parseDuration(String text) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("([0-9.]+)(ms|h|m|s)").matcher(text);
    double millis = 0;
    while (m.find()) {
      double v = Double.parseDouble(m.group(1));
      millis += switch (m.group(2)) {
        case "h" -> v * 3_600_000;
        case "m" -> v * 60_000;
        case "s" -> v * 1000;
        default -> v;
      };
    }
    return Duration.ofMillis((long) millis);
  }
}
