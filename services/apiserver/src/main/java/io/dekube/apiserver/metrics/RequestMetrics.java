package io.dekube.apiserver.metrics;

import io.dekube.core.metrics.Metrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * kube-apiserver's request metrics, in a Micrometer registry (Prometheus spelling):
 * {@code apiserver_request_total{verb,dry_run,group,version,resource,subresource,scope,component,code}},
 * {@code apiserver_request_duration_seconds} (kube's buckets, 5 ms to 60 s; not for WATCH and CONNECT),
 * {@code apiserver_response_sizes} (GET and LIST; 1 kB to 10 GB),
 * {@code apiserver_current_inflight_requests{request_kind="readOnly"|"mutating"}} (requests being
 * answered, long-running ones aside) and {@code apiserver_longrunning_requests} (open watches, exec,
 * attach, port-forward, proxy, logs).
 *
 * <p>The meters of a label set are made once and kept ({@link #series}): recording a request is a map
 * lookup and a few atomic adds. Thread-safe; one per process ({@link #shared()}).
 */
public final class RequestMetrics {

  /** kube's {@code apiserver_request_duration_seconds} buckets. */
  static final double[] DURATION_BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4, 5, 6,
      8, 10, 15, 20, 30, 45, 60};
  /** kube's {@code apiserver_response_sizes} buckets: 1000 times the powers of ten up to 10^7. */
  static final double[] SIZE_BUCKETS = {1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10};

  private static final Duration[] DURATION_SLOS = Arrays.stream(DURATION_BUCKETS)
      .mapToObj(s -> Duration.ofNanos((long) (s * 1e9))).toArray(Duration[]::new);
  private static volatile RequestMetrics shared;

  private final MeterRegistry registry;
  private final ConcurrentHashMap<RequestLabels, Series> series = new ConcurrentHashMap<>();
  private final AtomicInteger readOnly = new AtomicInteger();
  private final AtomicInteger mutating = new AtomicInteger();

  /** The metrics in {@code registry}, the in-flight gauges registered at once. */
  public RequestMetrics(MeterRegistry registry) {
    this.registry = registry;
    inflight("readOnly", readOnly);
    inflight("mutating", mutating);
  }

  /** The process's instance, in {@link Metrics#registry()}. */
  public static RequestMetrics shared() {
    RequestMetrics m = shared;
    if (m == null) {
      synchronized (RequestMetrics.class) {
        m = shared;
        if (m == null) {
          m = new RequestMetrics(Metrics.registry());
          shared = m;
        }
      }
    }
    return m;
  }

  private void inflight(String kind, AtomicInteger value) {
    Gauge.builder("apiserver.current.inflight.requests", value, AtomicInteger::get)
        .description("Number of requests being answered by this apiserver per request kind (long-running ones aside).")
        .tag("request_kind", kind).register(registry);
  }

  /** The in-flight count of a request kind: {@code readOnly} for GET and HEAD, {@code mutating} otherwise. */
  AtomicInteger inflight(boolean readOnlyRequest) {
    return readOnlyRequest ? readOnly : mutating;
  }

  /** The meters of a label set, made on first use. */
  Series series(RequestLabels labels) {
    Series s = series.get(labels);
    return s != null ? s : series.computeIfAbsent(labels, Series::new);
  }

  /**
   * Records one answered request.
   *
   * @param labels     its labels (already {@linkplain RequestLabels#bounded bounded})
   * @param code       the HTTP status it was answered with
   * @param nanos      how long it took
   * @param bodyBytes  the response body's size
   */
  public void record(RequestLabels labels, int code, long nanos, long bodyBytes) {
    Series s = series(labels);
    s.counter(code).increment();
    if (s.duration != null) {
      s.duration.record(nanos, TimeUnit.NANOSECONDS);
    }
    if (s.sizes != null) {
      s.sizes.record(bodyBytes);
    }
  }

  /** The meters of one label set. */
  final class Series {

    private final RequestLabels labels;
    private final Tags tags;
    final Timer duration;
    final DistributionSummary sizes;
    private volatile CodeCounter[] codes = new CodeCounter[0];
    private volatile AtomicInteger longRunning;

    private Series(RequestLabels labels) {
      this.labels = labels;
      this.tags = Tags.of("verb", labels.verb(), "group", labels.group(), "version", labels.version(),
          "resource", labels.resource(), "subresource", labels.subresource(), "scope", labels.scope(),
          "component", RequestLabels.COMPONENT);
      this.duration = !labels.timed() ? null : Timer.builder("apiserver.request.duration")
          .description("Response latency distribution in seconds for each verb, dry run value, group, version, "
              + "resource, subresource, scope and component.")
          .tags(tags).tag("dry_run", labels.dryRun())
          .serviceLevelObjectives(DURATION_SLOS)
          .register(registry);
      this.sizes = !labels.sized() ? null : DistributionSummary.builder("apiserver.response.sizes")
          .description("Response size distribution in bytes for each group, version, verb, resource, subresource, "
              + "scope and component.")
          .tags(tags).serviceLevelObjectives(SIZE_BUCKETS)
          .register(registry);
    }

    /** The counter of an answer code, made on first use. */
    Counter counter(int code) {
      for (CodeCounter c : codes) {
        if (c.code == code) {
          return c.counter;
        }
      }
      synchronized (this) {
        for (CodeCounter c : codes) {
          if (c.code == code) {
            return c.counter;
          }
        }
        Counter counter = Counter.builder("apiserver.request")
            .description("Counter of apiserver requests broken out for each verb, dry run value, group, version, "
                + "resource, scope, component, and HTTP response code.")
            .tags(tags).tag("dry_run", labels.dryRun()).tag("code", Integer.toString(code))
            .register(registry);
        CodeCounter[] more = Arrays.copyOf(codes, codes.length + 1);
        more[codes.length] = new CodeCounter(code, counter);
        codes = more;
        return counter;
      }
    }

    /** The gauge of this label set's open long-running requests, registered on first use. */
    AtomicInteger longRunning() {
      AtomicInteger g = longRunning;
      if (g == null) {
        synchronized (this) {
          g = longRunning;
          if (g == null) {
            g = new AtomicInteger();
            Gauge.builder("apiserver.longrunning.requests", g, AtomicInteger::get)
                .description("Gauge of all active long-running apiserver requests broken out by verb, group, "
                    + "version, resource, scope and component. Not all requests are tracked this way.")
                .tags(tags).register(registry);
            longRunning = g;
          }
        }
      }
      return g;
    }
  }

  private record CodeCounter(int code, Counter counter) {
  }
}
