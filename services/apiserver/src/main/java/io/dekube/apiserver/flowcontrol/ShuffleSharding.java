package io.dekube.apiserver.flowcontrol;

/**
 * Shuffle sharding as kube's APF uses it: a flow's 64-bit hash deals it a "hand" of {@code handSize}
 * distinct queues out of {@code queues}, so two flows rarely share their whole hand and one heavy flow
 * crowds out few others. The hash is read as a number in a mixed radix ({@code queues},
 * {@code queues - 1}, ...): each digit picks one of the queues not dealt yet. Pure; thread-safe.
 */
public final class ShuffleSharding {

  private ShuffleSharding() {
  }

  /** kube's bound: the hash must hold {@code handSize} digits of {@code log2(queues)} bits (60 bits). */
  public static boolean valid(int queues, int handSize) {
    return handSize > 0 && queues > 0 && handSize <= queues
        && Math.log(queues) / Math.log(2) * handSize <= 60;
  }

  /**
   * The hand of a hash: {@code handSize} distinct queue indexes in {@code [0, queues)}, in the order
   * dealt.
   */
  public static int[] deal(long hash, int queues, int handSize) {
    // the deck is 0..queues-1 with the few places a deal changed kept aside (a hand is small, a deck
    // may be large): position -> the queue that took the dealt one's place
    int[] movedFrom = new int[handSize];
    int[] movedTo = new int[handSize];
    int moved = 0;
    int[] hand = new int[handSize];
    long rest = hash;
    for (int i = 0; i < handSize; i++) {
      int left = queues - i;
      int digit = (int) Long.remainderUnsigned(rest, left);
      rest = Long.divideUnsigned(rest, left);
      hand[i] = at(digit, movedFrom, movedTo, moved);
      // the dealt queue leaves the deck: the last undealt one takes its place
      int last = at(left - 1, movedFrom, movedTo, moved);
      int slot = indexOf(digit, movedFrom, moved);
      if (slot < 0) {
        movedFrom[moved] = digit;
        movedTo[moved++] = last;
      } else {
        movedTo[slot] = last;
      }
    }
    return hand;
  }

  private static int at(int position, int[] movedFrom, int[] movedTo, int moved) {
    int slot = indexOf(position, movedFrom, moved);
    return slot < 0 ? position : movedTo[slot];
  }

  private static int indexOf(int position, int[] movedFrom, int moved) {
    for (int i = 0; i < moved; i++) {
      if (movedFrom[i] == position) {
        return i;
      }
    }
    return -1;
  }

  /** A well-spread 64-bit hash of a flow (its FlowSchema and distinguisher), as kube hashes flow ids. */
  public static long flowHash(String flowSchema, String distinguisher) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, flowSchema);
    h = (h ^ 0) * 0x100000001b3L;
    h = fnv(h, distinguisher);
    // splitmix64's finalizer: every input bit reaches every output bit
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  private static long fnv(long h, String s) {
    for (int i = 0; i < s.length(); i++) {
      h = (h ^ s.charAt(i)) * 0x100000001b3L;
    }
    return h;
  }
}
