package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.fabric8.kubernetes.api.model.PodReadinessGate;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** kube's GeneratePodReadyCondition for pods with readiness gates. */
class ReadinessGatesTest {

  private static final Instant NOW = Instant.parse("2026-01-01T00:10:00Z");

  /** (Ready before the gates, the gate conditions a=…;b=…, Ready after, its message). */
  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "True|a=True;b=True|True|",
      "True|a=True|False|corresponding condition of pod readiness gate \"b\" does not exist.",
      "True|a=False;b=Unknown|False|the status of pod readiness gate \"a\" is not \"True\", but False, "
          + "the status of pod readiness gate \"b\" is not \"True\", but Unknown",
      "True||False|corresponding condition of pod readiness gate \"a\" does not exist., "
          + "corresponding condition of pod readiness gate \"b\" does not exist.",
      "False||False|containers with unready status: [c]"})
  void readyNeedsEveryGateTrue(String containersReady, String gates, String ready, String message) {
    ObjectNode status = Json.object();
    var conditions = status.putArray("conditions");
    ObjectNode r = conditions.addObject().put("type", "Ready").put("status", containersReady)
        .put("lastTransitionTime", "2026-01-01T00:00:00Z");
    if (containersReady.equals("False")) {
      r.put("reason", "ContainersNotReady").put("message", "containers with unready status: [c]");
    }
    if (gates != null) {
      for (String g : gates.split(";")) {
        conditions.addObject().put("type", g.split("=")[0]).put("status", g.split("=")[1]);
      }
    }
    ReadinessGates.apply(status, List.of(new PodReadinessGate("a"), new PodReadinessGate("b")), Json.object(), NOW);
    JsonNode after = status.path("conditions").get(0);
    assertEquals(ready, after.path("status").asText());
    assertEquals(message == null ? "" : message, after.path("message").asText());
    if (ready.equals("False") && containersReady.equals("True")) {
      assertEquals(ReadinessGates.REASON, after.path("reason").asText());
      assertEquals("2026-01-01T00:10:00Z", after.path("lastTransitionTime").asText());
    }
  }
}
