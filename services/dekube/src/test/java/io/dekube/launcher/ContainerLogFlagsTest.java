package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.logs.ContainerLogPolicy;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The kubelet's container log flags on {@code up} and {@code ./dekube kubelet}: kube's defaults and words. */
class ContainerLogFlagsTest {

  private static Flags flags(String... args) {
    return Flags.parse(List.of(args), Components.flags());
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> ContainerLogFlags.parse(flags(args))).getMessage();
  }

  @Test
  void kubesDefaultsAndGivenValues() {
    assertEquals(ContainerLogPolicy.DEFAULTS, ContainerLogFlags.parse(flags()));
    ContainerLogPolicy p = ContainerLogFlags.parse(flags("--container-log-max-size", "1Ki", "--container-log-max-files",
        "2", "--container-log-max-workers", "3", "--container-log-monitor-interval", "1m"));
    assertEquals(new ContainerLogPolicy("1Ki", 1024, 2, 3, Duration.ofMinutes(1)), p);
    assertTrue(p.rotates());
    assertTrue(!ContainerLogFlags.parse(flags("--container-log-max-size", "-1")).rotates(), "negative: rotation off");
  }

  @Test
  void badValuesAreRefusedInPflagsAndTheKubeletsWords() {
    assertEquals("invalid argument \"five\" for \"--container-log-max-files\" flag: strconv.ParseInt: parsing "
        + "\"five\": invalid syntax", error("--container-log-max-files", "five"));
    assertEquals("invalid argument \"soon\" for \"--container-log-monitor-interval\" flag: time: invalid duration "
        + "\"soon\"", error("--container-log-monitor-interval", "soon"));
    assertEquals("invalid configuration: containerLogMaxFiles must be greater than 1",
        error("--container-log-max-files", "1"));
    assertEquals("invalid configuration: containerLogMaxWorkers must be greater than or equal to 1",
        error("--container-log-max-workers", "0"));
    assertEquals("invalid configuration: containerLogMonitorInterval must be a positive time duration greater than "
        + "or equal to 3s", error("--container-log-monitor-interval", "2s"));
    assertEquals("failed to parse container log max size \"ten\": quantities must match the regular expression "
        + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'", error("--container-log-max-size", "ten"));
    assertEquals("failed to parse container log max size \"1.5\": invalid max log size",
        error("--container-log-max-size", "1.5"));
  }

  @Test
  void theHelpListsThem() {
    String help = DekubeMain.help();
    for (Flag f : ContainerLogFlags.FLAGS) {
      assertTrue(help.contains(f.name() + " "), f.name() + " in:\n" + help);
    }
  }
}
