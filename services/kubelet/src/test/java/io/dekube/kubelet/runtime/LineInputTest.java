package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class LineInputTest {

  private final AtomicInteger interrupts = new AtomicInteger();

  private LineInput input(boolean tty) {
    return new LineInput(this, tty, StandardCharsets.UTF_8, s -> { }, interrupts::incrementAndGet);
  }

  @Test
  void oneLineAtATimeOnceReleasedAndDoneAfterTheLastAtTheEnd() {
    LineInput in = input(false);
    in.feed(Buffer.buffer("GET a\nGET b\nGET c"));
    assertNull(in.take(), "held until the client is ready");
    in.release();
    assertEquals("GET a", in.take());
    assertNull(in.take(), "held while a line is answered");
    in.close();
    assertFalse(in.done());
    in.release();
    assertEquals("GET b", in.take());
    in.release();
    assertEquals("GET c", in.take(), "the last line without its newline is a line at the end of input");
    assertFalse(in.done(), "not done while the last line is answered");
    in.release();
    assertNull(in.take());
    assertTrue(in.done());
  }

  @Test
  void ctrlDOnAnEmptyLineEndsTheInputAndCtrlCIsTheClients() {
    LineInput in = input(true);
    in.release();
    in.feed(Buffer.buffer("ab\u0003"));
    assertEquals(1, interrupts.get());
    in.clear();
    in.feed(Buffer.buffer("x\u0004"));
    assertFalse(in.ended(), "Ctrl-D after typed text is not the end");
    in.feed(Buffer.buffer("\r\u0004"));
    assertTrue(in.ended());
    assertEquals("x", in.take());
    in.release();
    assertTrue(in.done());
  }

  @Test
  void aPasswordIsReadWhileTheInputIsHeld() {
    LineInput in = input(false);
    in.feed(Buffer.buffer("secret\n"));
    assertEquals("secret", in.poll());
    assertTrue(in.held());
  }
}
