package io.dekube.store.writer;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The writer's meters in the process-wide registry: {@code dekube_writer_requests_total{verb,resource,result}},
 * {@code dekube_writer_latency_seconds} (record timestamp to reply, histogram),
 * {@code dekube_writer_batch_size}, {@code dekube_writer_bad_messages_total{reason}}. Thread-safe.
 */
final class WriterMetrics {

  private final MeterRegistry registry = Metrics.registry();
  private final Timer latency = Timer.builder("dekube.writer.latency")
      .description("time from a request record's timestamp to its committed reply")
      .publishPercentileHistogram()
      .minimumExpectedValue(Duration.ofMillis(1))
      .maximumExpectedValue(Duration.ofSeconds(30))
      .register(registry);
  private final DistributionSummary batchSize = DistributionSummary.builder("dekube.writer.batch.size")
      .description("requests per transaction")
      .publishPercentileHistogram()
      .minimumExpectedValue(1.0)
      .maximumExpectedValue(5000.0)
      .register(registry);

  private final Counter predictionMisses = Counter.builder("dekube.writer.prediction.misses")
      .description("transactions aborted and redone because a store offset was not as predicted (writer rule 8)")
      .register(registry);

  void predictionMissed() {
    predictionMisses.increment();
  }

  /** The counter of missed offset predictions (for tests and dashboards). */
  static Counter predictionMisses() {
    return Counter.builder("dekube.writer.prediction.misses").register(Metrics.registry());
  }

  void request(String verb, String resource, int code) {
    Counter.builder("dekube.writer.requests").description("requests answered by the writer")
        .tag("verb", verb).tag("resource", resource).tag("result", Integer.toString(code))
        .register(registry).increment();
  }

  void latency(long recordTimestampMs, long nowMs) {
    latency.record(Duration.ofMillis(Math.max(0, nowMs - recordTimestampMs)));
  }

  void batch(int size) {
    batchSize.record(size);
  }

  void badMessage(String reason) {
    badMessages(reason).increment();
  }

  /** The bad-message counter of a reason (for tests and dashboards). */
  static Counter badMessages(String reason) {
    return Counter.builder("dekube.writer.bad.messages").description("malformed request records")
        .tag("reason", reason).register(Metrics.registry());
  }
}
