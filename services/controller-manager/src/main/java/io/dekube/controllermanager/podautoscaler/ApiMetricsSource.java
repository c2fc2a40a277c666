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
import java.util.HashMap;
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
  public Future<Map<String, PodSample>> pods(String namespace, LabelSelector selector, String resource) {
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
            ? Future.succeededFuture(parse(body, resource))
            : Future.failedFuture("the server answered " + resp.statusCode() + ": " + message(body)))));
  }

  private static String message(Buffer body) {
    try {
      return Json.MAPPER.readTree(body.getBytes()).path("message").asText(body.toString());
    } catch (Exception e) {
      return body.toString();
    }
  }

  /** A PodMetricsList: each pod's usage of {@code resource} summed over its containers. */
  static Map<String, PodSample> parse(Buffer body, String resource) {
    JsonNode list;
    try {
      list = Json.MAPPER.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("metrics.k8s.io answered something that is not JSON: " + e.getMessage(), e);
    }
    Map<String, PodSample> out = new HashMap<>();
    for (JsonNode item : list.path("items")) {
      long sum = 0;
      boolean any = false;
      for (JsonNode c : item.path("containers")) {
        JsonNode usage = c.path("usage").path(resource);
        if (usage.isTextual()) {
          sum += ReplicaCalculator.milli(new Quantity(usage.asText()));
          any = true;
        }
      }
      if (any) {
        Instant at = Instant.parse(item.path("timestamp").asText(Instant.EPOCH.toString()));
        Duration window = item.hasNonNull("window") ? parseDuration(item.path("window").asText()) : Duration.ZERO;
        out.put(item.path("metadata").path("name").asText(), new PodSample(sum, at, window));
      }
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
