package io.dekube.core.controller;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key exponential back-off, as client-go's {@code ItemExponentialFailureRateLimiter}: the n-th
 * retry of a key waits {@code base * 2^n}, capped at {@code max}; {@link #forget} starts a key
 * over. Thread-safe.
 *
 * @param <K> the key type
 */
public final class RateLimiter<K> {

  /** client-go's controller default: 5 ms doubling up to 1000 s. */
  public static final Duration DEFAULT_BASE = Duration.ofMillis(5);
  /** client-go's controller default cap. */
  public static final Duration DEFAULT_MAX = Duration.ofSeconds(1000);

  private final long baseNanos;
  private final long maxNanos;
  private final Map<K, Integer> failures = new HashMap<>();

  /** A limiter with the given first delay and cap. */
  public RateLimiter(Duration base, Duration max) {
    this.baseNanos = Math.max(1, base.toNanos());
    this.maxNanos = Math.max(baseNanos, max.toNanos());
  }

  /** client-go's defaults (5 ms to 1000 s). */
  public static <K> RateLimiter<K> defaults() {
    return new RateLimiter<>(DEFAULT_BASE, DEFAULT_MAX);
  }

  /** The delay before the next retry of the key, counting this retry. */
  public synchronized Duration when(K key) {
    int n = failures.merge(key, 1, Integer::sum) - 1;
    if (n >= 62) {
      return Duration.ofNanos(maxNanos);
    }
    double d = baseNanos * Math.pow(2, n);
    return Duration.ofNanos(d > maxNanos ? maxNanos : (long) d);
  }

  /** How many retries the key has had since it was last forgotten. */
  public synchronized int retries(K key) {
    return failures.getOrDefault(key, 0);
  }

  /** Starts the key's back-off over (after a successful sync). */
  public synchronized void forget(K key) {
    failures.remove(key);
  }
}
