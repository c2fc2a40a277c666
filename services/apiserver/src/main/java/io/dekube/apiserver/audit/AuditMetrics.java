package io.dekube.apiserver.audit;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube's audit metrics ({@code apiserver_audit_event_total}, {@code apiserver_audit_error_total{plugin}},
 * {@code apiserver_audit_requests_rejected_total}) and its {@code HandlePluginError} log line. Thread-safe.
 */
final class AuditMetrics {

  private static final Logger LOG = LoggerFactory.getLogger(AuditMetrics.class);
  private static final Counter EVENTS = Counter.builder("apiserver_audit_event")
      .description("Counter of audit events generated and sent to the audit backend.").register(Metrics.registry());
  private static final Counter REJECTED = Counter.builder("apiserver_audit_requests_rejected")
      .description("Counter of apiserver requests rejected due to an error in audit logging backend.")
      .register(Metrics.registry());

  private AuditMetrics() {
  }

  static void generated() {
    EVENTS.increment();
  }

  static void rejected() {
    REJECTED.increment();
  }

  /** The events {@code plugin} lost, counted and logged as kube logs them (the legacy line of each). */
  static void error(String plugin, String cause, List<ObjectNode> impacted) {
    Counter.builder("apiserver_audit_error").tag("plugin", plugin)
        .description("Counter of audit events that failed to be audited properly. Plugin identifies the plugin "
            + "affected by the error.").register(Metrics.registry()).increment(impacted.size());
    LOG.error("Error in audit plugin '{}' affecting {} audit events: {}\nImpacted events:\n{}", plugin, impacted.size(),
        cause, impacted.stream().map(LegacyFormat::eventString).collect(Collectors.joining("\n")));
  }

  /** The count of {@code apiserver_audit_error_total} for {@code plugin} (for tests). */
  static double errors(String plugin) {
    Counter c = Metrics.registry().find("apiserver_audit_error").tag("plugin", plugin).counter();
    return c == null ? 0 : c.count();
  }
}
