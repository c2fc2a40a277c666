package io.dekube.core.informer;

import io.dekube.core.model.StatusException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A bounded window of the most recent events of one resource, the basis of the apiserver's watch
 * cache. It covers the resource versions {@code (startRv, latestRv]}: {@link #since(long)} answers
 * every event after a resource version in that range, and fails with 410 Expired, as
 * kube-apiserver's watch cache does, for one older than the window. Appending beyond the capacity
 * evicts the oldest event and moves {@code startRv} up to its resource version.
 *
 * <p>Thread-safe: an informer appends from its own context, watch requests read from others.
 */
public final class EventWindow {

  /** The default capacity (events kept per resource). */
  public static final int DEFAULT_CAPACITY = 10_000;

  private final InformerEvent[] ring;
  private int first;
  private int size;
  private long startRv;

  /** A window of {@code capacity} events, covering everything after {@code startRv}. */
  public EventWindow(int capacity, long startRv) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be positive: " + capacity);
    }
    this.ring = new InformerEvent[capacity];
    this.startRv = startRv;
  }

  /** A window of {@link #DEFAULT_CAPACITY} events starting empty at {@code startRv}. */
  public EventWindow(long startRv) {
    this(DEFAULT_CAPACITY, startRv);
  }

  /**
   * Appends an event; its rv must be above every rv in the window and above {@code startRv}.
   *
   * @throws IllegalArgumentException when the event is out of order
   */
  public synchronized void append(InformerEvent event) {
    if (event.rv() <= latestRv()) {
      throw new IllegalArgumentException("event rv " + event.rv() + " not after " + latestRv());
    }
    if (size == ring.length) {
      startRv = ring[first].rv();
      ring[first] = null;
      first = (first + 1) % ring.length;
      size--;
    }
    ring[(first + size) % ring.length] = event;
    size++;
  }

  /** Appends events in order. */
  public synchronized void appendAll(List<InformerEvent> events) {
    events.forEach(this::append);
  }

  /** Drops every event and starts over covering everything after {@code newStartRv}. */
  public synchronized void reset(long newStartRv) {
    Arrays.fill(ring, null);
    first = 0;
    size = 0;
    startRv = newStartRv;
  }

  /**
   * The events with rv &gt; {@code rv}, oldest first (empty when {@code rv} is at or past the latest).
   *
   * @throws StatusException 410 Expired ({@code too old resource version: <rv> (<startRv>)}) when
   *                         {@code rv} is older than the window
   */
  public synchronized List<InformerEvent> since(long rv) {
    if (rv < startRv) {
      throw new StatusException(410, "Expired", "too old resource version: " + rv + " (" + startRv + ")");
    }
    int lo = 0;
    int hi = size;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (at(mid).rv() <= rv) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    List<InformerEvent> out = new ArrayList<>(size - lo);
    for (int i = lo; i < size; i++) {
      out.add(at(i));
    }
    return out;
  }

  /** The exclusive lower bound: the oldest resource version {@link #since(long)} accepts. */
  public synchronized long startRv() {
    return startRv;
  }

  /** The rv of the newest event, or {@code startRv} when empty. */
  public synchronized long latestRv() {
    return size == 0 ? startRv : at(size - 1).rv();
  }

  /** The number of events held. */
  public synchronized int size() {
    return size;
  }

  /** The maximum number of events held. */
  public int capacity() {
    return ring.length;
  }

  private InformerEvent at(int i) {
    return ring[(first + i) % ring.length];
  }
}
