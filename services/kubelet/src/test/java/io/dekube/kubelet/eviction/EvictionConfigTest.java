package io.dekube.kubelet.eviction;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** kube's {@code ParseThresholdConfig} and the eviction flags' maps, with kube's errors word for word. */
class EvictionConfigTest {

  private static EvictionConfig parse(String hard, String soft, String grace, String reclaim) {
    return EvictionConfig.parse(EvictionConfig.langleMap(hard), EvictionConfig.langleMap(soft),
        EvictionConfig.equalsMap(grace), EvictionConfig.equalsMap(reclaim), 0, Duration.ofMinutes(5));
  }

  private static String error(String hard, String soft, String grace, String reclaim) {
    return assertThrows(IllegalArgumentException.class, () -> parse(hard, soft, grace, reclaim)).getMessage();
  }

  @Test
  void kubesDefaultsAreHardThresholdsOfQuantitiesAndPercentages() {
    EvictionConfig c = EvictionConfig.defaults();
    assertEquals(List.of("imagefs.available", "imagefs.inodesFree", "memory.available", "nodefs.available",
        "nodefs.inodesFree"), c.thresholds().stream().map(t -> t.signal().toString()).toList());
    assertTrue(c.thresholds().stream().allMatch(Threshold::hard));
    Threshold memory = c.thresholds().get(2);
    assertEquals("100Mi", memory.value().of(BigDecimal.valueOf(8L << 30)).toString());
    // 10% of a 1000 byte disk, through kube's float32 fraction
    assertEquals("100", c.thresholds().get(3).value().of(BigDecimal.valueOf(1000)).toString());
    assertEquals(Duration.ofMinutes(5), c.transitionPeriod());
    assertEquals(0, c.maxPodGraceSeconds());
  }

  @Test
  void softThresholdsTakeTheirGracePeriodAndMinimumReclaims() {
    EvictionConfig c = parse("memory.available<1Gi", "memory.available<1.5Gi, nodefs.available < 20%",
        "memory.available=1m30s,nodefs.available=2m", "memory.available=0.5Gi,nodefs.available=1%");
    assertEquals(3, c.thresholds().size());
    Threshold soft = c.thresholds().get(1);
    assertEquals(Duration.ofSeconds(90), soft.gracePeriod());
    assertEquals("1536Mi", soft.value().quantity().toString());
    assertEquals("512Mi", soft.minReclaim().quantity().toString());
    assertEquals("512Mi", c.thresholds().get(0).minReclaim().quantity().toString(), "the hard one reclaims too");
    assertEquals(Duration.ofMinutes(2), c.thresholds().get(2).gracePeriod());
    assertEquals(0.2f, c.thresholds().get(2).value().percentage());
    assertEquals(0, parse("memory.available<0%,nodefs.available<100%", "", "", "").thresholds().size(),
        "0% and 100% are ignored");
  }

  @Test
  void badStatementsAreRefusedInKubesWords() {
    assertEquals("unsupported eviction signal memory.free", error("memory.free<1Gi", "", "", ""));
    assertEquals("eviction percentage threshold nodefs.available must be <= 100%: 120%",
        error("nodefs.available<120%", "", "", ""));
    assertEquals("eviction percentage threshold nodefs.available must be >= 0%: -5%",
        error("nodefs.available<-5%", "", "", ""));
    assertEquals("strconv.ParseFloat: parsing \"ten\": invalid syntax", error("nodefs.available<ten%", "", "", ""));
    assertEquals("eviction threshold memory.available must be positive: 0", error("memory.available<0", "", "", ""));
    assertEquals("eviction threshold memory.available must be positive: -1Gi",
        error("memory.available<-1Gi", "", "", ""));
    assertEquals("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        error("memory.available<lots", "", "", ""));
    assertEquals("grace period must be specified for the soft eviction threshold memory.available",
        error("", "memory.available<1Gi", "", ""));
    assertEquals("invalid eviction grace period specified: -1s, must be a positive value",
        error("", "memory.available<1Gi", "memory.available=-1s", ""));
    assertEquals("time: invalid duration \"soon\"", error("", "memory.available<1Gi", "memory.available=soon", ""));
    assertEquals("unsupported eviction signal cpu.available", error("", "", "cpu.available=1m", ""));
    assertEquals("eviction percentage minimum reclaim memory.available must be positive: 0%",
        error("", "", "", "memory.available=0%"));
    assertEquals("negative eviction minimum reclaim specified for memory.available",
        error("", "", "", "memory.available=-1Mi"));
  }

  @Test
  void theFlagsMapsAreKubesLangleAndEqualsSeparatedMaps() {
    assertEquals(Map.of("memory.available", "1Gi", "nodefs.available", "5%"),
        EvictionConfig.langleMap("memory.available<2Gi, nodefs.available<5%,,memory.available < 1Gi"));
    assertEquals("malformed pair, expect string<string",
        assertThrows(IllegalArgumentException.class, () -> EvictionConfig.langleMap("memory.available=1Gi"))
            .getMessage());
    assertEquals("malformed pair, expect string=string",
        assertThrows(IllegalArgumentException.class, () -> EvictionConfig.equalsMap("memory.available<1m")).getMessage());
  }
}
