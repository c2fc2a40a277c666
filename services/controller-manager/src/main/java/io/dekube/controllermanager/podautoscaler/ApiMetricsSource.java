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
import java.util.stream.Collectors;

/**
 * Pod usage from {@code /apis/metrics.k8s.io/v1beta1/namespaces/<ns>/pods?labelSelector=...} of the
 * apiserver — kube's path: the apiserver authenticates and authorizes the call and proxies it to the
 * metrics server registered behind the APIService. The apiserver is found as an in-cluster client
 * finds it, through the {@code default/kubernetes} Endpoints (any apiserver of the cluster). Never
 * blocks.
 */
final class ApiMetricsSource implements MetricsSource {

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final HttpClient client;
  private final Lister<Endpoints> endpoints;

  ApiMetricsSource(Vertx vertx, ApiCredentials credentials, Lister<Endpoints> endpoints) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(credentials.caPem())))
        .setKeyCertOptions(io.dekube.core.pki.KeyCerts.ofPem(credentials.keyPem(), credentials.certificatePem()))
        .setConnectTimeout((int) TIMEOUT.toMillis()));
    this.endpoints = endpoints;
  }

  @Override
  public Future<List<PodMetrics>> pods(String namespace, LabelSelector selector) {
    Endpoints ep = endpoints.get("default", "kubernetes");
    EndpointSubset subset = ep == null || ep.getSubsets() == null || ep.getSubsets().isEmpty() ? null
        : ep.getSubsets().get(0);
    if (subset == null || subset.getAddresses().isEmpty() || subset.getPorts().isEmpty()) {
      return Future.failedFuture("no apiserver address in the default/kubernetes Endpoints");
    }
    EndpointAddress address = subset.getAddresses().get(0);
    EndpointPort port = subset.getPorts().get(0);
    String query = selector.isEverything() ? "" : "?labelSelector=" + URLEncoder.encode(
        selector.requirements().stream().map(Object::toString).collect(Collectors.joining(",")), StandardCharsets.UTF_8);
    RequestOptions req = new RequestOptions().setMethod(HttpMethod.GET).setHost(address.getIp())
        .setPort(port.getPort()).setURI("/apis/metrics.k8s.io/v1beta1/namespaces/" + namespace + "/pods" + query)
        .putHeader("Accept", "application/json").setIdleTimeout(TIMEOUT.toMillis());
    return client.request(req)
        .compose(r -> r.send().compose(resp -> resp.body().compose(body -> resp.statusCode() == 200
            ? Future.succeededFuture(parse(body))
            : Future.failedFuture(error(resp.statusCode(), body)))));
  }

  /**
   * An error answer as client-go words it: a Status body's message, else the generic message of the code
   * with the request ({@code the server could not find the requested resource (get pods.metrics.k8s.io)}).
   */
  static String error(int code, Buffer body) {
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
    return message + " (get pods.metrics.k8s.io)";
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
