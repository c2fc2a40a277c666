package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Validation of a container's probes as core's {@code validateLivenessProbe}, {@code validateReadinessProbe} and
 * {@code validateStartupProbe} do it in kube 1.32: one handler (exec, httpGet, tcpSocket, grpc), the numbers not
 * negative, a probe's own {@code terminationGracePeriodSeconds} above 0 and not on a readiness probe, and a
 * liveness or startup probe's {@code successThreshold} 1 — in kube's 422 words
 * ({@code spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1}). Pure.
 */
final class ProbeValidation {

  private static final List<String> HANDLERS = List.of("exec", "httpGet", "tcpSocket", "grpc");
  private static final List<String> COUNTS = List.of("initialDelaySeconds", "timeoutSeconds", "periodSeconds",
      "successThreshold", "failureThreshold");

  private ProbeValidation() {
  }

  /** Validates the probes of container {@code c} at {@code path} ({@code spec.containers[0]}). */
  static void validate(ObjectNode c, String path, FieldErrors errs) {
    for (String kind : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
      if (!(c.get(kind) instanceof ObjectNode probe)) {
        continue;
      }
      String p = path + "." + kind;
      LifecycleValidation.handler(probe, p, null, errs, HANDLERS);
      for (String count : COUNTS) {
        JsonNode n = probe.get(count);
        if (n != null && n.isNumber() && n.asLong() < 0) {
          errs.invalid(p + "." + count, n, "must be greater than or equal to 0");
        }
      }
      JsonNode grace = probe.get("terminationGracePeriodSeconds");
      boolean graceSet = grace != null && !grace.isNull();
      if (graceSet && grace.asLong() <= 0) {
        errs.invalid(p + ".terminationGracePeriodSeconds", grace, "must be greater than 0");
      }
      if (kind.equals("readinessProbe") && graceSet) {
        errs.invalid(p + ".terminationGracePeriodSeconds", grace, "must not be set for readinessProbes");
      }
      JsonNode success = probe.get("successThreshold");
      if (!kind.equals("readinessProbe") && success != null && success.isNumber() && success.asLong() != 1) {
        errs.invalid(p + ".successThreshold", success, "must be 1");
      }
    }
  }
}
