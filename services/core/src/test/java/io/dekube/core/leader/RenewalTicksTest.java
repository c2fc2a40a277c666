package io.dekube.core.leader;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Renewals land on the wall clock's multiples of their period, whenever the renewer started. */
class RenewalTicksTest {

  @Test
  void theNextTickIsTheNextMultipleOfThePeriod() {
    Duration five = Duration.ofSeconds(5);
    assertEquals(3_000, RenewalTicks.delayMillis(Instant.ofEpochMilli(1_000_002_000L), five));
    assertEquals(1, RenewalTicks.delayMillis(Instant.ofEpochMilli(1_000_004_999L), five));
    assertEquals(5_000, RenewalTicks.delayMillis(Instant.ofEpochMilli(1_000_005_000L), five), "on a tick: the next one");
  }

  @Test
  void renewersStartedAtDifferentMomentsMeetOnTheSameTicks() {
    Duration ten = Duration.ofSeconds(10);
    Duration five = Duration.ofSeconds(5);
    long a = 1_700_000_001_234L;
    long b = 1_700_000_007_777L;
    long tickA = a + RenewalTicks.delayMillis(Instant.ofEpochMilli(a), ten);
    long tickB = b + RenewalTicks.delayMillis(Instant.ofEpochMilli(b), ten);
    assertEquals(tickA, tickB);
    long tickC = a + RenewalTicks.delayMillis(Instant.ofEpochMilli(a), five);
    assertEquals(0, (tickA - tickC) % 5_000, "a 10 s renewal falls on a tick of the 5 s ones");
  }
}
