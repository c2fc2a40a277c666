package io.dekube.store.writer;

import java.util.function.LongPredicate;
import java.util.random.RandomGenerator;

/**
 * Picks a free slot of a range split as kube-apiserver splits its Service ClusterIP and NodePort ranges
 * (ServiceIPStaticSubrange, ServiceNodePortStaticSubrange, both GA): a lower static band kept for the values
 * clients ask for, and the dynamic band above it, from which a slot is picked at random. The search starts at
 * a random slot of the dynamic band and walks up it (wrapping), then, only when that band is full, does the
 * same in the static band. Slots are 0-based; the caller maps them to addresses or ports. Not thread-safe
 * (its random generator is the caller's).
 */
final class DynamicFirstPicker {

  private DynamicFirstPicker() {
  }

  /**
   * The static band of a ClusterIP range of {@code cidrSize} addresses (network and broadcast included):
   * {@code min(max(16, size / 16), 256)}, none for a range of 16 addresses or fewer.
   */
  static long ipStaticBand(long cidrSize) {
    return band(cidrSize, 16, 256);
  }

  /** The static band of a NodePort range of {@code size} ports: {@code min(max(16, size / 32), 128)}, none up to 16. */
  static long portStaticBand(long size) {
    return band(size, 32, 128);
  }

  private static long band(long size, long step, long max) {
    if (size <= 16) {
      return 0;
    }
    return Math.min(Math.max(16, size / step), max);
  }

  /**
   * A free slot of {@code [0, slots)} whose first {@code staticBand} slots are the static band, or -1 when
   * every slot is taken.
   */
  static long pick(long slots, long staticBand, LongPredicate taken, RandomGenerator random) {
    long lower = Math.min(Math.max(0, staticBand), slots);
    long found = scan(lower, slots, taken, random);
    return found >= 0 ? found : scan(0, lower, taken, random);
  }

  /** A free slot of {@code [from, to)}, searched from a random one upwards and around. */
  private static long scan(long from, long to, LongPredicate taken, RandomGenerator random) {
    long size = to - from;
    if (size <= 0) {
      return -1;
    }
    long start = random.nextLong(size);
    for (long i = 0; i < size; i++) {
      long slot = from + (start + i) % size;
      if (!taken.test(slot)) {
        return slot;
      }
    }
    return -1;
  }
}
