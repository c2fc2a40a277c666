package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A jvm container's exit is reported only once its log holds every line it wrote, so {@code kubectl logs} right
 * after the status says Terminated shows the last ones.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class JvmContainerExitTest {

  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  @Test
  void theExitWaitsForTheLogWriterToPutTheLastLineOnDisk() throws Exception {
    Path file = dir.resolve("c/0.log");
    ContainerSpec spec = new ContainerSpec("d", "p", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), Map.of(), file, dir, Map.of(), "id");
    JvmContainer c = new JvmContainer(vertx, spec, "busybox", TrafficPolicy.OPEN);
    CompletableFuture<String> logAtExit = new CompletableFuture<>();
    c.exited().onComplete(ar -> logAtExit.complete(read(file)));
    // holding the log's lock keeps its writer thread from writing: a disk slower than the program
    synchronized (c.log()) {
      for (int i = 1; i <= 1000; i++) {
        c.outputs().stdout(Buffer.buffer("line " + i + "\n"));
      }
      c.exit(3);
    }
    assertEquals(3, c.exited().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    String log = logAtExit.get(10, TimeUnit.SECONDS);
    assertTrue(log.endsWith(" stdout F line 1000\n"), "the log when the exit was reported: " + tail(log));
  }

  private static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file) : "";
    } catch (java.io.IOException e) {
      return e.toString();
    }
  }

  private static String tail(String log) {
    return log.isEmpty() ? "(empty)" : log.substring(Math.max(0, log.length() - 200));
  }
}
