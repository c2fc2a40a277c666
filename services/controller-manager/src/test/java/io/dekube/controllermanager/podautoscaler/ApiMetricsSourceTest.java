package io.dekube.controllermanager.podautoscaler;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The resource metrics client's reading of a PodMetricsList, and its errors as client-go words them. */
class ApiMetricsSourceTest {

  private static final String LIST = """
      {"kind":"PodMetricsList","items":[
       {"metadata":{"name":"web-1","namespace":"ns"},"timestamp":"2026-01-01T00:00:00Z","window":"15.5s",
        "containers":[{"name":"app","usage":{"cpu":"150m","memory":"64Mi"}},{"name":"proxy","usage":{"cpu":"10m"}}]},
       {"metadata":{"name":"web-2","namespace":"ns"},"timestamp":"2026-01-01T00:00:00Z","window":"30s",
        "containers":[{"name":"app","usage":{"cpu":"1"}}]}]}""";

  @Test
  void podsSumTheirContainersAndAPodMissingAResourceHasNoSample() throws Exception {
    List<PodMetrics> items = ApiMetricsSource.parse(Buffer.buffer(LIST));
    assertEquals(Duration.ofMillis(15_500), items.get(0).window());
    Map<String, PodSample> cpu = PodMetrics.samples(items, "cpu", null);
    assertEquals(160, cpu.get("web-1").milliValue());
    assertEquals(1000, cpu.get("web-2").milliValue());
    assertEquals(Map.of(), PodMetrics.samples(items.subList(0, 1), "memory", null),
        "the proxy container reports no memory: kube leaves the pod out");
    assertEquals(150, PodMetrics.samples(items, "cpu", "app").get("web-1").milliValue());
    var e = assertThrows(ReplicaCalculator.CalculationException.class, () -> PodMetrics.samples(items, "cpu", "proxy"));
    assertEquals("failed to get container metrics: container proxy not present in metrics for pod ns/web-2",
        e.getMessage());
    e = assertThrows(ReplicaCalculator.CalculationException.class, () -> PodMetrics.samples(List.of(), "cpu", null));
    assertEquals("no metrics returned from resource metrics API", e.getMessage());
  }

  @Test
  void errorsAreWordedAsClientGoWordsThem() {
    assertEquals("the server could not find the requested resource (get pods.metrics.k8s.io)",
        ApiMetricsSource.error(404, Buffer.buffer("404 page not found")));
    assertEquals("the server is currently unable to handle the request (get pods.metrics.k8s.io)",
        ApiMetricsSource.error(503, Buffer.buffer("service unavailable")));
    assertEquals("pods.metrics.k8s.io is forbidden: User \"x\" cannot list resource \"pods\"",
        ApiMetricsSource.error(403, Buffer.buffer("{\"kind\":\"Status\",\"message\":\"pods.metrics.k8s.io is forbidden: "
            + "User \\\"x\\\" cannot list resource \\\"pods\\\"\"}")));
  }

  @Test
  void milliValuesPrintAsKubesDecimalQuantities() {
    assertEquals("150m", MetricProposals.milliQuantity(150).toString());
    assertEquals("1", MetricProposals.milliQuantity(1000).toString());
    assertEquals("52428800", MetricProposals.milliQuantity(52_428_800_000L).toString());
    assertEquals("100M", MetricProposals.milliQuantity(100_000_000_000L).toString());
    assertEquals("0", MetricProposals.milliQuantity(0).toString());
  }
  @Test
  void metricValueListsAndDiscoveryAreReadAsKubesClientsReadThem() {
    var custom = MetricValueLists.custom(Buffer.buffer("""
        {"kind":"MetricValueList","apiVersion":"custom.metrics.k8s.io/v1beta1","items":[
         {"describedObject":{"kind":"Pod","name":"web-1"},"metricName":"qps","timestamp":"2026-01-01T00:00:00Z",
          "value":"1500m"},
         {"describedObject":{"kind":"Pod","name":"web-2"},"metricName":"qps","timestamp":"2026-01-01T00:00:00Z",
          "windowSeconds":30,"value":"2k"}]}"""));
    assertEquals(List.of(new MetricsSource.MetricSample("web-1", 1500, java.time.Instant.parse("2026-01-01T00:00:00Z"),
            Duration.ofMinutes(1)), new MetricsSource.MetricSample("web-2", 2_000_000,
            java.time.Instant.parse("2026-01-01T00:00:00Z"), Duration.ofSeconds(30))), custom,
        "without windowSeconds, kube's default window of a minute");
    assertEquals(List.of(12_000L), MetricValueLists.external(Buffer.buffer("""
        {"kind":"ExternalMetricValueList","items":[{"metricName":"q","timestamp":"2026-01-01T00:00:00Z",
         "value":"12"}]}""")).stream().map(MetricsSource.MetricSample::milliValue).toList());
    var d = MetricValueLists.discovery(Buffer.buffer("""
        {"kind":"APIGroupList","groups":[{"name":"apps","versions":[{"groupVersion":"apps/v1","version":"v1"}]},
         {"name":"custom.metrics.k8s.io","versions":[{"groupVersion":"custom.metrics.k8s.io/v1beta2","version":
          "v1beta2"},{"groupVersion":"custom.metrics.k8s.io/v1beta1","version":"v1beta1"}],
          "preferredVersion":{"groupVersion":"custom.metrics.k8s.io/v1beta1","version":"v1beta1"}}]}"""),
        "custom.metrics.k8s.io", "external.metrics.k8s.io", java.time.Instant.EPOCH);
    assertEquals("v1beta1", d.customVersion(), "the preferred version, as kube's client takes it");
    assertEquals(false, d.external());
    assertEquals("the server could not find the requested resource (get QueueDepth.external.metrics.k8s.io)",
        MetricsSource.noExternalApi("QueueDepth"), "client-go names the resource as the request did");
    assertEquals("the server is currently unable to handle the request (get pods.custom.metrics.k8s.io *)",
        ApiMetricsSource.error(503, Buffer.buffer("service unavailable"), "get pods.custom.metrics.k8s.io *"));
  }
}
