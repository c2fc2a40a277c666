package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.kubelet.eviction.EvictionConfig;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The kubelet's eviction flags on {@code up} and {@code ./dekube kubelet}: kube's defaults, a repeated map flag adding
 * to its map, pflag's and kube's words for bad values, and {@code ./dekube help}.
 */
class EvictionFlagsTest {

  private static Flags flags(String... args) {
    return Flags.parse(List.of(args), Components.flags());
  }

  private static String error(String... args) {
    return assertThrows(IllegalArgumentException.class, () -> EvictionFlags.parse(flags(args))).getMessage();
  }

  @Test
  void kubesDefaultsAndRepeatedMaps() {
    EvictionConfig d = EvictionFlags.parse(flags());
    assertEquals(EvictionConfig.defaults(), d);
    EvictionConfig c = EvictionFlags.parse(flags("--eviction-hard", "memory.available<500Mi", "--eviction-hard",
        "nodefs.available<5%", "--eviction-soft=memory.available<1Gi", "--eviction-soft-grace-period",
        "memory.available=30s", "--eviction-max-pod-grace-period", "60", "--eviction-pressure-transition-period",
        "30s", "--eviction-minimum-reclaim", "memory.available=100Mi"));
    assertEquals(List.of("memory.available", "nodefs.available", "memory.available"),
        c.thresholds().stream().map(t -> t.signal().toString()).toList(), "a given --eviction-hard replaces kube's");
    assertEquals(Duration.ofSeconds(30), c.thresholds().get(2).gracePeriod());
    assertEquals(60, c.maxPodGraceSeconds());
    assertEquals(Duration.ofSeconds(30), c.transitionPeriod());
    assertEquals("100Mi", c.thresholds().get(0).minReclaim().quantity().toString());
  }

  @Test
  void badValuesAreRefusedInPflagsAndKubesWords() {
    assertEquals("invalid argument \"memory.available=1Gi\" for \"--eviction-hard\" flag: malformed pair, expect "
        + "string<string", error("--eviction-hard", "memory.available=1Gi"));
    assertEquals("invalid argument \"memory.available<1m\" for \"--eviction-soft-grace-period\" flag: malformed pair, "
        + "expect string=string", error("--eviction-soft-grace-period", "memory.available<1m"));
    assertEquals("invalid argument \"soon\" for \"--eviction-pressure-transition-period\" flag: time: invalid "
        + "duration \"soon\"", error("--eviction-pressure-transition-period", "soon"));
    assertEquals("invalid argument \"x\" for \"--eviction-max-pod-grace-period\" flag: strconv.ParseInt: parsing "
        + "\"x\": invalid syntax", error("--eviction-max-pod-grace-period", "x"));
    assertEquals("unsupported eviction signal memory.free", error("--eviction-hard", "memory.free<1Gi"));
    assertEquals("grace period must be specified for the soft eviction threshold memory.available",
        error("--eviction-soft", "memory.available<1Gi"));
  }

  @Test
  void theHelpListsThem() {
    String help = DekubeMain.help();
    for (Flag f : EvictionFlags.FLAGS) {
      assertTrue(help.contains(f.name() + " "), f.name() + " in:\n" + help);
    }
  }
}
