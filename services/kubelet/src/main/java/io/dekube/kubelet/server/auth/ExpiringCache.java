package io.dekube.kubelet.server.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Values kept for a while, at most {@link #MAX_ENTRIES} of them, the least recently used dropped first:
 * the caches of the kubelet's webhook authenticator and authorizer. Not thread-safe: one kubelet's
 * context uses it.
 *
 * @param <V> what is kept
 */
final class ExpiringCache<V> {

  static final int MAX_ENTRIES = 8192;

  private record Entry<V>(V value, long expiresAt) {
  }

  private final LongSupplier nanoTime;
  private final Map<String, Entry<V>> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry<V>> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  ExpiringCache(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
  }

  /** The value kept for {@code key}, or null when there is none or it expired. */
  V get(String key) {
    Entry<V> e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (nanoTime.getAsLong() - e.expiresAt() >= 0) {
      entries.remove(key);
      return null;
    }
    return e.value();
  }

  void put(String key, V value, Duration ttl) {
    entries.put(key, new Entry<>(value, nanoTime.getAsLong() + ttl.toNanos()));
  }
}
