package io.dekube.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;

/**
 * The Corefiles of "Debugging DNS Resolution" (kubeadm's, then with {@code log}) and of "Customizing DNS Service"
 * (a stub domain, an upstream), and the query lines of the {@code log} plugin.
 */
class CorefileTest {

  /** "Customizing DNS Service"'s example: consul.local to 10.150.0.1, the rest to 172.16.0.1, queries logged. */
  private static final String CUSTOM = """
      .:53 {
          log
          errors
          health {
             lameduck 5s
          }
          ready
          kubernetes cluster.local in-addr.arpa ip6.arpa {
             pods insecure
             fallthrough in-addr.arpa ip6.arpa
          }
          prometheus :9153
          forward . 172.16.0.1
          cache 30
          loop
          reload
          loadbalance
      }
      consul.local:53 {   # the stub domain
          errors
          cache 30
          forward . 10.150.0.1
      }
      """;

  @Test
  void kubeadmsCorefileForwardsToTheNodesResolverAndLogsNothing() {
    Corefile c = Corefile.kubeadm();
    assertEquals(List.of("."), c.blocks().get(0).zones());
    assertEquals("10.255.255.53", c.upstream("kubernetes.io.", "10.255.255.53"));
    assertFalse(c.logs("kubernetes.default.svc.cluster.local."));
    assertEquals(List.of("cluster.local", "in-addr.arpa", "ip6.arpa"),
        c.blocks().get(0).directive("kubernetes").orElseThrow().args());
    assertEquals(3, c.blocks().get(0).directive("kubernetes").orElseThrow().block().size());
  }

  @ParameterizedTest
  @CsvSource({
      "kubernetes.io., 172.16.0.1, true",
      "web.service.consul.local, 10.150.0.1, false",
      "CONSUL.local., 10.150.0.1, false",
      "notconsul.local., 172.16.0.1, true",
  })
  void aStubDomainsBlockServesItsZone(String name, String upstream, boolean logged) {
    Corefile c = Corefile.parse(CUSTOM);
    assertEquals(upstream, c.upstream(name, "10.255.255.53"));
    assertEquals(logged, c.logs(name));
  }

  @Test
  void theAnswersTtlAndHowLongTheyAreKeptAreTheCorefiles() {
    Corefile kubeadm = Corefile.kubeadm();
    assertEquals(30, kubeadm.ttl("web.default.svc.cluster.local."));
    assertEquals(30, kubeadm.cacheSeconds("web.default.svc.cluster.local."));
    Corefile plain = Corefile.parse(".:53 {\n  kubernetes cluster.local\n  forward . /etc/resolv.conf\n}\n");
    assertEquals(DnsAnswers.TTL, plain.ttl("web.default.svc.cluster.local."), "CoreDNS' default without ttl");
    assertEquals(0, plain.cacheSeconds("web.default.svc.cluster.local."), "no cache plugin: nothing is kept");
    assertEquals(3600, Corefile.parse(".:53 {\n  cache\n}\n").cacheSeconds("x."), "cache's own maximum");
    assertEquals(3600, Corefile.parse(".:53 {\n  cache cluster.local\n}\n").cacheSeconds("x."), "a zone, not a TTL");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kubernetes cluster.local {\\n ttl 5000\\n }"
          + " | plugin/kubernetes: Corefile:3 - Error during parsing: ttl must be in range [0, 3600]: 5000",
      "kubernetes cluster.local {\\n ttl soon\\n } | plugin/kubernetes: strconv.Atoi: parsing \"soon\": invalid syntax",
      "cache 0 | plugin/cache: cache TTL can not be zero or negative: 0",
  })
  void aTtlCoreDnsWouldRefuseSaysWhy(String plugin, String error) {
    String corefile = ".:53 {\n  " + plugin.replace("\\n", "\n") + "\n}\n";
    assertEquals(error, assertThrows(IllegalArgumentException.class, () -> Corefile.parse(corefile)).getMessage());
  }

  @Test
  void aBlockForOneZoneOnlyLeavesTheOthersUnserved() {
    Corefile c = Corefile.parse("example.org {\n  forward . dns://192.0.2.53:5353\n}\n");
    assertEquals("192.0.2.53:5353", c.upstream("www.example.org.", "10.0.0.1"));
    assertEquals("", c.upstream("kubernetes.io.", "10.0.0.1"), "no block: REFUSED");
  }

  @Test
  void aCorefileCoreDnsWouldRefuseSaysWhy() {
    String old = CUSTOM.replace("forward . 172.16.0.1", "proxy . /etc/resolv.conf");
    assertEquals("Corefile:13 - Error during parsing: Unknown directive 'proxy'",
        assertThrows(IllegalArgumentException.class, () -> Corefile.parse(old)).getMessage());
    assertTrue(assertThrows(IllegalArgumentException.class, () -> Corefile.parse(".:53 {\n  log\n"))
        .getMessage().endsWith("Unexpected EOF"));
  }

  @Test
  void theLogPluginsLineIsCoreDnsOwn() throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString("kubernetes.default.svc.cluster.local."), 1,
        DClass.IN));
    q.getHeader().setID(16356);
    Message r = new Message(16356);
    r.getHeader().setFlag(Flags.QR);
    r.getHeader().setFlag(Flags.AA);
    r.getHeader().setFlag(Flags.RD);
    r.getHeader().setRcode(Rcode.NOERROR);
    assertEquals("10.244.0.7:40290 - 16356 \"A IN kubernetes.default.svc.cluster.local. udp 54 false 512\" NOERROR "
        + "qr,aa,rd 106 0.000169s", QueryLog.line("10.244.0.7", 40290, false, q, 54, r, 106, 169_000));
  }
}
