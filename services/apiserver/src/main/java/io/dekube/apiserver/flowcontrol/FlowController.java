package io.dekube.apiserver.flowcontrol;

import io.dekube.apiserver.authz.Attributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * APF's state in one apiserver process: the digested configuration and one {@link QueueSet} per limited
 * priority level, shared by every apiserver verticle instance of the process, because kube's concurrency
 * limit (600 seats) is the whole server's. A new configuration keeps each level's queues and reshapes them
 * to its new seats. Exempt levels only count. Thread-safe.
 */
public final class FlowController {

  private final LongSupplier clock;
  private final FlowControlMetrics metrics;
  private final int serverLimit;
  private final Map<String, QueueSet> queueSets = new ConcurrentHashMap<>();
  private final Map<String, Exempt> exempt = new ConcurrentHashMap<>();
  private volatile FlowControlConfig config;
  private volatile Map<String, Integer> nominal = Map.of();

  /**
   * @param clock       monotonic nanoseconds
   * @param metrics     where to count
   * @param serverLimit the server's concurrency limit in seats
   */
  public FlowController(LongSupplier clock, FlowControlMetrics metrics, int serverLimit) {
    this.clock = clock;
    this.metrics = metrics;
    this.serverLimit = serverLimit;
    apply(FlowControlConfig.of(List.of(), List.of()));
  }

  /** A request's place: its match, and the QueueSet that holds it (null for an exempt level). */
  public record Classification(FlowControlConfig.Match match, QueueSet queues, Exempt exempt) {
  }

  /** An exempt level's counters: its requests are never held. */
  public static final class Exempt {
    final AtomicInteger executing = new AtomicInteger();
    final AtomicLong dispatched = new AtomicLong();
    final QueueSet.Observer observer;

    Exempt(QueueSet.Observer observer) {
      this.observer = observer;
    }

    /** A request of the level starts. */
    public void started(String flowSchema) {
      executing.incrementAndGet();
      dispatched.incrementAndGet();
      observer.executing(flowSchema, 1);
      observer.dispatched(flowSchema, 0);
    }

    /** A request of the level ends. */
    public void ended(String flowSchema) {
      executing.decrementAndGet();
      observer.executing(flowSchema, -1);
    }
  }

  /** The present configuration. */
  public FlowControlConfig config() {
    return config;
  }

  /** Classifies a request. */
  public Classification classify(Attributes a) {
    FlowControlConfig.Match m = config.classify(a);
    String level = m.level().name();
    if (m.level().exempt()) {
      return new Classification(m, null, exempt.computeIfAbsent(level, l -> new Exempt(metrics.observer(l))));
    }
    return new Classification(m, queueSets.get(level), null);
  }

  /**
   * Takes a new configuration: each limited level gets its nominal seats (the server's limit shared by
   * nominal shares) and its queuing.
   *
   * @return requests the reshaped levels dispatched (to resume)
   */
  public synchronized List<FlowRequest> apply(FlowControlConfig next) {
    Map<String, Integer> limits = next.nominalLimits(serverLimit);
    List<FlowRequest> resumed = new ArrayList<>();
    for (FlowControlConfig.Level l : next.levels().values()) {
      int seats = limits.get(l.name());
      metrics.nominalLimit(l.name(), seats);
      if (l.exempt()) {
        continue;
      }
      QueueSet.Shape shape = new QueueSet.Shape(seats, l.queues(), l.handSize(), l.queueLengthLimit());
      QueueSet qs = queueSets.get(l.name());
      if (qs == null) {
        queueSets.put(l.name(), new QueueSet(l.name(), shape, clock, metrics.observer(l.name())));
      } else {
        resumed.addAll(qs.configure(shape));
      }
    }
    // a removed level's requests keep their QueueSet until they finish
    queueSets.keySet().removeIf(name -> !next.levels().containsKey(name) || next.levels().get(name).exempt());
    nominal = limits;
    config = next;
    return resumed;
  }

  /** Each level's picture, by name: its QueueSet's, or null for an exempt level. */
  public Map<String, LevelDump> dump() {
    Map<String, LevelDump> out = new TreeMap<>();
    Map<String, Integer> limits = nominal;
    for (FlowControlConfig.Level l : config.levels().values()) {
      QueueSet qs = queueSets.get(l.name());
      Exempt e = exempt.get(l.name());
      out.put(l.name(), new LevelDump(l, limits.getOrDefault(l.name(), 0), qs == null ? null : qs.dump(),
          e == null ? 0 : e.executing.get(), e == null ? 0 : e.dispatched.get()));
    }
    return out;
  }

  /** One level's picture for the debug endpoints. */
  public record LevelDump(FlowControlConfig.Level level, int nominalSeats, QueueSet.Dump queues,
                          int exemptExecuting, long exemptDispatched) {
  }
}
