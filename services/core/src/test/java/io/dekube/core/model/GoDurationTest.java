package io.dekube.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Go's time.ParseDuration and Duration.String, the one parser of kube's durations (flags, kms timeout, CEL). */
class GoDurationTest {

  @Test
  void parsesAsGoAndSaysWhyNotInGosWords() {
    assertEquals(Duration.ofSeconds(90), GoDuration.parse("1m30s"));
    assertEquals(Duration.ofMinutes(90), GoDuration.parse("1.5h"));
    assertEquals(Duration.ofMillis(-300), GoDuration.parse("-300ms"));
    assertEquals(Duration.ofNanos(1500), GoDuration.parse("1.5µs"));
    assertEquals(Duration.ZERO, GoDuration.parse("0"));
    assertEquals("time: missing unit in duration \"15\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("15")).getMessage());
    for (String bad : new String[] {"", "s", "1x", "1s2", ".s", "9999999999h"}) {
      assertThrows(IllegalArgumentException.class, () -> GoDuration.parse(bad), bad);
    }
    assertEquals("time: invalid duration \"1x\"",
        assertThrows(IllegalArgumentException.class, () -> GoDuration.parse("1x")).getMessage());
  }

  @Test
  void printsAsGo() {
    assertEquals("1m30s", GoDuration.format(Duration.ofSeconds(90)));
    assertEquals("1h0m0s", GoDuration.format(Duration.ofHours(1)));
    assertEquals("500ms", GoDuration.format(Duration.ofMillis(500)));
    assertEquals("0s", GoDuration.format(Duration.ZERO));
  }
}
