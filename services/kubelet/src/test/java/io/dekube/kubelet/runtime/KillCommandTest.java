package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill} in an exec, as "Configure a Pod to Use a Volume for Storage" kills the container's program from a
 * shell: the container ends as its program handles the signal.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class KillCommandTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private JvmContainer container() {
    ContainerSpec spec = new ContainerSpec("d", "p", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), Map.of(), dir.resolve("c/0.log"), dir,
        Map.of(), "id");
    JvmContainer c = new JvmContainer(vertx, spec, "busybox", TrafficPolicy.OPEN);
    c.onTerm(grace -> io.vertx.core.Future.succeededFuture(7)); // the program's own TERM handling: a trap
    return c;
  }

  private int exec(JvmContainer c, String... argv) throws Exception {
    output.clear();
    return c.exec(List.of(argv), output).exitCode().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  private static int exitOf(JvmContainer c) throws Exception {
    return c.exited().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void termToTheContainersProgramStopsItAsItHandlesTerm() throws Exception {
    JvmContainer c = container();
    assertEquals(0, exec(c, "sh", "-c", "kill 1"), output.err.toString());
    assertEquals(7, exitOf(c));
  }

  /** The kernel protects a namespace's init from its members: SIGKILL from inside does nothing to PID 1. */
  @Test
  void killFromInsideLeavesPidOneRunning() throws Exception {
    JvmContainer c = container();
    assertEquals(0, exec(c, "kill", "-9", "1"), output.err.toString());
    assertFalse(c.exited().isComplete());
    c.stop(Duration.ZERO);
    assertEquals(137, exitOf(c));
  }

  /** PID 1 without a handler ({@code sleep}) takes no TERM from inside; with a shared namespace it dies of it. */
  @Test
  void termReachesOnlyAHandlerAsPidOneAndKillsAProgramThatIsNot() throws Exception {
    JvmContainer c = new JvmContainer(vertx, spec(false), "busybox", TrafficPolicy.OPEN);
    c.noSigtermHandler();
    assertEquals(0, exec(c, "kill", "1"), output.err.toString());
    assertEquals(0, exec(c, "kill", "-9", "1"), output.err.toString());
    assertFalse(c.exited().isComplete());
    c.stop(Duration.ZERO);
    JvmContainer shared = new JvmContainer(vertx, spec(true), "busybox", TrafficPolicy.OPEN);
    shared.noSigtermHandler();
    assertEquals(0, exec(shared, "kill", "8"), output.err.toString());
    assertEquals(143, exitOf(shared));
  }

  private ContainerSpec spec(boolean sharedPidNamespace) {
    io.fabric8.kubernetes.api.model.Container container = new ContainerBuilder().withName("c").withImage("busybox")
        .withCommand("sleep", "3600").build();
    return new ContainerSpec("d", "p", "u", "n", "127.0.0.1", container, Map.of(), dir.resolve("c/0.log"), dir,
        Map.of(), "id", null, new io.fabric8.kubernetes.api.model.PodSpecBuilder()
        .withShareProcessNamespace(sharedPidNamespace).withContainers(container).build());
  }

  @Test
  void anotherIdHasNoProcessAndABadSignalIsRefused() throws Exception {
    JvmContainer c = container();
    assertEquals(1, exec(c, "kill", "42"));
    assertEquals("sh: can't kill pid 42: No such process\n", output.err.toString());
    assertEquals(1, exec(c, "kill", "-FOO", "1"));
    assertEquals("sh: kill: bad signal name 'FOO'\n", output.err.toString());
    assertEquals(0, exec(c, "kill", "-USR1", "1"));
    assertFalse(c.exited().isComplete());
    c.stop(Duration.ZERO);
  }
}
