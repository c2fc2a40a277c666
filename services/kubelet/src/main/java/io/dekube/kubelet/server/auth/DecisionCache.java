package io.dekube.kubelet.server.auth;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The decisions of recent reviews, as kube's webhook authorizer keeps them: an allowed answer for
 * {@code authorization.webhook.cacheAuthorizedTTL} (5 min), a denied one for
 * {@code cacheUnauthorizedTTL} (30 s), at most {@link #MAX_ENTRIES} of them, the least recently used
 * dropped first. Not thread-safe: one kubelet's context uses it.
 */
final class DecisionCache {

  static final int MAX_ENTRIES = 8192;

  private record Entry(boolean allowed, long expiresAt) {
  }

  private final Duration allowedTtl;
  private final Duration deniedTtl;
  private final LongSupplier nanoTime;
  private final Map<String, Entry> entries = new LinkedHashMap<>(64, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Entry> eldest) {
      return size() > MAX_ENTRIES;
    }
  };

  DecisionCache(Duration allowedTtl, Duration deniedTtl, LongSupplier nanoTime) {
    this.allowedTtl = allowedTtl;
    this.deniedTtl = deniedTtl;
    this.nanoTime = nanoTime;
  }

  /** The decision kept for {@code key}, or null when there is none or it expired. */
  Boolean get(String key) {
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    if (nanoTime.getAsLong() - e.expiresAt() >= 0) {
      entries.remove(key);
      return null;
    }
    return e.allowed();
  }

  void put(String key, boolean allowed) {
    long ttl = (allowed ? allowedTtl : deniedTtl).toNanos();
    entries.put(key, new Entry(allowed, nanoTime.getAsLong() + ttl));
  }
}
