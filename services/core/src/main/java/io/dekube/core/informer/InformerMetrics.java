package io.dekube.core.informer;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The informer meters, per resource: {@code dekube.informer.lag.records} (gauge: end offset minus
 * position, set by the consumer thread at every poll; the last informer of a resource to poll wins
 * when a JVM runs several) and {@code dekube.informer.bad.records} (counter). Thread-safe.
 */
final class InformerMetrics {

  static final String LAG = "dekube.informer.lag.records";
  static final String BAD_RECORDS = "dekube.informer.bad.records";

  private static final Map<String, AtomicLong> LAGS = new ConcurrentHashMap<>();

  private InformerMetrics() {
  }

  /** The lag holder of a resource, its gauge registered on first use. */
  static AtomicLong lag(String resource) {
    return LAGS.computeIfAbsent(resource, r -> {
      AtomicLong value = new AtomicLong();
      Gauge.builder(LAG, value, AtomicLong::get).tag("resource", r)
          .description("store records not yet applied by the informer").register(Metrics.registry());
      return value;
    });
  }

  /** The bad-record counter of a resource. */
  static Counter badRecords(String resource) {
    return Counter.builder(BAD_RECORDS).tag("resource", resource)
        .description("store records skipped: not JSON, no metadata.name, or key mismatch")
        .register(Metrics.registry());
  }
}
