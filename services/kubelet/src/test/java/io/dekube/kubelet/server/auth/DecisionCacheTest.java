package io.dekube.kubelet.server.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class DecisionCacheTest {

  private final AtomicLong now = new AtomicLong();
  private final DecisionCache cache = new DecisionCache(SubjectAccessReviewer.ALLOWED_TTL,
      SubjectAccessReviewer.DENIED_TTL, now::get);

  @Test
  void allowedAnswersAreKeptFiveMinutesDeniedOnesThirtySeconds() {
    cache.put("allowed", true);
    cache.put("denied", false);
    now.addAndGet(Duration.ofSeconds(29).toNanos());
    assertEquals(Boolean.TRUE, cache.get("allowed"));
    assertEquals(Boolean.FALSE, cache.get("denied"));
    now.addAndGet(Duration.ofSeconds(1).toNanos());
    assertNull(cache.get("denied"), "a denial is asked again after 30 s");
    assertEquals(Boolean.TRUE, cache.get("allowed"));
    now.addAndGet(Duration.ofMinutes(4).plusSeconds(30).toNanos());
    assertNull(cache.get("allowed"), "an allowance is asked again after 5 min");
    assertNull(cache.get("never asked"));
  }

  @Test
  void theLeastRecentlyUsedDecisionGoesFirstWhenFull() {
    for (int i = 0; i < DecisionCache.MAX_ENTRIES; i++) {
      cache.put("k" + i, true);
    }
    cache.get("k0");
    cache.put("one more", true);
    assertEquals(Boolean.TRUE, cache.get("k0"));
    assertNull(cache.get("k1"));
  }
}
