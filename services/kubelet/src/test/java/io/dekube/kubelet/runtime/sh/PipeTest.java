package io.dekube.kubelet.runtime.sh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.runtime.ExecSession;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A pipe between two stages: lines as they come, the end of input, back-pressure and SIGPIPE. */
class PipeTest {

  private final Vertx vertx = Vertx.vertx();
  private final Pipe pipe = new Pipe(vertx.getOrCreateContext());
  private final ExecSession.Output writer = pipe.writer(new ExecSession.Output() {
    @Override
    public void stdout(Buffer data) {
    }

    @Override
    public void stderr(Buffer data) {
    }
  });

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static <T> T get(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aReaderGetsLinesAsTheyComeThenTheEnd() throws Exception {
    Future<String> first = pipe.readLine();
    assertFalse(first.isComplete(), "nothing written yet");
    writer.stdout(Buffer.buffer("one\ntw"));
    assertEquals("one", get(first));
    Future<String> second = pipe.readLine();
    writer.stdout(Buffer.buffer("o\nthree"));
    assertEquals("two", get(second));
    pipe.endWriter();
    assertEquals("three", get(pipe.readLine()));
    assertNull(get(pipe.readLine()));
  }

  @Test
  void aFullPipeHoldsItsWriterBackUntilItIsRead() throws Exception {
    writer.stdout(Buffer.buffer("x".repeat(Pipe.CAPACITY)));
    Future<Void> ready = writer.ready();
    assertFalse(ready.isComplete(), "the writer waits");
    assertEquals(Pipe.CAPACITY, get(pipe.read()).length());
    get(ready);
    assertTrue(writer.ready().succeeded());
  }

  @Test
  void aWriteAfterTheReaderEndedBreaksThePipe() throws Exception {
    writer.stdout(Buffer.buffer("x".repeat(Pipe.CAPACITY)));
    Future<Void> ready = writer.ready();
    pipe.endReader();
    Boolean told = get(ready.transform(ar -> Future.succeededFuture(ar.failed())));
    assertTrue(told, "the waiting writer is told");
    assertFalse(pipe.broken(), "no write came yet");
    writer.stdout(Buffer.buffer("more\n"));
    assertTrue(pipe.broken());
  }

  @Test
  void readAllWaitsForTheEndAndNeverHoldsTheWriterBack() throws Exception {
    Future<String> all = pipe.readAll();
    writer.stdout(Buffer.buffer("y\n".repeat(Pipe.CAPACITY)));
    assertTrue(writer.ready().succeeded());
    pipe.endWriter();
    assertEquals(2 * Pipe.CAPACITY, get(all).length());
  }
}
