package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProcStatsTest {

  @Test
  void cpuTicksAddUserSystemAndWaitedChildrenTimesEvenWithSpacesInTheName() {
    String stat = "4242 (my (odd) cmd) S 1 4242 4242 0 -1 4194304 1500 0 0 0 250 50 7 3 20 0 4 0 12345 "
        + "1000000 500 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 1 0 0 0 0 0";
    assertEquals(250 + 50 + 7 + 3, ProcStats.cpuTicks(stat));
  }

  @Test
  void rssIsVmRssInBytesAndZeroForAZombie() {
    assertEquals(12_345L * 1024, ProcStats.rssBytes("Name:\tjava\nVmPeak:\t 99 kB\nVmRSS:\t   12345 kB\nThreads: 3\n"));
    assertEquals(0, ProcStats.rssBytes("Name:\tzombie\nState:\tZ (zombie)\n"));
  }

  @Test
  void thisJvmUsesSomeCpuAndMemoryAndAGoneProcessNothing() {
    ResourceUsage self = ProcStats.of(ProcessHandle.current().pid());
    assertTrue(self.cpuNanos() > 0, self.toString());
    assertTrue(self.workingSetBytes() > 1024 * 1024, self.toString());
    assertEquals(ResourceUsage.NONE, ProcStats.of(Long.MAX_VALUE));
  }
}
