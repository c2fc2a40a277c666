package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The stress images of the memory and CPU resource task pages: real work, counted as the container's. */
class StressTest {

  private static final long MI = 1 << 20;

  @TempDir
  Path dir;

  private static Container stress(String image, String limit, String cpu, List<String> command, List<String> args) {
    ContainerBuilder b = new ContainerBuilder().withName("stress").withImage(image).withCommand(command).withArgs(args);
    b.withNewResources().addToLimits("memory", new Quantity(limit)).addToLimits("cpu", new Quantity(cpu))
        .endResources();
    return b.build();
  }

  /** memory-request-limit.yaml: 150M within a 200Mi limit runs on, its working set the bytes it holds. */
  @Test
  void withinItsLimitTheHogHoldsItsBytesAndRunsOn() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.11.2")) {
      t.start("memory-demo", stress("polinux/stress", "200Mi", "1", List.of("stress"),
          List.of("--vm", "1", "--vm-bytes", "150M", "--vm-hang", "1")), Map.of());
      Awaitility.await().atMost(Duration.ofSeconds(30))
          .until(() -> t.container.usage().workingSetBytes() == 150 * MI);
      assertFalse(t.container.exited().isComplete());
      t.awaitLog("stress", "stress: info: [1] dispatching hogs: 0 cpu, 0 io, 1 vm, 0 hdd");
      t.container.stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get();
      assertEquals(0, t.container.usage().workingSetBytes(), "released when stopped");
    }
  }

  /** memory-request-limit-2.yaml: 250M beyond a 100Mi limit is OOM-killed. */
  @Test
  void beyondItsLimitTheContainerIsOomKilled() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.11.3")) {
      t.start("memory-demo-2", stress("polinux/stress", "100Mi", "1", List.of("stress"),
          List.of("--vm", "1", "--vm-bytes", "250M", "--vm-hang", "1")), Map.of());
      assertEquals(137, t.exitCode());
      assertEquals("OOMKilled", t.container.exitReason());
      assertEquals(0, t.container.usage().workingSetBytes());
    }
  }

  /** cpu-request-limit.yaml: two hogs under a CPU limit get no more CPU than the limit gives. */
  @Test
  void twoCpuHogsAreHeldToTheContainersCpuLimit() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.11.4")) {
      t.start("cpu-demo", stress("vish/stress", "100Mi", "200m", List.of(), List.of("-cpus", "2")), Map.of());
      long start = System.nanoTime();
      long cpu0 = t.container.usage().cpuNanos();
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> t.container.usage().cpuNanos() - cpu0 > 300_000_000);
      long cpu = t.container.usage().cpuNanos() - cpu0;
      long wall = System.nanoTime() - start;
      // the quota: 20 ms of CPU per 100 ms period, and at most one 10 ms slice per hog over it
      assertTrue(cpu <= wall / 5 + 3 * 20_000_000L, cpu / 1_000_000 + " ms of CPU in " + wall / 1_000_000 + " ms");
      assertFalse(t.container.exited().isComplete());
    }
  }

  @Test
  void stressEndsAfterItsTimeoutAndRefusesWhatItDoesNotRun() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.11.5")) {
      t.start("s", stress("polinux/stress", "100Mi", "1", List.of("stress"), List.of("--cpu", "1", "--timeout", "1s")),
          Map.of());
      assertEquals(0, t.exitCode());
      assertTrue(t.log("stress").contains("stress: info: [1] successful run completed in 1s"), t.log("stress"));
    }
    assertEquals(150 * MI, StressArgs.stress(List.of("--vm", "1", "--vm-bytes", "150M")).vmBytes());
    assertEquals(150_000_000L, StressArgs.vish(List.of("-mem-total", "150M")).vmBytes());
    StressArgs v = StressArgs.vish(List.of("-mem-total", "250Mi", "-mem-alloc-size", "10Mi", "-mem-alloc-sleep", "1s"));
    assertEquals(List.of(250 * MI, 10 * MI, 1000L), List.of(v.vmBytes(), v.chunkBytes(), v.stepMillis()));
    assertEquals(2, StressArgs.vish(List.of("--cpus=2", "-logtostderr")).cpus());
    assertTrue(assertThrows(StressArgs.Refused.class, () -> StressArgs.stress(List.of("--io", "1"))).getMessage()
        .contains("only --cpu and --vm"));
    assertEquals(2, assertThrows(StressArgs.Refused.class, () -> StressArgs.vish(List.of("-x"))).code);
  }
}
