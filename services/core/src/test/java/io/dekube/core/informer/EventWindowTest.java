package io.dekube.core.informer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.informer.InformerEvent.Type;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class EventWindowTest {

  private static InformerEvent event(long rv) {
    return new InformerEvent(Type.MODIFIED, Json.object(), rv);
  }

  /** A window of capacity 3 starting after rv 9, holding events at the given rvs. */
  private static EventWindow window(long... rvs) {
    EventWindow w = new EventWindow(3, 9);
    for (long rv : rvs) {
      w.append(event(rv));
    }
    return w;
  }

  static Stream<Arguments> sinceCases() {
    return Stream.of(
        // events appended, since rv, expected rvs (null = 410)
        Arguments.of(new long[] {}, 9L, List.of()),
        Arguments.of(new long[] {}, 8L, null),
        Arguments.of(new long[] {}, 100L, List.of()),
        Arguments.of(new long[] {10, 12, 15}, 9L, List.of(10L, 12L, 15L)),
        Arguments.of(new long[] {10, 12, 15}, 10L, List.of(12L, 15L)),
        Arguments.of(new long[] {10, 12, 15}, 11L, List.of(12L, 15L)),
        Arguments.of(new long[] {10, 12, 15}, 15L, List.of()),
        Arguments.of(new long[] {10, 12, 15}, 99L, List.of()),
        // the 4th event evicts rv 10: the window now covers (10, 20]
        Arguments.of(new long[] {10, 12, 15, 20}, 10L, List.of(12L, 15L, 20L)),
        Arguments.of(new long[] {10, 12, 15, 20}, 9L, null),
        Arguments.of(new long[] {10, 12, 15, 20, 21, 22}, 15L, List.of(20L, 21L, 22L)),
        Arguments.of(new long[] {10, 12, 15, 20, 21, 22}, 14L, null));
  }

  @ParameterizedTest(name = "{index}: since {1}")
  @MethodSource("sinceCases")
  void since(long[] rvs, long since, List<Long> expected) {
    EventWindow w = window(rvs);
    if (expected == null) {
      StatusException e = assertThrows(StatusException.class, () -> w.since(since));
      assertEquals(410, e.code());
      assertEquals("Expired", e.reason());
      assertEquals("too old resource version: " + since + " (" + w.startRv() + ")", e.getMessage());
    } else {
      assertEquals(expected, w.since(since).stream().map(InformerEvent::rv).toList());
    }
  }

  @Test
  void rejectsOutOfOrderEvents() {
    EventWindow w = window(10);
    assertThrows(IllegalArgumentException.class, () -> w.append(event(10)));
    assertThrows(IllegalArgumentException.class, () -> window().append(event(9)));
  }

  @Test
  void resetStartsOver() {
    EventWindow w = window(10, 12, 15, 20);
    w.reset(30);
    assertEquals(0, w.size());
    assertEquals(30, w.latestRv());
    assertThrows(StatusException.class, () -> w.since(29));
    w.append(event(31));
    assertEquals(List.of(31L), w.since(30).stream().map(InformerEvent::rv).toList());
  }
}
