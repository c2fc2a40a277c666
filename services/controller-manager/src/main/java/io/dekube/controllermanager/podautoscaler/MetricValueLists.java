package io.dekube.controllermanager.podautoscaler;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.fabric8.kubernetes.api.model.Quantity;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The answers of the custom and external metrics APIs as kube's clients read them: a
 * {@code MetricValueList} (custom.metrics.k8s.io v1beta1 and v1beta2 alike: each item's described
 * object, value, timestamp and {@code windowSeconds}, one minute when absent, as kube's
 * {@code metricServerDefaultMetricWindow}), an {@code ExternalMetricValueList}, and the {@code /apis}
 * discovery that says which of those APIs are registered. Pure.
 */
final class MetricValueLists {

  static final Duration DEFAULT_WINDOW = Duration.ofMinutes(1);

  private MetricValueLists() {
  }

  /** A MetricValueList's items, named after their described objects. */
  static List<MetricsSource.MetricSample> custom(Buffer body) {
    JsonNode list = read(body, "custom");
    List<MetricsSource.MetricSample> out = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      out.add(sample(item, item.path("describedObject").path("name").asText("")));
    }
    return out;
  }

  /** An ExternalMetricValueList's items. */
  static List<MetricsSource.MetricSample> external(Buffer body) {
    JsonNode list = read(body, "external");
    List<MetricsSource.MetricSample> out = new ArrayList<>();
    for (JsonNode item : list.path("items")) {
      out.add(sample(item, ""));
    }
    return out;
  }

  /**
   * What an {@code APIGroupList} says of the two groups: the custom one's preferred version (null when
   * it is not listed), whether the external one is listed.
   */
  static ApiMetricsSource.Discovery discovery(Buffer body, String customGroup, String externalGroup, Instant at) {
    JsonNode list = read(body, "discovery");
    String custom = null;
    boolean external = false;
    for (JsonNode group : list.path("groups")) {
      String name = group.path("name").asText();
      if (name.equals(customGroup)) {
        custom = group.path("preferredVersion").path("version").asText(null);
        if (custom == null && group.path("versions").size() > 0) {
          custom = group.path("versions").get(0).path("version").asText();
        }
      } else if (name.equals(externalGroup)) {
        external = true;
      }
    }
    return new ApiMetricsSource.Discovery(custom, external, at);
  }

  private static MetricsSource.MetricSample sample(JsonNode item, String name) {
    long milli = ReplicaCalculator.milli(new Quantity(item.path("value").asText("0")));
    Instant at = Instant.parse(item.path("timestamp").asText(Instant.EPOCH.toString()));
    Duration window = item.hasNonNull("windowSeconds") ? Duration.ofSeconds(item.path("windowSeconds").asLong())
        : DEFAULT_WINDOW;
    return new MetricsSource.MetricSample(name, milli, at, window);
  }

  private static JsonNode read(Buffer body, String what) {
    try {
      return Json.MAPPER.readTree(body.getBytes());
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("the " + what + " metrics answer is not JSON: " + e.getMessage(), e);
    }
  }
}
