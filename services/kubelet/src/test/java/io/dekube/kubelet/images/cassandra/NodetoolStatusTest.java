package io.dekube.kubelet.images.cassandra;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code nodetool status} in Cassandra 3.11's layout, from views of the ring. */
class NodetoolStatusTest {

  private static Endpoint node(String ip, String status, long load, List<Long> tokens) {
    return new Endpoint(ip, "e2dd09e6-d9d3-477e-96c5-45094c08db0" + ip.charAt(ip.length() - 1), 1, 1, status, tokens,
        "DC1-K8Demo", "Rack1-K8Demo", load, true);
  }

  @Test
  void threeNodesAsTheTutorialShowsThem() {
    long q = Long.MAX_VALUE / 2;
    String out = NodetoolStatus.render(List.of(
        new NodetoolStatus.Member(node("172.17.0.4", Endpoint.NORMAL, 103_465, List.of(-q)), true),
        new NodetoolStatus.Member(node("172.17.0.5", Endpoint.NORMAL, 85_576, List.of(Long.MIN_VALUE + 1)), true),
        new NodetoolStatus.Member(node("172.17.0.6", Endpoint.SHUTDOWN, 86_773, List.of(q)), false)), 2);
    assertEquals("Datacenter: DC1-K8Demo\n"
        + "======================\n"
        + "Status=Up/Down\n"
        + "|/ State=Normal/Leaving/Joining/Moving\n"
        + "--  Address     Load       Tokens       Owns (effective)  Host ID                               Rack\n"
        + "UN  172.17.0.5  83.57 KiB  1            75.0%             e2dd09e6-d9d3-477e-96c5-45094c08db05  Rack1-K8Demo\n"
        + "UN  172.17.0.4  101.04 KiB  1            50.0%             e2dd09e6-d9d3-477e-96c5-45094c08db04  "
        + "Rack1-K8Demo\n"
        + "DN  172.17.0.6  84.74 KiB  1            75.0%             e2dd09e6-d9d3-477e-96c5-45094c08db06  Rack1-K8Demo\n"
        + "\n", out);
  }

  @Test
  void aJoiningNodeOwnsNothingYetAndOneNodeOwnsAll() {
    String out = NodetoolStatus.render(List.of(
        new NodetoolStatus.Member(node("10.0.0.1", Endpoint.NORMAL, 1024, List.of(5L, 7L)), true),
        new NodetoolStatus.Member(node("10.0.0.12", Endpoint.BOOT, 512, List.of(6L)), true)), 2);
    assertEquals("--  Address    Load       Tokens       Owns (effective)  Host ID                               Rack\n"
        + "UN  10.0.0.1   1 KiB      2            100.0%            e2dd09e6-d9d3-477e-96c5-45094c08db01  Rack1-K8Demo\n"
        + "UJ  10.0.0.12  512 bytes  1            ?                 e2dd09e6-d9d3-477e-96c5-45094c08db02  Rack1-K8Demo\n"
        + "\n", out.substring(out.indexOf("--  ")));
  }
}
