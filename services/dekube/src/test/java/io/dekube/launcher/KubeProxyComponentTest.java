package io.dekube.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** kube-proxy's {@code --metrics-bind-address}: where {@code /proxyMode} is served, so two clusters need not share it. */
class KubeProxyComponentTest {

  @Test
  void theDefaultIsKubeProxysAndAnotherAddressIsTaken() {
    InetSocketAddress byDefault = KubeProxyComponent.metricsBindAddress(flags());
    assertEquals("127.0.0.1", byDefault.getHostString());
    assertEquals(10249, byDefault.getPort());
    InetSocketAddress moved = KubeProxyComponent.metricsBindAddress(flags("--metrics-bind-address", "127.0.0.1:10349"));
    assertEquals(10349, moved.getPort());
    assertEquals("::1", KubeProxyComponent.metricsBindAddress(flags("--metrics-bind-address", "[::1]:10249")).getHostString());
  }

  @Test
  void aBadValueIsRefusedInKubeProxysWords() {
    assertRefused("10249", "KubeProxyConfiguration.MetricsBindAddress: Invalid value: \"10249\": must be IP:port");
    assertRefused("localhost:10249", "KubeProxyConfiguration.MetricsBindAddress: Invalid value: \"localhost\": must be a valid IP");
    assertRefused("127.0.0.1:x", "KubeProxyConfiguration.MetricsBindAddress: Invalid value: \"x\": must be a valid port");
    assertRefused("127.0.0.1:0",
        "KubeProxyConfiguration.MetricsBindAddress: Invalid value: \"0\": must be between 1 and 65535, inclusive");
  }

  private static void assertRefused(String value, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> KubeProxyComponent.metricsBindAddress(flags("--metrics-bind-address", value)));
    assertEquals(message, e.getMessage());
  }

  private static Flags flags(String... args) {
    return Flags.parse(List.of(args), Components.flags());
  }
}
