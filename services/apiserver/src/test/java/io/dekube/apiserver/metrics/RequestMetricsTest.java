package io.dekube.apiserver.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import org.junit.jupiter.api.Test;

/** The Prometheus exposition of the request metrics: kube-apiserver's names, labels and buckets. */
class RequestMetricsTest {

  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final RequestMetrics metrics = new RequestMetrics(registry);

  private static final RequestLabels CREATE = new RequestLabels("POST", "", "", "v1", "configmaps", "", "namespace");
  private static final RequestLabels WATCH = new RequestLabels("WATCH", "", "", "v1", "configmaps", "", "namespace");
  private static final RequestLabels LIST = new RequestLabels("LIST", "", "apps", "v1", "deployments", "", "cluster");

  @Test
  void countsEachCodeAndTimesWithKubesBuckets() {
    metrics.record(CREATE, 201, 3_000_000, 500);
    metrics.record(CREATE, 201, 30_000_000, 500);
    metrics.record(CREATE, 409, 1_000_000, 200);
    String page = registry.scrape();
    assertTrue(page.contains("apiserver_request_total{code=\"201\",component=\"apiserver\",dry_run=\"\",group=\"\","
        + "resource=\"configmaps\",scope=\"namespace\",subresource=\"\",verb=\"POST\",version=\"v1\"} 2"), page);
    assertTrue(page.contains("apiserver_request_total{code=\"409\",component=\"apiserver\""), page);
    assertTrue(page.contains("apiserver_request_duration_seconds_bucket{component=\"apiserver\",dry_run=\"\",group=\"\","
        + "resource=\"configmaps\",scope=\"namespace\",subresource=\"\",verb=\"POST\",version=\"v1\",le=\"0.005\"} 2"),
        page);
    assertTrue(page.contains("verb=\"POST\",version=\"v1\",le=\"0.05\"} 3"), page);
    assertTrue(page.contains("verb=\"POST\",version=\"v1\",le=\"60.0\"} 3"), page);
    assertFalse(page.contains("apiserver_response_sizes_bucket{component=\"apiserver\",group=\"\",resource=\"configmaps\""),
        "writes have no response size: " + page);
  }

  @Test
  void watchesAreCountedButNotTimedAndReadsAreSized() {
    metrics.record(WATCH, 200, 90_000_000_000L, 10_000);
    metrics.record(LIST, 200, 2_000_000, 20_000);
    String page = registry.scrape();
    assertTrue(page.contains("verb=\"WATCH\",version=\"v1\"} 1"), page);
    assertFalse(page.contains("apiserver_request_duration_seconds_count{component=\"apiserver\",dry_run=\"\",group=\"\","
        + "resource=\"configmaps\",scope=\"namespace\",subresource=\"\",verb=\"WATCH\""), page);
    assertTrue(page.contains("apiserver_response_sizes_bucket{component=\"apiserver\",group=\"apps\",resource=\"deployments\","
        + "scope=\"cluster\",subresource=\"\",verb=\"LIST\",version=\"v1\",le=\"100000.0\"} 1"), page);
  }

  @Test
  void inflightAndLongRunningGauges() {
    metrics.inflight(true).incrementAndGet();
    metrics.series(WATCH).longRunning().incrementAndGet();
    metrics.series(WATCH).longRunning().incrementAndGet();
    String page = registry.scrape();
    assertTrue(page.contains("apiserver_current_inflight_requests{request_kind=\"readOnly\"} 1"), page);
    assertTrue(page.contains("apiserver_current_inflight_requests{request_kind=\"mutating\"} 0"), page);
    assertTrue(page.contains("apiserver_longrunning_requests{component=\"apiserver\",group=\"\",resource=\"configmaps\","
        + "scope=\"namespace\",subresource=\"\",verb=\"WATCH\",version=\"v1\"} 2"), page);
  }

  @Test
  void theMetersOfALabelSetAreMadeOnce() {
    assertSame(metrics.series(CREATE), metrics.series(new RequestLabels("POST", "", "", "v1", "configmaps", "", "namespace")));
    assertSame(metrics.series(CREATE).counter(201), metrics.series(CREATE).counter(201));
    assertEquals(1, registry.find("apiserver.request").counters().size());
  }
}
