package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The line discipline of the shell's and redis-cli's exec sessions. */
class TerminalLinesTest {

  private final StringBuilder echoed = new StringBuilder();
  private final List<TerminalLines.Control> keys = new ArrayList<>();

  @Test
  void aRawTerminalEchoesEditsAndDropsArrowKeys() {
    TerminalLines t = new TerminalLines(true, echoed::append, keys::add);
    t.feed("lx\u007fs\u001b[A -l\r");
    assertEquals("ls -l", t.poll());
    assertEquals("lx\b \bs -l\n", echoed.toString(), "each key echoed, backspace rubs out, Enter is a newline");
    assertNull(t.poll());
    t.feed("pwd\u0004\u0003");
    assertEquals(List.of(TerminalLines.Control.INTERRUPT), keys, "Ctrl-D ends the input only on an empty line");
    t.clear();
    t.feed("\u0004");
    assertEquals(List.of(TerminalLines.Control.INTERRUPT, TerminalLines.Control.END_OF_INPUT), keys);
  }

  @Test
  void pipedTextIsSplitAtNewlinesWithoutEchoAndItsLastLineCountsAtTheEnd() {
    TerminalLines t = new TerminalLines(false, echoed::append, keys::add);
    t.feed("a\r\nb\nc");
    assertEquals("a", t.poll());
    assertEquals("b", t.poll());
    assertNull(t.poll());
    t.close();
    assertEquals("c", t.poll());
    assertEquals("", echoed.toString());
  }
}
