package io.dekube.metricsserver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Scrapes of the kubelet's text to the metrics.k8s.io answers kubectl top reads. */
class MetricsApiTest {

  private static String scrape(long ms, double nodeCpu, double webCpu, double startTime) {
    return """
        # HELP container_cpu_usage_seconds_total [STABLE] Cumulative cpu time consumed by the container in core-seconds
        # TYPE container_cpu_usage_seconds_total counter
        container_cpu_usage_seconds_total{container="web",namespace="demo",pod="web-1"} %s %d
        container_cpu_usage_seconds_total{container="sidecar",namespace="demo",pod="web-1"} 0.5 %d
        container_memory_working_set_bytes{container="web",namespace="demo",pod="web-1"} 2097152 %d
        container_memory_working_set_bytes{container="sidecar",namespace="demo",pod="web-1"} 0 %d
        container_start_time_seconds{container="web",namespace="demo",pod="web-1"} %s %d
        node_cpu_usage_seconds_total %s %d
        node_memory_working_set_bytes 1073741824 %d
        scrape_error 0
        """.formatted(webCpu, ms, ms, ms, ms, startTime, ms, nodeCpu, ms, ms);
  }

  private static ObjectNode obj(String yaml) {
    try {
      return (ObjectNode) Json.YAML.readTree(yaml);
    } catch (Exception e) {
      throw new IllegalArgumentException(e);
    }
  }

  private final ObjectNode node = obj("metadata: {name: kube-node-01, labels: {zone: a}}");
  private final ObjectNode pod = obj("metadata: {name: web-1, namespace: demo, labels: {app: web}}");
  private final MetricsStore store = new MetricsStore();
  private final MetricsApi api = new MetricsApi(store, () -> List.of(node),
      ns -> ns.isEmpty() || ns.equals("demo") ? List.of(pod) : List.of());

  @Test
  void nothingIsShownBeforeTwoScrapesThenRatesOverTheWindow() {
    store.put("kube-node-01", NodeScrape.parse(scrape(1_000_000, 10.0, 1.0, 100)));
    assertEquals(0, api.get("/nodes", null).path("items").size());
    assertThrows(StatusException.class, () -> api.get("/namespaces/demo/pods/web-1", null));
    store.put("kube-node-01", NodeScrape.parse(scrape(1_015_000, 13.0, 1.15, 100)));

    JsonNode n = api.get("/nodes/kube-node-01", null);
    assertEquals("NodeMetrics", n.path("kind").asText());
    assertEquals("200000000n", n.at("/usage/cpu").asText(), n.toString()); // 3 s of CPU in 15 s
    assertEquals("1048576Ki", n.at("/usage/memory").asText());
    assertEquals("15s", n.path("window").asText());
    assertEquals("a", n.at("/metadata/labels/zone").asText());

    JsonNode p = api.get("/namespaces/demo/pods/web-1", null);
    assertEquals("PodMetrics", p.path("kind").asText());
    assertEquals("sidecar", p.at("/containers/0/name").asText());
    assertEquals("0n", p.at("/containers/0/usage/cpu").asText());
    assertEquals("web", p.at("/containers/1/name").asText());
    assertEquals("10000000n", p.at("/containers/1/usage/cpu").asText(), p.toString());
    assertEquals("2048Ki", p.at("/containers/1/usage/memory").asText());
    assertEquals("demo", p.at("/metadata/namespace").asText());
  }

  @Test
  void listsFilterByNamespaceAndLabelsAndUnknownObjectsAre404() {
    store.put("kube-node-01", NodeScrape.parse(scrape(1_000_000, 10.0, 1.0, 100)));
    store.put("kube-node-01", NodeScrape.parse(scrape(1_010_000, 11.0, 1.1, 100)));
    assertEquals(1, api.get("/pods", null).path("items").size());
    assertEquals("PodMetricsList", api.get("/namespaces/demo/pods", "app=web").path("kind").asText());
    assertEquals(1, api.get("/namespaces/demo/pods", "app=web").path("items").size());
    assertEquals(0, api.get("/namespaces/demo/pods", "app=db").path("items").size());
    assertEquals(0, api.get("/namespaces/other/pods", null).path("items").size());
    assertEquals(0, api.get("/nodes", "zone=b").path("items").size());
    StatusException e = assertThrows(StatusException.class, () -> api.get("/nodes/nope", null));
    assertEquals(404, e.code());
    assertEquals("nodes.metrics.k8s.io \"nope\" not found", e.getMessage());
    assertEquals(404, assertThrows(StatusException.class, () -> api.get("/deployments", null)).code());
    JsonNode list = api.get("", null);
    assertEquals("metrics.k8s.io/v1beta1", list.path("groupVersion").asText());
    assertEquals("nodes", list.at("/resources/0/name").asText());
    assertTrue(list.at("/resources/1/namespaced").asBoolean());
  }

  @Test
  void aRestartedContainerWaitsForTwoSamplesOfItsNewRun() {
    store.put("kube-node-01", NodeScrape.parse(scrape(1_000_000, 10.0, 5.0, 100)));
    store.put("kube-node-01", NodeScrape.parse(scrape(1_010_000, 11.0, 0.1, 200)));
    assertEquals(0, api.get("/pods", null).path("items").size());
    assertEquals(1, api.get("/nodes", null).path("items").size());
  }

  @Test
  void tablesHaveMetricsServersColumnsAndSumAPodsContainers() {
    store.put("kube-node-01", NodeScrape.parse(scrape(1_000_000, 10.0, 1.0, 100)));
    store.put("kube-node-01", NodeScrape.parse(scrape(1_010_000, 11.0, 1.1, 100)));
    assertTrue(MetricsTable.wanted("application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
    JsonNode pods = MetricsTable.of(api.get("/namespaces/demo/pods", null));
    assertEquals("Table", pods.path("kind").asText());
    assertEquals(List.of("Name", "CPU", "Memory", "Window"),
        List.of(pods.at("/columnDefinitions/0/name").asText(), pods.at("/columnDefinitions/1/name").asText(),
            pods.at("/columnDefinitions/2/name").asText(), pods.at("/columnDefinitions/3/name").asText()));
    assertEquals("[\"web-1\",\"10000000n\",\"2048Ki\",\"10s\"]", pods.at("/rows/0/cells").toString());
    assertEquals("demo", pods.at("/rows/0/object/metadata/namespace").asText());
    JsonNode node = MetricsTable.of(api.get("/nodes/kube-node-01", null));
    assertEquals("[\"kube-node-01\",\"100000000n\",\"1048576Ki\",\"10s\"]", node.at("/rows/0/cells").toString());
  }

  @Test
  void windowsAreGoDurations() {
    assertEquals("15s", MetricsApi.window(Duration.ofSeconds(15)));
    assertEquals("4.99s", MetricsApi.window(Duration.ofMillis(4990)));
  }
}
