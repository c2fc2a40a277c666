package io.dekube.apiserver.flowcontrol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShuffleShardingTest {

  @Test
  void aHandIsDistinctQueuesInRange() {
    for (long hash : new long[] {0, 1, -1, 0x123456789abcdefL, Long.MIN_VALUE, 42}) {
      int[] hand = ShuffleSharding.deal(hash, 128, 6);
      assertEquals(6, hand.length);
      assertEquals(6, Arrays.stream(hand).distinct().count(), Arrays.toString(hand));
      assertTrue(Arrays.stream(hand).allMatch(q -> q >= 0 && q < 128), Arrays.toString(hand));
    }
  }

  @Test
  void theHashIsReadAsMixedRadixDigitsOverTheUndealtQueues() {
    // 5 queues, hand of 3: digits of 7 in radix 5, 4, 3 = 2, 1, 0
    // deck 0 1 2 3 4 -> deal 2 (4 takes its place) -> 0 1 4 3 -> deal 1 -> 0 3 4 -> deal 0
    assertArrayEquals(new int[] {2, 1, 0}, ShuffleSharding.deal(7, 5, 3));
    // 55 = 0 + 5 * (3 + 4 * 2): deal 0 (4 takes its place) -> 4 1 2 3 -> deal 3 -> 4 1 2 -> deal 2
    assertArrayEquals(new int[] {0, 3, 2}, ShuffleSharding.deal(55, 5, 3));
  }

  @Test
  void aHandIsWhatDealingFromAWholeDeckGives() {
    java.util.Random random = new java.util.Random(7);
    for (int n = 0; n < 2000; n++) {
      long hash = random.nextLong();
      int queues = 1 + random.nextInt(200);
      int handSize = 1 + random.nextInt(Math.min(queues, 8));
      int[] deck = new int[queues];
      for (int i = 0; i < queues; i++) {
        deck[i] = i;
      }
      int[] expected = new int[handSize];
      long rest = hash;
      for (int i = 0; i < handSize; i++) {
        int digit = (int) Long.remainderUnsigned(rest, queues - i);
        rest = Long.divideUnsigned(rest, queues - i);
        expected[i] = deck[digit];
        deck[digit] = deck[queues - i - 1];
      }
      assertArrayEquals(expected, ShuffleSharding.deal(hash, queues, handSize), hash + " " + queues + " " + handSize);
    }
  }

  @Test
  void aNegativeHashIsUnsigned() {
    int[] hand = ShuffleSharding.deal(-1L, 64, 6);
    // 2^64 - 1 mod 64 = 63
    assertEquals(63, hand[0]);
  }

  @Test
  void flowsSpreadOverTheQueues() {
    Set<Integer> first = new HashSet<>();
    for (int user = 0; user < 400; user++) {
      first.add(ShuffleSharding.deal(ShuffleSharding.flowHash("global-default", "user-" + user), 128, 6)[0]);
    }
    assertTrue(first.size() > 100, "400 flows reach " + first.size() + " of 128 queues");
    assertNotEquals(ShuffleSharding.flowHash("a", "bc"), ShuffleSharding.flowHash("ab", "c"));
  }

  @Test
  void kubesParameterBound() {
    assertTrue(ShuffleSharding.valid(128, 6));
    assertTrue(ShuffleSharding.valid(64, 8));
    assertFalse(ShuffleSharding.valid(4, 5));
    assertFalse(ShuffleSharding.valid(1 << 20, 4));
  }
}
