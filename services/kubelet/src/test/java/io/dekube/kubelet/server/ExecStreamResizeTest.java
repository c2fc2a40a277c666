package io.dekube.kubelet.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.kubelet.runtime.ExecSession;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ExecStreamResizeTest {

  /** kubectl's resize channel carries {@code {"Width":W,"Height":H}}, as client-go's TerminalSize encodes it. */
  @Test
  void aResizeMessageGivesTheSessionItsTerminalsSize() {
    List<String> sizes = new ArrayList<>();
    ExecSession session = new ExecSession() {
      @Override
      public void stdin(Buffer data) {
      }

      @Override
      public void closeStdin() {
      }

      @Override
      public Future<Integer> exitCode() {
        return Future.succeededFuture(0);
      }

      @Override
      public void kill() {
      }

      @Override
      public void resize(int columns, int rows) {
        sizes.add(columns + "x" + rows);
      }
    };
    ExecStream.resize(session, Buffer.buffer("{\"Width\":132,\"Height\":43}"));
    ExecStream.resize(session, Buffer.buffer("not json"));
    assertEquals(List.of("132x43"), sizes);
  }
}
