package io.dekube.controllermanager.nodelifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kube's zone keys, zone states, zone rates and rate-limited taint queue, as tables. */
class ZonesTest {

  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "''                                   | Normal",
      "True,True                            | Normal",
      "Unknown                              | FullDisruption",
      "False,Unknown                        | FullDisruption",
      "True,False,Unknown                   | Normal",
      "True,False,Unknown,Unknown           | PartialDisruption",
      "True,True,False,Unknown,Unknown      | PartialDisruption",
      "True,True,True,False,Unknown,Unknown | Normal",
      "True,'',Unknown,Unknown              | PartialDisruption",
  })
  void theZoneStateIsKubesComputeZoneState(String ready, String state) {
    List<String> statuses = ready.isEmpty() ? List.of()
        : Arrays.stream(ready.split(",", -1)).map(String::strip).toList();
    assertEquals(state, ZoneState.compute(statuses, 0.55f).toString());
  }

  @ParameterizedTest(name = "labels [{0}]")
  @CsvSource(delimiter = '|', value = {
      "''                                                                  | ''",
      "topology.kubernetes.io/zone=a                                       | :\\0:a",
      "topology.kubernetes.io/region=r;topology.kubernetes.io/zone=a       | r:\\0:a",
      "failure-domain.beta.kubernetes.io/region=r;failure-domain.beta.kubernetes.io/zone=b | r:\\0:b",
      "topology.kubernetes.io/zone=a;failure-domain.beta.kubernetes.io/zone=b | :\\0:a",
      "kubernetes.io/hostname=n1                                           | ''",
  })
  void theZoneKeyIsKubesGetZoneKey(String labels, String key) {
    NodeBuilder b = new NodeBuilder().withNewMetadata().withName("n1").endMetadata();
    for (String l : labels.split(";")) {
      if (!l.isEmpty()) {
        b.editMetadata().addToLabels(l.split("=")[0], l.split("=")[1]).endMetadata();
      }
    }
    assertEquals(key.replace("\\0", "\0"), Zones.key(b.build()));
    assertEquals("\"r:\\x00:a\"", Zones.quoted("r:\0:a"), "as klog prints it");
  }

  @ParameterizedTest(name = "{0} of {1} nodes: {2}/s")
  @CsvSource({
      "Normal, 3, 0.1",
      "FullDisruption, 3, 0.1",
      "PartialDisruption, 3, 0",
      "PartialDisruption, 50, 0",
      "PartialDisruption, 51, 0.01",
  })
  void theZoneRateIsKubesSetLimiterInZone(String state, int size, float rate) {
    ZoneState s = Arrays.stream(ZoneState.values()).filter(z -> z.toString().equals(state)).findFirst().orElseThrow();
    assertEquals(rate, NodeLifecycleOptions.DEFAULTS.rate(s, size));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // seconds after T0 : what each take lets out, in turn
      "a burst of one, then one every 10 s | 0=a;5=;10=b;19=;20=c;100=",
      "a stopped queue lets none out       | 0=a;stop;100=;go;100=;110=b",
  })
  void theTaintQueueLetsNodesOutAtItsRate(String name, String steps) {
    TaintQueue q = new TaintQueue(0.1f, T0);
    List.of("a", "b", "c").forEach(q::add);
    assertEquals(false, q.add("b"), "a waiting node is not queued twice");
    Instant last = T0;
    for (String step : steps.split(";")) {
      if (step.equals("stop")) {
        q.swapRate(0, last);
        continue;
      }
      if (step.equals("go")) {
        q.swapRate(0.1f, last);
        continue;
      }
      String[] kv = step.split("=", -1);
      last = T0.plusSeconds(Long.parseLong(kv[0]));
      assertEquals(kv[1].isEmpty() ? List.of() : List.of(kv[1]), q.take(last), step);
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      // passes (zone=statuses, space between zones) | the change each pass reports | the zones' rates after the last
      "first pass, healthy       | a=True,True,Unknown                         | NONE                       | a=0.1",
      "all down                  | a=Unknown,Unknown                           | ENTERED_MASTER_DISRUPTION  | a=0.0",
      "all down, then one back   | a=Unknown,Unknown;a=True,Unknown            | ENTERED_MASTER_DISRUPTION,EXITED_MASTER_DISRUPTION | a=0.1",
      "one zone down of two      | a=Unknown,Unknown b=True                    | NONE                       | a=0.1 b=0.1",
      "a small zone half down    | a=True,Unknown,Unknown,Unknown               | NONE                       | a=0.0",
      "both zones down           | a=Unknown b=False                           | ENTERED_MASTER_DISRUPTION  | a=0.0 b=0.0",
      "no nodes                  | ''                                          | NONE                       | ''",
  })
  void aPassSetsTheZonesRatesAndMasterDisruption(String name, String passes, String changes, String rates) {
    Disruption d = new Disruption(NodeLifecycleOptions.DEFAULTS);
    String[] p = passes.split(";");
    String[] c = changes.split(",");
    for (int i = 0; i < p.length; i++) {
      Map<String, List<String>> zones = new java.util.LinkedHashMap<>();
      for (String z : p[i].split(" ")) {
        if (!z.isEmpty()) {
          zones.put(z.split("=")[0], List.of(z.split("=")[1].split(",")));
        }
      }
      assertEquals(c[i], d.observe(zones, T0.plusSeconds(i)).name(), p[i]);
    }
    for (String r : rates.split(" ")) {
      if (!r.isEmpty()) {
        assertEquals(Float.parseFloat(r.split("=")[1]), d.queue(r.split("=")[0], T0).qps(), r);
      }
    }
    assertEquals(c[c.length - 1].startsWith("ENTERED"), d.masterDisruption());
  }

  @org.junit.jupiter.api.Test
  void aPassSetsKubesZoneMetricsAndDropsAGoneZones() {
    Disruption d = new Disruption(NodeLifecycleOptions.DEFAULTS);
    d.observe(Map.of("metrics-a", List.of("True", "Unknown", "Unknown", "Unknown"), "metrics-b", List.of("True")), T0);
    String text = io.dekube.core.metrics.Metrics.scrape();
    for (String line : List.of("node_collector_zone_size{zone=\"metrics-a\"} 4",
        "node_collector_zone_health{zone=\"metrics-a\"} 25", "node_collector_unhealthy_nodes_in_zone{zone=\"metrics-a\"} 3",
        "node_collector_evictions_total{zone=\"metrics-a\"} 0", "node_collector_zone_health{zone=\"metrics-b\"} 100")) {
      assertEquals(true, text.contains(line), line + " in:\n" + text);
    }
    d.observe(Map.of("metrics-b", List.of("True")), T0.plusSeconds(5));
    assertEquals(false, io.dekube.core.metrics.Metrics.scrape().contains("node_collector_zone_size{zone=\"metrics-a\"}"));
  }
}
