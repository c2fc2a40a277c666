package io.dekube.apiserver.rest.watch;

/**
 * Tuning of watch streams. Immutable.
 *
 * @param bookmarkIntervalMs how often a watch that allows bookmarks gets one
 * @param minTimeoutSeconds  the lower bound of the default watch timeout (kube: 1800 s)
 * @param maxPendingWrites   events written while the connection's write queue is full (the client does not
 *                           keep up) before the watch is dropped
 */
public record WatchConfig(long bookmarkIntervalMs, long minTimeoutSeconds, int maxPendingWrites) {

  /** kube-apiserver's defaults: a bookmark a minute, timeouts of 30 to 60 minutes. */
  public static final WatchConfig DEFAULT = new WatchConfig(60_000, 1800, 10_000);
}
