package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class IpCommandTest {

  private static final String POD_IP = "127.244.1.17";

  @Test
  void addrShowsLoopbackAndEth0WithThePodsAddressInItsNodesSubnet() {
    AppletResult r = IpCommand.run(List.of("addr"), POD_IP);
    assertEquals(0, r.code());
    assertEquals("""
        1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue qlen 1000
            link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00
            inet 127.0.0.1/8 scope host lo
               valid_lft forever preferred_lft forever
        2: eth0@if3: <BROADCAST,MULTICAST,UP,LOWER_UP,M-DOWN> mtu 1500 qdisc noqueue
            link/ether 0a:58:7f:f4:01:11 brd ff:ff:ff:ff:ff:ff
            inet 127.244.1.17/24 brd 127.244.1.255 scope global eth0
               valid_lft forever preferred_lft forever
        """, r.out());
    assertEquals(r.out(), IpCommand.run(List.of("a", "show"), POD_IP).out());
    assertEquals("2: eth0    inet 127.244.1.17/24 brd 127.244.1.255 scope global eth0\\       valid_lft forever "
        + "preferred_lft forever\n", IpCommand.run(List.of("-4", "-o", "addr", "show", "dev", "eth0"), POD_IP).out());
  }

  @Test
  void routeGoesThroughTheSubnetsFirstAddress() {
    assertEquals("default via 127.244.1.1 dev eth0 \n127.244.1.0/24 dev eth0 scope link  src 127.244.1.17 \n",
        IpCommand.run(List.of("route"), POD_IP).out());
    assertEquals(IpCommand.run(List.of("route"), POD_IP), IpCommand.run(List.of("r", "list"), POD_IP));
  }

  @Test
  void changesAreRefusedAndUnknownObjectsGetTheUsage() {
    AppletResult add = IpCommand.run(List.of("addr", "add", "10.0.0.1/24", "dev", "eth0"), POD_IP);
    assertEquals(2, add.code());
    assertEquals("ip: RTNETLINK answers: Operation not permitted\n", add.err());
    AppletResult bad = IpCommand.run(List.of("nosuch"), POD_IP);
    assertEquals(1, bad.code());
    assertEquals(true, bad.err().contains("Usage: ip [OPTIONS] address|route|link"), bad.err());
    assertEquals(1, IpCommand.run(List.of("-s", "link"), POD_IP).code());
  }
}
