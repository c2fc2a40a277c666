package io.dekube.kubelet.pod;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** {@code kubectl logs --previous} reads the run the status shows as {@code lastState}, as kube's kubelet does. */
class PreviousLogTest {

  private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
  private static final Path DIR = Path.of("/pods/default_myapp_uid/myapp");

  private static ContainerRecord.Terminated ended(int code) {
    return new ContainerRecord.Terminated(code, "Error", null, T, T, "jvm://x");
  }

  /** `kubectl run myapp --image=busybox -- false` after its third run, waiting for its restart. */
  private static ContainerRecord thirdRunEnded() {
    ContainerRecord r = new ContainerRecord("myapp", false, "busybox");
    r.logFile = DIR.resolve("2.log");
    r.restartCount = 2;
    r.last = ended(1);
    r.terminated = ended(1);
    r.restartAt = T.plusSeconds(20);
    return r;
  }

  @Test
  void aCrashLoopShowsTheRunThatJustEnded() {
    // waiting in CrashLoopBackOff: lastState is the third run
    assertEquals(DIR.resolve("2.log"), thirdRunEnded().previousLogFile());
  }

  @Test
  void aRunWhoseEndIsShownHasTheRunBeforeAsPrevious() {
    // the status shows the third run's end as its state (not yet CrashLoopBackOff): lastState is the second run
    ContainerRecord r = thirdRunEnded();
    r.endShown = true;
    assertEquals(DIR.resolve("1.log"), r.previousLogFile());
  }

  @Test
  void aRestartedRunningContainerShowsTheRunBefore() {
    ContainerRecord r = new ContainerRecord("myapp", false, "busybox");
    r.logFile = DIR.resolve("3.log");
    r.restartCount = 3;
    r.last = ended(137);
    r.running = new io.dekube.kubelet.runtime.SimulatedRuntime(null, java.time.Duration.ZERO).start(null).result();
    assertEquals(DIR.resolve("2.log"), r.previousLogFile());
  }

  @Test
  void aFirstRunOrAContainerThatIsNotRestartedHasNone() {
    ContainerRecord running = new ContainerRecord("myapp", false, "busybox");
    running.logFile = DIR.resolve("0.log");
    running.running = new io.dekube.kubelet.runtime.SimulatedRuntime(null, java.time.Duration.ZERO).start(null)
        .result();
    assertNull(running.previousLogFile());
    ContainerRecord done = new ContainerRecord("myapp", false, "busybox");
    done.logFile = DIR.resolve("0.log");
    done.terminated = ended(1); // restartPolicy Never: terminated, no lastState
    assertNull(done.previousLogFile());
    assertNull(new ContainerRecord("myapp", false, "busybox").previousLogFile());
  }
}
