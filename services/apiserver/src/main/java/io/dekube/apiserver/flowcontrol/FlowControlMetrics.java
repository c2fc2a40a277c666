package io.dekube.apiserver.flowcontrol;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kube-apiserver's APF metrics, labelled as kube's ({@code priority_level}, {@code flow_schema}):
 * {@code apiserver_flowcontrol_dispatched_requests_total},
 * {@code apiserver_flowcontrol_rejected_requests_total{reason}} ({@code queue-full},
 * {@code concurrency-limit}, {@code time-out}, {@code cancelled}),
 * {@code apiserver_flowcontrol_current_inqueue_requests}, {@code apiserver_flowcontrol_current_executing_requests},
 * {@code apiserver_flowcontrol_request_wait_duration_seconds{execute}} (kube's buckets) and
 * {@code apiserver_flowcontrol_nominal_limit_seats{priority_level}}. The meters of a label set are made on
 * first use and kept. Thread-safe; one per process.
 */
public final class FlowControlMetrics {

  /** kube's {@code request_wait_duration_seconds} buckets (0 aside). */
  private static final Duration[] WAIT_BUCKETS = Arrays.stream(new double[] {0.005, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2,
      5, 10, 15, 30}).mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);

  private final MeterRegistry registry;
  private final ConcurrentHashMap<String, Series> series = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<String, AtomicInteger> nominal = new ConcurrentHashMap<>();

  /** The metrics in {@code registry}. */
  public FlowControlMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /** The metrics in the process's registry. */
  public static FlowControlMetrics shared() {
    return Holder.SHARED;
  }

  private static final class Holder {
    static final FlowControlMetrics SHARED = new FlowControlMetrics(Metrics.registry());
  }

  /** The observer of one level's QueueSet. */
  public QueueSet.Observer observer(String level) {
    ConcurrentHashMap<String, Series> byFlowSchema = new ConcurrentHashMap<>();
    return new QueueSet.Observer() {
      private Series series(String level, String flowSchema) {
        Series s = byFlowSchema.get(flowSchema);
        return s != null ? s : byFlowSchema.computeIfAbsent(flowSchema, fs -> FlowControlMetrics.this.series(level, fs));
      }

      @Override
      public void waiting(String flowSchema, int delta) {
        series(level, flowSchema).inqueue.addAndGet(delta);
      }

      @Override
      public void executing(String flowSchema, int delta) {
        series(level, flowSchema).executing.addAndGet(delta);
      }

      @Override
      public void dispatched(String flowSchema, long waitedNanos) {
        Series s = series(level, flowSchema);
        s.dispatched.increment();
        s.waitExecuted.record(waitedNanos, TimeUnit.NANOSECONDS);
      }

      @Override
      public void rejected(String flowSchema, String reason, long waitedNanos) {
        Series s = series(level, flowSchema);
        s.rejected(reason).increment();
        s.waitRejected.record(waitedNanos, TimeUnit.NANOSECONDS);
      }
    };
  }

  /** Sets a level's {@code nominal_limit_seats}. */
  public void nominalLimit(String level, int seats) {
    nominal.computeIfAbsent(level, l -> {
      AtomicInteger g = new AtomicInteger();
      Gauge.builder("apiserver.flowcontrol.nominal.limit.seats", g, AtomicInteger::get)
          .description("Nominal number of execution seats configured for each priority level")
          .tag("priority_level", l).register(registry);
      return g;
    }).set(seats);
  }

  private Series series(String level, String flowSchema) {
    String key = level + '\0' + flowSchema;
    Series s = series.get(key);
    return s != null ? s : series.computeIfAbsent(key, k -> new Series(level, flowSchema));
  }

  /** The meters of one priority level and FlowSchema. */
  private final class Series {
    final String level;
    final String flowSchema;
    final Counter dispatched;
    final AtomicInteger inqueue = new AtomicInteger();
    final AtomicInteger executing = new AtomicInteger();
    final Timer waitExecuted;
    final Timer waitRejected;
    final ConcurrentHashMap<String, Counter> rejected = new ConcurrentHashMap<>();

    Series(String level, String flowSchema) {
      this.level = level;
      this.flowSchema = flowSchema;
      dispatched = Counter.builder("apiserver.flowcontrol.dispatched.requests")
          .description("Number of requests executed by API Priority and Fairness subsystem")
          .tag("priority_level", level).tag("flow_schema", flowSchema).register(registry);
      Gauge.builder("apiserver.flowcontrol.current.inqueue.requests", inqueue, AtomicInteger::get)
          .description("Number of requests currently pending in queues of the API Priority and Fairness subsystem")
          .tag("priority_level", level).tag("flow_schema", flowSchema).register(registry);
      Gauge.builder("apiserver.flowcontrol.current.executing.requests", executing, AtomicInteger::get)
          .description("Number of requests in initial (for a WATCH) or any (for a non-WATCH) execution stage in "
              + "the API Priority and Fairness subsystem")
          .tag("priority_level", level).tag("flow_schema", flowSchema).register(registry);
      waitExecuted = waitTimer("true");
      waitRejected = waitTimer("false");
    }

    private Timer waitTimer(String execute) {
      return Timer.builder("apiserver.flowcontrol.request.wait.duration")
          .description("Length of time a request spent waiting in its queue")
          .tag("priority_level", level).tag("flow_schema", flowSchema).tag("execute", execute)
          .serviceLevelObjectives(WAIT_BUCKETS).register(registry);
    }

    Counter rejected(String reason) {
      return rejected.computeIfAbsent(reason, r -> Counter.builder("apiserver.flowcontrol.rejected.requests")
          .description("Number of requests rejected by API Priority and Fairness subsystem")
          .tag("priority_level", level).tag("flow_schema", flowSchema).tag("reason", r).register(registry));
    }
  }
}
