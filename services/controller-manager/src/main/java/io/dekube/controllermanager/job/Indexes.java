package io.dekube.controllermanager.job;

import java.util.BitSet;

/**
 * A set of completion indexes below {@code completions}, read from and written as kube writes
 * {@code completedIndexes}, {@code failedIndexes} and a success rule's {@code succeededIndexes}:
 * ascending intervals, {@code 1,3-5,7} (two neighbours are written {@code 0,1}). Parsing skips an
 * interval that is not a number and stops at the first one past the end, as kube's controller does.
 * Immutable.
 */
final class Indexes {

  private final BitSet bits;

  private Indexes(BitSet bits) {
    this.bits = bits;
  }

  static Indexes none() {
    return new Indexes(new BitSet());
  }

  /** The indexes of {@code text}, those at or past {@code completions} left out. */
  static Indexes parse(String text, int completions) {
    BitSet b = new BitSet();
    if (text == null || text.isEmpty()) {
      return new Indexes(b);
    }
    for (String part : text.split(",")) {
      String[] ends = part.split("-", -1);
      int first;
      int last;
      try {
        first = Integer.parseInt(ends[0]);
        last = ends.length > 1 ? Integer.parseInt(ends[1]) : first;
      } catch (NumberFormatException e) {
        continue;
      }
      if (first >= completions) {
        break;
      }
      if (first < 0 || last < first) {
        continue;
      }
      b.set(first, Math.min(last, completions - 1) + 1);
    }
    return new Indexes(b);
  }

  /** These indexes and {@code more}. */
  Indexes with(Iterable<Integer> more) {
    BitSet b = (BitSet) bits.clone();
    more.forEach(b::set);
    return new Indexes(b);
  }

  /** These indexes and those of {@code other}. */
  Indexes with(Indexes other) {
    BitSet b = (BitSet) bits.clone();
    b.or(other.bits);
    return new Indexes(b);
  }

  boolean has(int index) {
    return index >= 0 && bits.get(index);
  }

  int total() {
    return bits.cardinality();
  }

  /** How many of these indexes are also in {@code other}. */
  int common(Indexes other) {
    BitSet b = (BitSet) bits.clone();
    b.and(other.bits);
    return b.cardinality();
  }

  /** The first {@code count} indexes below {@code completions} that are in none of {@code taken}. */
  static java.util.List<Integer> firstFree(int count, int completions, Indexes taken) {
    java.util.List<Integer> out = new java.util.ArrayList<>();
    for (int i = taken.bits.nextClearBit(0); i < completions && out.size() < count; i = taken.bits.nextClearBit(i + 1)) {
      out.add(i);
    }
    return out;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder();
    for (int first = bits.nextSetBit(0); first >= 0; ) {
      int end = bits.nextClearBit(first);
      int last = end - 1;
      if (s.length() > 0) {
        s.append(',');
      }
      s.append(first);
      if (last == first + 1) {
        s.append(',').append(last);
      } else if (last > first) {
        s.append('-').append(last);
      }
      first = bits.nextSetBit(end);
    }
    return s.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Indexes other && bits.equals(other.bits);
  }

  @Override
  public int hashCode() {
    return bits.hashCode();
  }
}
