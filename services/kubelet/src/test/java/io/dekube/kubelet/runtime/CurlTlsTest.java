package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import java.util.List;
import org.junit.jupiter.api.Test;

/** curl's check of a server certificate's names against the host it asked for. */
class CurlTlsTest {

  private static final CertificateIssuer ISSUER = new CertificateIssuer();

  @Test
  void withoutSubjectAltNamesTheCnIsTheName() {
    CertificateBundle tutorials = ISSUER.newCa("my-nginx");
    assertNull(CurlTls.mismatch(tutorials.certificate(), "my-nginx"));
    assertNull(CurlTls.mismatch(tutorials.certificate(), "MY-NGINX"));
    assertEquals("SSL: certificate subject name 'my-nginx' does not match target host name 'localhost'",
        CurlTls.mismatch(tutorials.certificate(), "localhost"));
    assertEquals("SSL: certificate subject name 'my-nginx' does not match target host name '127.0.0.1'",
        CurlTls.mismatch(tutorials.certificate(), "127.0.0.1"));
  }

  @Test
  void withSubjectAltNamesOnlyTheyCountAndAStarIsOneLabel() {
    CertificateBundle ca = ISSUER.newCa("ca");
    CertificateBundle serving = ISSUER.newServing(ca, "cn-only", List.of("my-nginx.default.svc", "*.wild.test"),
        List.of("127.0.0.9"));
    assertNull(CurlTls.mismatch(serving.certificate(), "my-nginx.default.svc"));
    assertNull(CurlTls.mismatch(serving.certificate(), "a.wild.test"));
    assertNull(CurlTls.mismatch(serving.certificate(), "127.0.0.9"));
    for (String host : List.of("cn-only", "a.b.wild.test", "wild.test", "127.0.0.8")) {
      assertEquals("SSL: no alternative certificate subject name matches target host name '" + host + "'",
          CurlTls.mismatch(serving.certificate(), host));
    }
  }
}
