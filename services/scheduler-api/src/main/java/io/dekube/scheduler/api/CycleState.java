package io.dekube.scheduler.api;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data that plugins share within one scheduling cycle of one pod: PreFilter computes, Filter reads
 * (on several worker threads at once), PreScore computes, Score reads. Keys are strings, by
 * convention {@code "PreFilter" + pluginName}. Thread-safe; a new one per cycle.
 */
public final class CycleState {

  private final Map<String, Object> data = new ConcurrentHashMap<>();

  /** Stores a value (replaces any earlier one). */
  public void write(String key, Object value) {
    data.put(key, value);
  }

  /** The value stored under {@code key}, or null. */
  @SuppressWarnings("unchecked")
  public <T> T read(String key) {
    return (T) data.get(key);
  }

  /** Removes a value. */
  public void delete(String key) {
    data.remove(key);
  }

  /** A copy with the same values (values themselves are shared); preemption tries nodes on copies. */
  public CycleState copy() {
    CycleState c = new CycleState();
    c.data.putAll(data);
    return c;
  }
}
