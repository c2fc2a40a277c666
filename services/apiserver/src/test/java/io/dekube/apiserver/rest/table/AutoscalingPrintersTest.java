package io.dekube.apiserver.rest.table;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.core.model.Json;
import org.junit.jupiter.api.Test;

/** The TARGETS column of {@code kubectl get hpa} as kube 1.32's printer makes it. */
class AutoscalingPrintersTest {

  private static String targets(String json) throws Exception {
    return AutoscalingPrinters.targets(Json.MAPPER.readTree(json));
  }

  @Test
  void containerResourceMetricsAreNamedByTheirResourceAndAFailedMetricIsUnknown() throws Exception {
    assertEquals("cpu: 150%/50%, memory: 209715200/100Mi", targets("""
        {"spec":{"metrics":[
          {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app",
           "target":{"type":"Utilization","averageUtilization":50}}},
          {"type":"ContainerResource","containerResource":{"name":"memory","container":"app",
           "target":{"type":"AverageValue","averageValue":"100Mi"}}}]},
         "status":{"currentMetrics":[
          {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app",
           "current":{"averageUtilization":150,"averageValue":"150m"}}},
          {"type":"ContainerResource","containerResource":{"name":"memory","container":"app",
           "current":{"averageValue":"209715200"}}}]}}"""));
    assertEquals("<unknown>/1k, cpu: 0%/50%", targets("""
        {"spec":{"metrics":[
          {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"1k"}}},
          {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app",
           "target":{"type":"Utilization","averageUtilization":50}}}]},
         "status":{"currentMetrics":[{"type":""},
          {"type":"ContainerResource","containerResource":{"name":"cpu","container":"app",
           "current":{"averageUtilization":0,"averageValue":"0"}}}]}}"""));
  }
  @Test
  void podsObjectAndExternalMetricsShowWhatTheControllerWrote() throws Exception {
    assertEquals("2/1, 15k/10k + 3 more...", targets("""
        {"spec":{"metrics":[
          {"type":"Pods","pods":{"metric":{"name":"qps"},"target":{"type":"AverageValue","averageValue":"1"}}},
          {"type":"Object","object":{"describedObject":{"kind":"Ingress","name":"main-route"},
           "metric":{"name":"rps"},"target":{"type":"Value","value":"10k"}}},
          {"type":"Object","object":{"describedObject":{"kind":"Ingress","name":"main-route"},
           "metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"5k"}}},
          {"type":"External","external":{"metric":{"name":"q"},"target":{"type":"Value","value":"20"}}},
          {"type":"External","external":{"metric":{"name":"q"},"target":{"type":"AverageValue","averageValue":"10"}}}]},
         "status":{"currentMetrics":[
          {"type":"Pods","pods":{"metric":{"name":"qps"},"current":{"averageValue":"2"}}},
          {"type":"Object","object":{"describedObject":{"kind":"Ingress","name":"main-route"},"metric":{"name":"rps"},
           "current":{"value":"15k"}}},
          {"type":"Object","object":{"metric":{"name":"rps"},"current":{"averageValue":"7500"}}},
          {"type":"External","external":{"metric":{"name":"q"},"current":{"value":"30"}}},
          {"type":"External","external":{"metric":{"name":"q"},"current":{"averageValue":"15"}}}]}}"""));
    assertEquals("7500/5k (avg), 30/20", targets("""
        {"spec":{"metrics":[
          {"type":"Object","object":{"describedObject":{"kind":"Ingress","name":"main-route"},
           "metric":{"name":"rps"},"target":{"type":"AverageValue","averageValue":"5k"}}},
          {"type":"External","external":{"metric":{"name":"q"},"target":{"type":"Value","value":"20"}}}]},
         "status":{"currentMetrics":[
          {"type":"Object","object":{"metric":{"name":"rps"},"current":{"averageValue":"7500"}}},
          {"type":"External","external":{"metric":{"name":"q"},"current":{"value":"30"}}}]}}"""));
    assertEquals("15/10 (avg)", targets("""
        {"spec":{"metrics":[
          {"type":"External","external":{"metric":{"name":"q"},"target":{"type":"AverageValue","averageValue":"10"}}}]},
         "status":{"currentMetrics":[{"type":"External","external":{"metric":{"name":"q"},
          "current":{"averageValue":"15"}}}]}}"""));
  }
}
