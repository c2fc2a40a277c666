package io.dekube.controllermanager.podautoscaler;

import io.dekube.core.informer.LabelSelector;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * Where the HPA controller reads its metrics, as kube's {@code MetricsClient}: pod usage from
 * {@code metrics.k8s.io}, custom metrics of pods and objects from {@code custom.metrics.k8s.io}, external
 * metrics from {@code external.metrics.k8s.io} — through the apiserver in a cluster, a table in tests.
 * Each fails with the client's own error (as client-go words it, without the controller's prefixes);
 * a source without the custom and external metrics APIs fails those as kube does when they are not registered.
 */
interface MetricsSource {

  /** The custom metrics client's error when discovery does not list {@code custom.metrics.k8s.io}. */
  String NO_CUSTOM_API = "no custom metrics API (custom.metrics.k8s.io) registered";

  /** One value of a custom or external metric: for {@code name} (a pod's; empty for others), in milli-units. */
  record MetricSample(String name, long milliValue, Instant timestamp, Duration window) {
  }

  /**
   * The PodMetrics of the pods of {@code namespace} that {@code selector} selects, as the resource
   * metrics API lists them.
   */
  Future<List<PodMetrics>> pods(String namespace, LabelSelector selector);

  /**
   * A custom metric of each pod {@code selector} selects ({@code GetForObjects} of kind Pod): the pods'
   * samples as the API lists them.
   */
  default Future<List<MetricSample>> podsMetric(String namespace, LabelSelector selector, String metric,
                                                 LabelSelector metricSelector) {
    return Future.failedFuture(NO_CUSTOM_API);
  }

  /**
   * A custom metric of one object of {@code namespace} ({@code GetForObject}), named by its
   * {@code apiVersion} and {@code kind} as an HPA's {@code describedObject} names it.
   */
  default Future<MetricSample> objectMetric(String namespace, String apiVersion, String kind, String name,
                                            String metric, LabelSelector metricSelector) {
    return Future.failedFuture(NO_CUSTOM_API);
  }

  /** The values of an external metric that {@code metricSelector} selects. */
  default Future<List<MetricSample>> externalMetric(String namespace, String metric, LabelSelector metricSelector) {
    return Future.failedFuture(noExternalApi(metric));
  }

  /**
   * What kube's external metrics client gets from an apiserver that serves no {@code external.metrics.k8s.io}:
   * the apiserver's plain 404 for the path, worded by client-go with the metric, as it is, as the resource.
   */
  static String noExternalApi(String metric) {
    return "the server could not find the requested resource (get " + metric + ".external.metrics.k8s.io)";
  }
}
