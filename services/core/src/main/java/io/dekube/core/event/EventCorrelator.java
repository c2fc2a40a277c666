package io.dekube.core.event;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Kube's event correlation (client-go's {@code tools/record} {@code EventCorrelator}), in its three steps per
 * occurrence, in its order:
 * <ol>
 *   <li>aggregation: once 10 different messages of one reason (same source, object — whatever its field
 *       path — and type) came within 10 minutes, the occurrence becomes one {@code (combined from similar
 *       events): <message>} event keyed without its message (and the remembered messages drop one, as
 *       client-go's {@code PopAny}, so a known message may again stand alone);</li>
 *   <li>counting: an occurrence equal to a recent one (same source, object, field path, type, reason and
 *       message) is that event again: the same name, count + 1;</li>
 *   <li>spam filter: a token bucket per source and object (burst 25, one more every 5 minutes); an
 *       occurrence without a token is not written, but it was counted, so the next write shows it.</li>
 * </ol>
 * Caches are LRUs of 4096 keys, as client-go's. Thread-safe (one lock).
 */
final class EventCorrelator {

  static final int MAX_SIMILAR = 10;
  static final Duration SIMILAR_WINDOW = Duration.ofMinutes(10);
  static final int BURST = 25;
  static final Duration REFILL = Duration.ofMinutes(5);
  static final String COMBINED = "(combined from similar events): ";
  private static final int CACHE = 4096;

  /** One event as a component reports it. */
  record Occurrence(String component, String host, ObjectReference ref, String type, String reason,
                    String message) {
    /** client-go's {@code getSpamKey}: source and object. */
    String objectKey() {
      return String.join("\u0000", component, s(host), s(ref.getKind()), s(ref.getNamespace()), s(ref.getName()),
          s(ref.getUid()), s(ref.getApiVersion()));
    }

    /** client-go's {@code EventAggregatorByReasonFunc}: source, object (no field path), type, reason. */
    String similarKey() {
      return String.join("\u0000", objectKey(), s(type), s(reason));
    }

    /** client-go's {@code getEventKey}: source, object with its field path, type, reason, message. */
    String eventKey() {
      return String.join("\u0000", objectKey(), s(ref.getFieldPath()), s(type), s(reason), s(message));
    }

    private static String s(String v) {
      return v == null ? "" : v;
    }
  }

  /**
   * What to write: the event's name, message, count and first timestamp; {@code combined}: the aggregate
   * event, which client-go writes without reporting controller and instance.
   */
  record Result(String name, String message, int count, String firstTimestamp, boolean combined) {
  }

  private record Logged(String name, int count, String firstTimestamp) {
  }

  private static final class Similar {
    final Set<String> messages = new LinkedHashSet<>();
    Instant last;
  }

  private static final class Bucket {
    double tokens = BURST;
    Instant at;
  }

  private final Clock clock;
  private final Map<String, Logged> logged = lru();
  private final Map<String, Similar> similar = lru();
  private final Map<String, Bucket> buckets = lru();

  EventCorrelator(Clock clock) {
    this.clock = clock;
  }

  /** The event to write for an occurrence, or null when the spam filter drops it. */
  synchronized Result correlate(Occurrence o, Supplier<String> newName) {
    Instant now = clock.instant();
    String message = o.message();
    String key = o.eventKey();
    boolean combined = false;
    Similar s = similar.computeIfAbsent(o.similarKey(), k -> new Similar());
    if (s.last != null && Duration.between(s.last, now).compareTo(SIMILAR_WINDOW) > 0) {
      s.messages.clear();
    }
    s.last = now;
    s.messages.add(message);
    if (s.messages.size() >= MAX_SIMILAR) {
      Iterator<String> any = s.messages.iterator();
      any.next();
      any.remove();
      message = COMBINED + message;
      key = o.similarKey() + "\u0000" + COMBINED;
      combined = true;
    }
    Logged prev = logged.get(key);
    Logged next = prev == null ? new Logged(newName.get(), 1, now.truncatedTo(ChronoUnit.SECONDS).toString())
        : new Logged(prev.name(), prev.count() + 1, prev.firstTimestamp());
    logged.put(key, next);
    if (!take(o.objectKey(), now)) {
      return null;
    }
    return new Result(next.name(), message, next.count(), next.firstTimestamp(), combined);
  }

  private boolean take(String key, Instant now) {
    Bucket b = buckets.computeIfAbsent(key, k -> new Bucket());
    if (b.at != null) {
      double refill = Duration.between(b.at, now).toMillis() / (double) REFILL.toMillis();
      b.tokens = Math.min(BURST, b.tokens + refill);
    }
    b.at = now;
    if (b.tokens < 1) {
      return false;
    }
    b.tokens -= 1;
    return true;
  }

  private static <V> Map<String, V> lru() {
    return new LinkedHashMap<>(64, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
        return size() > CACHE;
      }
    };
  }
}
