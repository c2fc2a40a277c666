package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.controllermanager.nodelifecycle.NodeLifecycleOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager's node lifecycle and terminated-pod GC flags on {@code up} and the
 * {@code controller-manager} command: kube's defaults, pflag's parsing and words, the help.
 */
class NodeLifecycleFlagsTest {

  private static Flags flags(String... args) {
    return Flags.parse(List.of(args), Components.flags());
  }

  @Test
  void theFlagsSetTheControllersOptionsWithKubesDefaults() {
    assertEquals(NodeLifecycleOptions.DEFAULTS, ControllerManagerComponent.nodeLifecycle(flags()));
    assertEquals(new NodeLifecycleOptions(Duration.ofSeconds(2), Duration.ofSeconds(90), 0.5f, 0.05f, 3, 0.4f),
        ControllerManagerComponent.nodeLifecycle(flags("--node-monitor-period", "2s", "--node-startup-grace-period",
        "1m30s", "--node-eviction-rate", "0.5", "--secondary-node-eviction-rate=0.05", "--large-cluster-size-threshold", "3",
        "--unhealthy-zone-threshold", ".4")));
    assertEquals(12500, ControllerManagerComponent.terminatedPodGcThreshold(flags()));
    assertEquals(0, ControllerManagerComponent.terminatedPodGcThreshold(flags("--terminated-pod-gc-threshold", "0")));
  }

  @ParameterizedTest(name = "{0} {1}")
  @CsvSource(delimiter = '|', value = {
      "--node-eviction-rate           | fast | strconv.ParseFloat: parsing \"fast\": invalid syntax",
      "--unhealthy-zone-threshold     | 55%  | strconv.ParseFloat: parsing \"55%\": invalid syntax",
      "--node-startup-grace-period    | 60   | time: missing unit in duration \"60\"",
      "--large-cluster-size-threshold | 1.5  | strconv.ParseInt: parsing \"1.5\": invalid syntax",
      "--terminated-pod-gc-threshold  | 3000000000 | strconv.ParseInt: parsing \"3000000000\": value out of range",
  })
  void badValuesStopUpInPflagsWords(String flag, String value, String error) {
    assertEquals("invalid argument \"" + value + "\" for \"" + flag + "\" flag: " + error,
        assertThrows(IllegalArgumentException.class, () -> UpOptions.parse(List.of(flag, value))).getMessage());
  }

  @Test
  void theHelpListsThem() {
    String help = DekubeMain.help();
    for (String flag : List.of("--node-monitor-period DURATION", "--node-startup-grace-period DURATION",
        "--node-eviction-rate RATE", "--secondary-node-eviction-rate RATE",
        "--large-cluster-size-threshold N", "--unhealthy-zone-threshold FRACTION", "--terminated-pod-gc-threshold N")) {
      assertTrue(help.contains(flag), flag + " in:\n" + help);
    }
  }
}
