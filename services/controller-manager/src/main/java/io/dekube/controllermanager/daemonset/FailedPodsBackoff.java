package io.dekube.controllermanager.daemonset;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * kube's back-off for failed daemon pods: a kubelet that keeps rejecting a DaemonSet's pod (or a pod
 * that keeps failing) would otherwise have the controller delete and recreate it in a hot loop. The
 * first failed pod of a DaemonSet on a node is deleted at once, each following one only after twice
 * the previous wait (1 s, 2 s, 4 s … up to 15 min), counted from the last deletion; a key unused for
 * twice the maximum starts over. Keyed, as kube's {@code failedPodsBackoffKey}, by the DaemonSet's
 * uid, its observed generation (a new spec starts over) and the node. Confined to the controller's
 * loop context.
 */
final class FailedPodsBackoff {

  static final Duration INITIAL = Duration.ofSeconds(1);
  static final Duration MAX = Duration.ofMinutes(15);

  private record Entry(Duration backoff, Instant lastUpdate) {
  }

  private final Map<String, Entry> entries = new HashMap<>();

  static String key(String dsUid, Long observedGeneration, String node) {
    return dsUid + "/" + (observedGeneration == null ? 0 : observedGeneration) + "/" + node;
  }

  /** How long a failed pod under {@code key} must still be left alone, or null when it may be deleted now. */
  Duration remaining(String key, Instant now) {
    Entry e = entries.get(key);
    if (e == null) {
      return null;
    }
    Duration since = Duration.between(e.lastUpdate(), now);
    return since.compareTo(e.backoff()) < 0 ? e.backoff().minus(since) : null;
  }

  /** Records a deletion under {@code key} now: the next one waits twice as long (or starts over). */
  void next(String key, Instant now) {
    entries.values().removeIf(e -> expired(e, now));
    Entry e = entries.get(key);
    Duration backoff = e == null ? INITIAL : min(e.backoff().multipliedBy(2), MAX);
    entries.put(key, new Entry(backoff, now));
  }

  private static boolean expired(Entry e, Instant now) {
    return Duration.between(e.lastUpdate(), now).compareTo(MAX.multipliedBy(2)) > 0;
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
