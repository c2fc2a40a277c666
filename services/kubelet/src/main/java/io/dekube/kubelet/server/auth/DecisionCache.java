package io.dekube.kubelet.server.auth;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The decisions of recent reviews, as kube's webhook authorizer keeps them: an allowed answer for
 * {@code authorization.webhook.cacheAuthorizedTTL} (5 min), a denied one for
 * {@code cacheUnauthorizedTTL} (30 s), at most {@link ExpiringCache#MAX_ENTRIES} of them, the least
 * recently used dropped first. Not thread-safe: one kubelet's context uses it.
 */
final class DecisionCache {

  static final int MAX_ENTRIES = ExpiringCache.MAX_ENTRIES;

  private final Duration allowedTtl;
  private final Duration deniedTtl;
  private final ExpiringCache<Boolean> entries;

  DecisionCache(Duration allowedTtl, Duration deniedTtl, LongSupplier nanoTime) {
    this.allowedTtl = allowedTtl;
    this.deniedTtl = deniedTtl;
    this.entries = new ExpiringCache<>(nanoTime);
  }

  /** The decision kept for {@code key}, or null when there is none or it expired. */
  Boolean get(String key) {
    return entries.get(key);
  }

  void put(String key, boolean allowed) {
    entries.put(key, allowed, allowed ? allowedTtl : deniedTtl);
  }
}
