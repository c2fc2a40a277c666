package io.dekube.dns;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class DnsAnswersTest {

  private static Service svc(String ns, String name, String clusterIp, String type) {
    return new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
        .withNewSpec().withType(type).withClusterIP(clusterIp).withExternalName(type.equals("ExternalName")
            ? "example.org" : null).endSpec().build();
  }

  private static ServicePort port(String ns, String name, String portName, String proto, int port, String clusterIp,
      List<Backend> backends) {
    return new ServicePort(ns, name, portName, proto, port, 0, "ClusterIP",
        clusterIp == null ? List.of() : List.of(clusterIp), List.of(), List.of(), false, 0, false, false, backends);
  }

  private static final ClusterRecords RECORDS = ClusterRecords.of(
      List.of(svc("kube-decon", "kube-decon", "127.96.1.5", "ClusterIP"),
          svc("kube-decon", "db", "None", "ClusterIP"),
          svc("default", "ext", null, "ExternalName")),
      List.of(port("kube-decon", "kube-decon", "http", "TCP", 80, "127.96.1.5",
              List.of(new Backend("127.244.1.2", 2015, true, "n1", "", "p1"))),
          port("kube-decon", "db", "pg", "TCP", 5432, null,
              List.of(new Backend("127.244.1.3", 5432, true, "n1", "db-0", "db-0"),
                  new Backend("127.244.2.3", 5432, true, "n2", "", "db-1"),
                  new Backend("127.244.2.9", 5432, false, "n2", "", "db-2")))));

  private static Message ask(String name, int type) {
    try {
      Message q = Message.newQuery(Record.newRecord(Name.fromString(name), type, DClass.IN));
      DnsAnswers.Reply r = DnsAnswers.answer(q.toWire(), RECORDS);
      assertFalse(r.forward(), "cluster names are answered here");
      return r.message();
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static String answers(Message m, Section... ignored) {
    return m.getSection(Section.ANSWER).stream().map(r -> r.rdataToString()).sorted()
        .collect(Collectors.joining(","));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kube-decon.kube-decon.svc.cluster.local. | A   | NOERROR  | 127.96.1.5",
      "KUBE-DECON.kube-decon.svc.cluster.local. | A   | NOERROR  | 127.96.1.5",
      "db.kube-decon.svc.cluster.local.         | A   | NOERROR  | 127.244.1.3,127.244.2.3",
      "db-0.db.kube-decon.svc.cluster.local.    | A   | NOERROR  | 127.244.1.3",
      "127-244-2-3.db.kube-decon.svc.cluster.local. | A | NOERROR | 127.244.2.3",
      "_http._tcp.kube-decon.kube-decon.svc.cluster.local. | SRV | NOERROR | 0 100 80 kube-decon.kube-decon.svc.cluster.local.",
      "_pg._tcp.db.kube-decon.svc.cluster.local. | SRV | NOERROR | 0 50 5432 127-244-2-3.db.kube-decon.svc.cluster.local.,0 50 5432 db-0.db.kube-decon.svc.cluster.local.",
      "10-1-2-3.kube-decon.pod.cluster.local.   | A   | NOERROR  | 10.1.2.3",
      "ext.default.svc.cluster.local.           | A   | NOERROR  | example.org.",
      "5.1.96.127.in-addr.arpa.                 | PTR | NOERROR  | kube-decon.kube-decon.svc.cluster.local.",
      "3.1.244.127.in-addr.arpa.                | PTR | NOERROR  | db-0.db.kube-decon.svc.cluster.local.",
      "kube-decon.kube-decon.svc.cluster.local. | AAAA | NOERROR | ''",
      "kube-decon.svc.cluster.local.            | A   | NOERROR  | ''",
      "nope.kube-decon.svc.cluster.local.       | A   | NXDOMAIN | ''",
      "x.y.z.cluster.local.                     | A   | NXDOMAIN | ''"})
  void answersByTheKubernetesDnsSpec(String name, String type, String rcode, String expected) {
    Message m = ask(name, Type.value(type));
    assertEquals(rcode, Rcode.string(m.getRcode()), m::toString);
    assertEquals(expected, answers(m), m::toString);
    if (expected.isEmpty()) {
      assertEquals(Type.SOA, m.getSection(Section.AUTHORITY).get(0).getType(), "NXDOMAIN/NODATA carry the SOA");
    }
  }

  @Test
  void srvCarriesTheTargetsAddressesAsAdditionals() {
    Message m = ask("_http._tcp.kube-decon.kube-decon.svc.cluster.local.", Type.SRV);
    assertEquals("127.96.1.5", m.getSection(Section.ADDITIONAL).get(0).rdataToString());
  }

  /**
   * "Job with Pod-to-Pod Communication": a headless Service without ports (selector {@code job-name}) names each pod
   * of the Indexed Job by its hostname, {@code example-job-0.headless-svc}, from a port-less EndpointSlice.
   */
  @Test
  void aHeadlessServiceWithoutPortsNamesItsPods() throws Exception {
    Service svc = svc("default", "headless-svc", "None", "ClusterIP");
    var slice = new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder().withNewMetadata()
        .withNamespace("default").withName("headless-svc-x1").addToLabels("kubernetes.io/service-name", "headless-svc")
        .endMetadata().withAddressType("IPv4")
        .addNewEndpoint().withAddresses("127.244.1.7").withHostname("example-job-0").withNewConditions()
        .withReady(true).endConditions().endEndpoint()
        .addNewEndpoint().withAddresses("127.244.2.7").withHostname("example-job-1").withNewConditions()
        .withReady(true).endConditions().endEndpoint().build();
    ClusterRecords records = ClusterRecords.of(List.of(svc),
        io.dekube.core.net.ServiceTable.build(List.of(svc), List.of(slice), List.of()));
    Message q = Message.newQuery(Record.newRecord(Name.fromString("example-job-0.headless-svc.default.svc.cluster.local."),
        Type.A, DClass.IN));
    assertEquals("127.244.1.7", answers(DnsAnswers.answer(q.toWire(), records).message()));
    q = Message.newQuery(Record.newRecord(Name.fromString("headless-svc.default.svc.cluster.local."), Type.A, DClass.IN));
    assertEquals("127.244.1.7,127.244.2.7", answers(DnsAnswers.answer(q.toWire(), records).message()));
  }

  @Test
  void otherNamesAreForwarded() throws Exception {
    Message q = Message.newQuery(Record.newRecord(Name.fromString("example.org."), Type.A, DClass.IN));
    assertTrue(DnsAnswers.answer(q.toWire(), RECORDS).forward());
  }

  @Test
  void malformedPacketsGetFormErrWithTheirId() {
    byte[] junk = {0x12, 0x34, 0x01, 0x00, 0x00, 0x01, 0x00};
    Message m = DnsAnswers.answer(junk, RECORDS).message();
    assertEquals(Rcode.FORMERR, m.getRcode());
    assertEquals(0x1234, m.getHeader().getID());
    assertEquals(Rcode.FORMERR, DnsAnswers.answer(new byte[0], RECORDS).message().getRcode());
  }
}
