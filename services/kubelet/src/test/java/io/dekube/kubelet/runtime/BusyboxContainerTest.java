package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The busybox image of the jvm runtime: its command, its log, and attach to its stdin. */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class BusyboxContainerTest {

  @TempDir
  Path dir;
  private Vertx vertx;

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private RunningContainer start(Container c) throws Exception {
    ContainerSpec spec = new ContainerSpec("d", "bb", "u", "n", "127.0.0.1", c, Map.of("HOSTNAME", "bb"),
        dir.resolve("c/0.log"), dir, Map.of(), "id");
    return new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static int exit(RunningContainer c) throws Exception {
    return c.exited().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void argsReplaceTheDefaultShellAndTheOutputIsTheContainersLog() throws Exception {
    RunningContainer c = start(new ContainerBuilder().withName("bb").withImage("docker.io/library/busybox:1.36")
        .withArgs("sh", "-c", "echo hello; nosuch; exit 2").build());
    assertEquals(2, exit(c));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("c/0.log"))
        && Files.readString(dir.resolve("c/0.log")).contains("sh: nosuch: not found"));
    String log = Files.readString(dir.resolve("c/0.log"));
    assertTrue(log.matches("(?s)\\S+ stdout F hello\n\\S+ stderr F sh: nosuch: not found\n"), log);
  }

  /**
   * {@code sleep} as PID 1 has no SIGTERM handler, so the kernel drops the stop's signal: it runs on for the whole
   * grace period and ends by the SIGKILL after it, 137 — on kube a {@code kubectl delete} of such a pod takes 30 s.
   */
  @Test
  void withoutStdinTheDefaultShellEndsAtOnceAndSleepOutlivesTheStopsSigterm() throws Exception {
    assertEquals(0, exit(start(new ContainerBuilder().withName("bb").withImage("busybox").build())));
    RunningContainer sleeper = start(new ContainerBuilder().withName("bb").withImage("busybox")
        .withCommand("sleep", "infinity").build());
    assertFalse(sleeper.exited().isComplete());
    long t0 = System.nanoTime();
    assertEquals(137, sleeper.stop(Duration.ofSeconds(2)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS));
    assertTrue(System.nanoTime() - t0 >= 1_900_000_000L, "ended before its grace period ran out");
  }

  /** A shell without a trap is the same; one that ends by itself meanwhile ends with its own code. */
  @Test
  void aShellWithoutATrapRunsOnAfterTheStopUntilItEnds() throws Exception {
    RunningContainer c = start(new ContainerBuilder().withName("bb").withImage("busybox")
        .withCommand("sh", "-c", "echo ready; sleep 1; exit 3").build());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("c/0.log"))
        && Files.readString(dir.resolve("c/0.log")).contains("ready"));
    assertEquals(3, c.stop(Duration.ofSeconds(30)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS));
  }

  /** kube's pause handles SIGTERM: psignal's line on stderr, exit 0. */
  @Test
  void pauseEndsWithZeroOnSigterm() throws Exception {
    RunningContainer c = start(new ContainerBuilder().withName("c").withImage("registry.k8s.io/pause:3.10").build());
    assertEquals(0, c.stop(Duration.ofSeconds(30)).toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(dir.resolve("c/0.log"))
        .contains("stderr F Shutting down, got signal: Terminated\n"));
  }

  /** The pod's delete sends TERM to the shell: its trap runs and its exit is the container's. */
  @Test
  void aStopRunsTheShellsTermTrap() throws Exception {
    RunningContainer c = start(new ContainerBuilder().withName("bb").withImage("busybox")
        .withCommand("sh", "-c", "trap 'echo bye; exit 0' TERM; echo ready; while true; do sleep 600; done").build());
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(dir.resolve("c/0.log"))
        && Files.readString(dir.resolve("c/0.log")).contains("ready"));
    assertEquals(0, c.stop(Duration.ofSeconds(5)).toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(dir.resolve("c/0.log"))
        .contains("stdout F bye\n"));
  }

  @Test
  void attachReachesTheShellsStdinAndStdinOnceClosesItWhenTheClientGoes() throws Exception {
    RunningContainer c = start(new ContainerBuilder().withName("bb").withImage("busybox").withStdin(true)
        .withStdinOnce(true).build());
    StringBuffer seen = new StringBuffer();
    ExecSession attached = c.attach(new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        seen.append(data);
      }

      @Override
      public void stderr(Buffer data) {
        seen.append(data);
      }
    });
    attached.stdin(Buffer.buffer("echo hi from $HOSTNAME\n"));
    Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> seen.toString().equals("hi from bb\n"));
    assertFalse(c.exited().isComplete());
    attached.kill();
    assertEquals(0, exit(c));
  }

  @Test
  void otherImagesOfferOnlyTheirLogToFollow() throws Exception {
    RunningContainer pause = start(new ContainerBuilder().withName("p").withImage("dekube/pause").build());
    assertFalse(pause.attachable());
    assertNull(pause.attach(null));
  }
}
