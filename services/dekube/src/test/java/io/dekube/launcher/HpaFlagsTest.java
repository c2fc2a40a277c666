package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.controllermanager.podautoscaler.HpaOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * kube-controller-manager's {@code --horizontal-pod-autoscaler-*} flags on {@code up} and the
 * {@code controller-manager} command: kube's defaults, pflag's parsing and words, kube's one check, the help.
 */
class HpaFlagsTest {

  private static HpaOptions hpa(String... args) {
    return ControllerManagerComponent.hpa(Flags.parse(List.of(args), Components.flags()));
  }

  private static String refused(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> UpOptions.parse(List.of(args))).getMessage();
  }

  @Test
  void theFlagsSetTheControllersOptionsWithKubesDefaults() {
    assertEquals(HpaOptions.DEFAULTS, hpa());
    assertEquals(new HpaOptions(Duration.ofSeconds(30), 0.25, Duration.ofSeconds(90), Duration.ofMinutes(2),
        Duration.ofMillis(1500), 2), hpa("--horizontal-pod-autoscaler-sync-period", "30s",
        "--horizontal-pod-autoscaler-tolerance=0.25", "--horizontal-pod-autoscaler-downscale-stabilization", "1m30s",
        "--horizontal-pod-autoscaler-cpu-initialization-period", "2m",
        "--horizontal-pod-autoscaler-initial-readiness-delay", "1.5s", "--concurrent-horizontal-pod-autoscaler-syncs",
        "2"));
  }

  @Test
  void badValuesStopTheStartInPflagsAndKubesWords() {
    assertEquals("invalid argument \"15\" for \"--horizontal-pod-autoscaler-sync-period\" flag: time: missing unit in "
        + "duration \"15\"", refused("--horizontal-pod-autoscaler-sync-period", "15"));
    assertEquals("invalid argument \"ten\" for \"--horizontal-pod-autoscaler-tolerance\" flag: strconv.ParseFloat: "
        + "parsing \"ten\": invalid syntax", refused("--horizontal-pod-autoscaler-tolerance", "ten"));
    assertEquals("invalid argument \"abc\" for \"--horizontal-pod-autoscaler-downscale-stabilization\" flag: time: "
        + "invalid duration \"abc\"", refused("--horizontal-pod-autoscaler-downscale-stabilization", "abc"));
    assertEquals("concurrent-horizontal-pod-autoscaler-syncs must be greater than 0, but got 0",
        refused("--concurrent-horizontal-pod-autoscaler-syncs", "0"));
    assertEquals("invalid argument \"a\" for \"--concurrent-horizontal-pod-autoscaler-syncs\" flag: strconv.ParseInt: "
        + "parsing \"a\": invalid syntax", refused("--concurrent-horizontal-pod-autoscaler-syncs", "a"));
  }

  @Test
  void theHelpListsThem() {
    String help = DekubeMain.help();
    for (String flag : List.of("--horizontal-pod-autoscaler-sync-period DURATION",
        "--horizontal-pod-autoscaler-tolerance FLOAT", "--horizontal-pod-autoscaler-downscale-stabilization DURATION",
        "--horizontal-pod-autoscaler-cpu-initialization-period DURATION",
        "--horizontal-pod-autoscaler-initial-readiness-delay DURATION", "--concurrent-horizontal-pod-autoscaler-syncs N")) {
      assertTrue(help.contains(flag), flag + " in:\n" + help);
    }
  }
  @Test
  void kubesDeprecatedNoOpDelaysAreTakenWithPflagsWarning() {
    Flags f = Flags.parse(List.of("--horizontal-pod-autoscaler-upscale-delay", "3m"), Components.flags());
    assertEquals(HpaOptions.DEFAULTS, ControllerManagerComponent.hpa(f));
    assertEquals(List.of("Flag --horizontal-pod-autoscaler-upscale-delay has been deprecated, This flag is currently "
        + "no-op and will be deleted."), ControllerManagerComponent.deprecations(f));
    assertEquals(List.of(), ControllerManagerComponent.deprecations(Flags.parse(List.of(), Components.flags())));
    assertEquals("invalid argument \"3\" for \"--horizontal-pod-autoscaler-downscale-delay\" flag: time: missing "
        + "unit in duration \"3\"", refused("--horizontal-pod-autoscaler-downscale-delay", "3"));
  }
}
