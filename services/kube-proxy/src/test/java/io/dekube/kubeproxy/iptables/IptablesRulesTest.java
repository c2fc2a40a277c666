package io.dekube.kubeproxy.iptables;

import static io.dekube.kubeproxy.Fixtures.notReady;
import static io.dekube.kubeproxy.Fixtures.port;
import static io.dekube.kubeproxy.Fixtures.ready;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.net.ServicePort;
import java.util.List;
import org.junit.jupiter.api.Test;

class IptablesRulesTest {

  private static final IptablesRules.Node NODE = new IptablesRules.Node("node-1", "127.244.0.0/16");

  @Test
  void clusterIpSpreadsOverReadyEndpointsWithRandomProbabilities() {
    ServicePort p = port("ns1", "svc1", "p80", "TCP", 80, 0, "127.96.0.41",
        List.of(ready("127.244.1.2", 2015, "node-1"), ready("127.244.1.3", 2015, "node-1"),
            ready("127.244.2.2", 2015, "node-2"), notReady("127.244.2.9", 2015, "node-2")));
    String rules = IptablesRules.render(List.of(p), NODE);
    String svc = ChainNames.svc("ns1/svc1:p80", "tcp");
    String sep1 = ChainNames.sep("ns1/svc1:p80", "tcp", "127.244.1.2:2015");
    String sep3 = ChainNames.sep("ns1/svc1:p80", "tcp", "127.244.2.2:2015");
    assertLine(rules, "-A KUBE-SERVICES -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 127.96.0.41"
        + " --dport 80 -j " + svc);
    assertLine(rules, "-A " + svc + " -m comment --comment \"ns1/svc1:p80 cluster IP\" -m tcp -p tcp -d 127.96.0.41"
        + " --dport 80 ! -s 127.244.0.0/16 -j KUBE-MARK-MASQ");
    assertLine(rules, "-A " + svc + " -m comment --comment \"ns1/svc1:p80 -> 127.244.1.2:2015\" -m statistic --mode"
        + " random --probability 0.3333333333 -j " + sep1);
    assertLine(rules, "-A " + svc + " -m comment --comment \"ns1/svc1:p80 -> 127.244.1.3:2015\" -m statistic --mode"
        + " random --probability 0.5000000000 -j " + ChainNames.sep("ns1/svc1:p80", "tcp", "127.244.1.3:2015"));
    assertLine(rules, "-A " + svc + " -m comment --comment \"ns1/svc1:p80 -> 127.244.2.2:2015\" -j " + sep3);
    assertLine(rules, "-A " + sep1 + " -m comment --comment ns1/svc1:p80 -s 127.244.1.2 -j KUBE-MARK-MASQ");
    assertLine(rules, "-A " + sep1 + " -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination"
        + " 127.244.1.2:2015");
    assertFalse(rules.contains("127.244.2.9"), "a not-ready endpoint gets no rule");
    assertLine(rules, ":" + svc + " - [0:0]");
    assertLine(rules, "-A KUBE-MARK-MASQ -j MARK --or-mark 0x4000");
    assertLine(rules, "-A KUBE-POSTROUTING -m comment --comment \"kubernetes service traffic requiring SNAT\" -j"
        + " MASQUERADE --random-fully");
    assertTrue(rules.endsWith("-A KUBE-SERVICES -m comment --comment \"kubernetes service nodeports; NOTE: this must be"
        + " the last rule in this chain\" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS\nCOMMIT\n"));
  }

  /**
   * kube-proxy's CategorizeEndpoints: with no ready endpoint, the ones still serving while they terminate take new
   * connections (a Deployment's last pod in its preStop); not-ready terminating ones never do.
   */
  @Test
  void withoutReadyEndpointsServingTerminatingOnesAreUsed() {
    io.dekube.core.net.Backend going = new io.dekube.core.net.Backend("127.244.1.2", 80, false, "node-1", "", "a", true,
        true);
    io.dekube.core.net.Backend gone = new io.dekube.core.net.Backend("127.244.1.3", 80, false, "node-1", "", "b",
        false, true);
    String rules = IptablesRules.render(List.of(port("ns1", "web", "", "TCP", 80, 0, "127.96.0.42",
        List.of(going, gone))), NODE);
    assertTrue(rules.contains("--to-destination 127.244.1.2:80"), rules);
    assertFalse(rules.contains("127.244.1.3"), rules);
    String withReady = IptablesRules.render(List.of(port("ns1", "web", "", "TCP", 80, 0, "127.96.0.42",
        List.of(going, ready("127.244.2.2", 80, "node-2")))), NODE);
    assertFalse(withReady.contains("127.244.1.2"), withReady);
  }

  @Test
  void nodePortGoesThroughTheExternalChain() {
    ServicePort p = port("kube-decon", "web", "", "TCP", 80, 31579, "127.96.0.50",
        List.of(ready("127.244.1.2", 2015, "node-1")));
    String rules = IptablesRules.render(List.of(p), NODE);
    String ext = ChainNames.ext("kube-decon/web", "tcp");
    assertLine(rules, "-A KUBE-NODEPORTS -m comment --comment kube-decon/web -m tcp -p tcp --dport 31579 -j " + ext);
    assertLine(rules, "-A " + ext + " -m comment --comment \"masquerade traffic for kube-decon/web external"
        + " destinations\" -j KUBE-MARK-MASQ");
    assertLine(rules, "-A " + ext + " -j " + ChainNames.svc("kube-decon/web", "tcp"));
  }

  @Test
  void noEndpointsMeansReject() {
    ServicePort p = port("ns", "empty", "http", "TCP", 80, 30080, "127.96.0.7", List.of(notReady("127.244.1.2", 80, "n")));
    String rules = IptablesRules.render(List.of(p), NODE);
    assertLine(rules, "-A KUBE-SERVICES -m comment --comment \"ns/empty:http has no endpoints\" -m tcp -p tcp -d"
        + " 127.96.0.7 --dport 80 -j REJECT");
    assertLine(rules, "-A KUBE-EXTERNAL-SERVICES -m comment --comment \"ns/empty:http has no endpoints\" -m addrtype"
        + " --dst-type LOCAL -m tcp -p tcp --dport 30080 -j REJECT");
    assertFalse(rules.contains("KUBE-SVC-"));
  }

  @Test
  void sessionAffinityUsesRecent() {
    ServicePort base = port("ns", "sticky", "", "UDP", 53, 0, "127.96.0.10", List.of(ready("127.244.1.2", 53, "n")));
    ServicePort p = new ServicePort(base.namespace(), base.name(), base.portName(), base.protocol(), base.port(), 0,
        base.type(), base.clusterIps(), List.of(), List.of(), true, 600, false, false, base.backends());
    String rules = IptablesRules.render(List.of(p), NODE);
    String sep = ChainNames.sep("ns/sticky", "udp", "127.244.1.2:53");
    assertLine(rules, "-A " + ChainNames.svc("ns/sticky", "udp") + " -m comment --comment \"ns/sticky ->"
        + " 127.244.1.2:53\" -m recent --name " + sep + " --rcheck --seconds 600 --reap -j " + sep);
    assertLine(rules, "-A " + sep + " -m comment --comment ns/sticky -m udp -p udp -m recent --name " + sep
        + " --set -j DNAT --to-destination 127.244.1.2:53");
  }

  @Test
  void headlessAndExternalNameGetNoRules() {
    ServicePort headless = port("ns", "h", "", "TCP", 80, 0, null, List.of(ready("127.244.1.2", 80, "n")));
    String rules = IptablesRules.render(List.of(headless), NODE);
    assertFalse(rules.contains("127.244.1.2"));
  }

  @Test
  void externalTrafficPolicyLocalUsesOnlyThisNodesEndpoints() {
    ServicePort base = port("ns", "lb", "", "TCP", 80, 30001, "127.96.0.9",
        List.of(ready("127.244.1.2", 80, "node-1"), ready("127.244.2.2", 80, "node-2")));
    ServicePort p = new ServicePort("ns", "lb", "", "TCP", 80, 30001, "LoadBalancer", base.clusterIps(),
        List.of("127.200.0.1"), List.of(), false, 0, true, false, base.backends());
    String rules = IptablesRules.render(List.of(p), NODE);
    String svl = ChainNames.svl("ns/lb", "tcp");
    String ext = ChainNames.ext("ns/lb", "tcp");
    assertLine(rules, "-A KUBE-SERVICES -m comment --comment \"ns/lb loadbalancer IP\" -m tcp -p tcp -d 127.200.0.1"
        + " --dport 80 -j " + ext);
    assertLine(rules, "-A " + ext + " -j " + svl);
    assertLine(rules, "-A " + svl + " -m comment --comment \"ns/lb -> 127.244.1.2:80\" -j "
        + ChainNames.sep("ns/lb", "tcp", "127.244.1.2:80"));
    assertFalse(rules.lines().anyMatch(l -> l.startsWith("-A " + svl) && l.contains("127.244.2.2")));
  }

  private static void assertLine(String rules, String line) {
    assertTrue(rules.lines().anyMatch(line::equals), () -> "missing line\n  " + line + "\nin\n" + rules);
  }

  @Test
  void everyJumpTargetIsDeclared() {
    ServicePort p = port("ns", "a", "", "TCP", 80, 30002, "127.96.0.3", List.of(ready("127.244.1.2", 80, "node-1")));
    String rules = IptablesRules.render(List.of(p), NODE);
    rules.lines().filter(l -> l.contains(" -j KUBE-")).forEach(l -> {
      String target = l.substring(l.indexOf(" -j ") + 4).split(" ")[0];
      assertTrue(rules.contains(":" + target + " - [0:0]"), "undeclared " + target);
    });
    assertEquals(2, rules.lines().filter(l -> l.equals("COMMIT")).count());
  }
}
