package io.dekube.kubeproxy.iptables;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ChainNamesTest {

  // the chain names every kubeadm cluster shows for its kubernetes and kube-dns services
  @ParameterizedTest
  @CsvSource({
      "default/kubernetes:https, TCP, KUBE-SVC-NPX46M4PTMTKRN6Y",
      "kube-system/kube-dns:dns, UDP, KUBE-SVC-TCOU7JCQXEZGVUNU",
      "kube-system/kube-dns:dns-tcp, TCP, KUBE-SVC-ERIFXISQEP7F7OF4",
      "kube-system/kube-dns:metrics, TCP, KUBE-SVC-JD5MR3NA4I4DYORP"})
  void svcChainsAreKubeProxys(String servicePortName, String protocol, String expected) {
    assertEquals(expected, ChainNames.svc(servicePortName, protocol));
  }

  @ParameterizedTest
  @CsvSource({"ns1/svc1:p80, tcp, 10.180.0.1:80"})
  void endpointChainsHashTheEndpointToo(String spn, String proto, String endpoint) {
    String sep = ChainNames.sep(spn, proto, endpoint);
    assertEquals(25, sep.length());
    assertEquals("KUBE-SEP-" + ChainNames.hash(spn + proto + endpoint), sep);
    assertEquals(ChainNames.svc(spn, proto).substring(9), ChainNames.ext(spn, proto).substring(9));
  }
}
