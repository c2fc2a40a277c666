package io.dekube.core.event;

import io.fabric8.kubernetes.api.model.ObjectReference;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Kube's event correlation (client-go's {@code EventCorrelator}), in three steps per occurrence:
 * <ol>
 *   <li>spam filter: a token bucket per source and involved object (burst 25, one more every 5
 *       minutes); an occurrence without a token is dropped;</li>
 *   <li>aggregation: once 10 different messages of one reason (same source, object and type) came
 *       within 10 minutes, further ones become one {@code (combined from similar events): <message>}
 *       event keyed without its message;</li>
 *   <li>counting: an occurrence equal to a recent one (same key, message included) is that event
 *       again: the same name, count + 1.</li>
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
  record Occurrence(String component, String host, String instance, ObjectReference ref, String type, String reason,
                    String message) {
    String objectKey() {
      return String.join("\u0000", component, s(host), s(ref.getKind()), s(ref.getNamespace()), s(ref.getName()),
          s(ref.getUid()), s(ref.getApiVersion()));
    }

    String similarKey() {
      return String.join("\u0000", objectKey(), s(ref.getFieldPath()), s(type), s(reason), s(instance));
    }

    private static String s(String v) {
      return v == null ? "" : v;
    }
  }

  /** What to write: the event's name, message, count and first timestamp. */
  record Result(String name, String message, int count, String firstTimestamp) {
  }

  private record Logged(String name, int count, String firstTimestamp) {
  }

  private static final class Similar {
    final Set<String> messages = new HashSet<>();
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
    if (!take(o.objectKey(), now)) {
      return null;
    }
    String message = o.message();
    String key = o.similarKey() + "\u0000" + message;
    Similar s = similar.computeIfAbsent(o.similarKey(), k -> new Similar());
    if (s.last != null && Duration.between(s.last, now).compareTo(SIMILAR_WINDOW) > 0) {
      s.messages.clear();
    }
    s.last = now;
    s.messages.add(message);
    if (s.messages.size() >= MAX_SIMILAR) {
      message = COMBINED + message;
      key = o.similarKey() + "\u0000" + COMBINED;
    }
    Logged prev = logged.get(key);
    Logged next = prev == null ? new Logged(newName.get(), 1, now.truncatedTo(ChronoUnit.SECONDS).toString())
        : new Logged(prev.name(), prev.count() + 1, prev.firstTimestamp());
    logged.put(key, next);
    return new Result(next.name(), message, next.count(), next.firstTimestamp());
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
