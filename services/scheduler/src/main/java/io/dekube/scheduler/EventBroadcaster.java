package io.dekube.scheduler;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.event.EventRecorder;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.vertx.core.Future;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * client-go's {@code tools/events} broadcaster, the events.k8s.io/v1 recorder kube-scheduler uses,
 * writing what the apiserver stores for such an Event (core/v1 with {@code eventTime}, {@code action},
 * {@code reportingComponent}/{@code reportingInstance}, {@code series}; no count or first/last timestamps,
 * an empty {@code source}). An Event is identified by its action, reason, reporting controller, regarding
 * object (its resourceVersion included, as client-go's {@code ObjectReference} key has it), related object
 * and note:
 * <ul>
 *   <li>the first occurrence creates the Event;</li>
 *   <li>the second patches it with {@code series: {count: 2, lastObservedTime}} (created with it when it
 *       was deleted meanwhile);</li>
 *   <li>later ones only count in the cache; {@link #refreshSeries} (every 30 minutes) writes every series'
 *       count, and {@link #finishSeries} (every 6 minutes) writes the last count of a series not seen for 6
 *       minutes and forgets it, and forgets single Events older than 6 minutes, so a later occurrence starts
 *       a new Event.</li>
 * </ul>
 * Fire and forget: a failed write is logged. Thread-safe (one lock).
 */
final class EventBroadcaster {

  static final Duration FINISH_TIME = Duration.ofMinutes(6);
  static final Duration REFRESH_TIME = Duration.ofMinutes(30);
  private static final DateTimeFormatter MICRO = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'")
      .withZone(ZoneOffset.UTC);
  private static final Logger LOG = LoggerFactory.getLogger(EventBroadcaster.class);
  /** The last event name's suffix: wall-clock nanoseconds, as client-go names events, kept unique. */
  private static final AtomicLong SEQ = new AtomicLong();

  private record Key(String action, String reason, String controller, ObjectReference regarding,
                     ObjectReference related, String note) {
  }

  private static final class Cached {
    final ObjectNode event;
    final Instant eventTime;
    int count;
    Instant lastObserved;

    Cached(ObjectNode event, Instant eventTime) {
      this.event = event;
      this.eventTime = eventTime;
    }
  }

  private final StoreApi store;
  private final ResourceType events;
  private final Supplier<Instant> clock;
  private final String hostname;
  private final Map<Key, Cached> cache = new LinkedHashMap<>();

  /**
   * @param clock    the wall clock
   * @param hostname the host part of {@code reportingInstance} ({@code <controller>-<hostname>})
   */
  EventBroadcaster(StoreApi store, ResourceType events, Supplier<Instant> clock, String hostname) {
    this.store = store;
    this.events = events;
    this.clock = clock;
    this.hostname = hostname;
  }

  /** Records an occurrence; the regarding object's namespace (else {@code default}) holds the Event. */
  synchronized void record(String controller, ObjectReference regarding, ObjectReference related, String type,
                           String reason, String action, String note) {
    Instant now = clock.get();
    Key key = new Key(action, reason, controller, regarding, related, note);
    Cached c = cache.get(key);
    if (c == null) {
      c = new Cached(event(controller, regarding, related, type, reason, action, note, now), now);
      cache.put(key, c);
      write(c.event.deepCopy(), false);
      return;
    }
    c.lastObserved = now;
    c.count = c.count == 0 ? 2 : c.count + 1;
    if (c.count == 2) {
      write(withSeries(c), true);
    }
  }

  /** Writes the count of every series (client-go's {@code refreshExistingEventSeries}). */
  synchronized void refreshSeries() {
    for (Cached c : cache.values()) {
      if (c.count > 0) {
        write(withSeries(c), true);
      }
    }
  }

  /** Ends series quiet for {@link #FINISH_TIME} with their last count, and forgets old single Events. */
  synchronized void finishSeries() {
    Instant limit = clock.get().minus(FINISH_TIME);
    for (Iterator<Cached> it = cache.values().iterator(); it.hasNext(); ) {
      Cached c = it.next();
      if (c.count > 0 && c.lastObserved.isBefore(limit)) {
        write(withSeries(c), true);
        it.remove();
      } else if (c.count == 0 && c.eventTime.isBefore(limit)) {
        it.remove();
      }
    }
  }

  /** How many Events the cache holds (for tests). */
  synchronized int cached() {
    return cache.size();
  }

  private static ObjectNode withSeries(Cached c) {
    ObjectNode e = c.event.deepCopy();
    e.putObject("series").put("count", c.count).put("lastObservedTime", MICRO.format(c.lastObserved));
    return e;
  }

  /** Creates the Event, or patches its series in (creating it with the series when it is gone). */
  private void write(ObjectNode e, boolean series) {
    String ns = e.path("metadata").path("namespace").asText();
    String name = e.path("metadata").path("name").asText();
    Future<?> f;
    if (series) {
      ObjectNode patch = Json.object();
      patch.set("series", e.get("series"));
      f = store.patch(events, ns, name, Patches.MERGE, patch, WriteOptions.none())
          .recover(x -> x instanceof StatusException se && se.code() == 404
              ? store.create(events, ns, e, WriteOptions.none()) : Future.failedFuture(x));
    } else {
      f = store.create(events, ns, e, WriteOptions.none());
    }
    f.onFailure(x -> LOG.debug("cannot record event {} {}: {}", e.path("reason").asText(), name, x.toString()));
  }

  private ObjectNode event(String controller, ObjectReference regarding, ObjectReference related, String type,
                           String reason, String action, String note, Instant now) {
    String ns = regarding.getNamespace() == null || regarding.getNamespace().isEmpty() ? "default"
        : regarding.getNamespace();
    long nanos = now.getEpochSecond() * 1_000_000_000L + now.getNano();
    ObjectNode e = Json.object().put("apiVersion", "v1").put("kind", "Event");
    // <regarding>.<hex UnixNano>, as client-go names it: listed by name, events come in time order
    e.putObject("metadata").put("name", regarding.getName() + "."
        + Long.toHexString(SEQ.updateAndGet(last -> Math.max(last + 1, nanos)))).put("namespace", ns);
    e.set("involvedObject", EventRecorder.referenceNode(regarding));
    if (related != null) {
      e.set("related", EventRecorder.referenceNode(related));
    }
    e.put("reason", reason).put("message", note).put("type", type).put("action", action);
    e.put("eventTime", MICRO.format(now));
    e.putObject("source");
    e.put("reportingComponent", controller).put("reportingInstance", controller + "-" + hostname);
    return e;
  }
}
