package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.dns.DnsConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Who answers on port 53 of the cluster DNS address: kube-proxy in {@code up}, the DNS itself when alone. */
class DnsComponentTest {

  private static final Flags FLAGS = Flags.parse(List.of("--service-cidr", "127.45.0.0/16", "--dns-port", "10153",
      "--dns-forward", "none"), Components.flags());

  @Test
  void upLeavesPort53ToKubeProxysKubeDnsService() {
    DnsComponent dns = Components.ALL.stream().filter(DnsComponent.class::isInstance).map(DnsComponent.class::cast)
        .findFirst().orElseThrow();
    assertTrue(Components.ALL.stream().anyMatch(KubeProxyComponent.class::isInstance), "up runs kube-proxy");
    DnsConfig config = dns.config(FLAGS);
    assertFalse(config.also53(), "both bound 127.x.0.10:53 in up, and the one that came second warned");
    assertEquals("127.45.0.10", config.host());
    assertEquals(10153, config.port());
  }

  @Test
  void theDnsAloneAnswersOn53TooWhenItMay() {
    assertTrue(new DnsComponent().config(FLAGS).also53());
  }
}
