package io.dekube.core.metrics;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * The process-wide Prometheus meter registry that every component records into and that
 * {@code /metrics} serves. Thread-safe (Micrometer meters are).
 *
 * <p>Metric names used across dekube (Prometheus spelling):
 * {@code dekube_writer_requests_total{verb,resource,result}}, {@code dekube_writer_latency_seconds},
 * {@code dekube_writer_batch_size}, {@code dekube_writer_bad_messages_total{reason}},
 * {@code dekube_informer_lag_records{resource}}, {@code dekube_store_client_requests_total}; the apiserver's
 * requests under kube-apiserver's names ({@code apiserver_request_total}, {@code apiserver_request_duration_seconds},
 * {@code apiserver_current_inflight_requests}, {@code apiserver_longrunning_requests}, {@code apiserver_response_sizes}).
 */
public final class Metrics {

  private static final PrometheusMeterRegistry REGISTRY = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);

  private Metrics() {
  }

  /** The shared registry. */
  public static PrometheusMeterRegistry registry() {
    return REGISTRY;
  }

  /** The Prometheus text exposition of every meter, its numbers as kube's components print them. */
  public static String scrape() {
    return GoFloatText.rewrite(REGISTRY.scrape());
  }
}
