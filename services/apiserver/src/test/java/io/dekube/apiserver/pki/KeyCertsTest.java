package io.dekube.apiserver.pki;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.KeyCerts;
import io.dekube.core.pki.SingleKeyManager;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The in-memory key options of the cluster PKI in real TLS handshakes, and the EC keys of issued certificates. */
class KeyCertsTest {

  @TempDir
  static Path dir;
  static ClusterPki pki;
  static Vertx vertx;

  @BeforeAll
  static void setUp() {
    pki = ClusterPki.loadOrCreate(dir);
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void tearDown() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void issuedCertificatesHaveEcKeysSignedByTheCaWhileStoredOnesStayRsa() throws Exception {
    CertificateBundle client = pki.issueClientCertificate("someone", List.of("a-group"));
    CertificateBundle serving = pki.issueServingCertificate("kube-node-01", List.of("kube-node-01"), List.of("127.0.0.1"));
    for (CertificateBundle b : List.of(client, serving)) {
      assertEquals("EC", b.key().getAlgorithm());
      assertEquals("EC", b.certificate().getPublicKey().getAlgorithm());
      b.certificate().verify(pki.ca().certificate().getPublicKey());
      assertArrayEquals(new boolean[] {true, false, false, false, false, false, false, false, false},
          b.certificate().getKeyUsage(), "digitalSignature only: an EC key does no key encipherment");
    }
    assertEquals("RSA", pki.serving().key().getAlgorithm());
    assertEquals("RSA", pki.adminClientCertificate().key().getAlgorithm());
  }

  @Test
  void anEcServerAndAnEcClientCertificateCompleteAMutualTlsHandshake() throws Exception {
    CertificateBundle serving = pki.issueServingCertificate("kube-node-01", List.of("localhost"), List.of("127.0.0.1"));
    CertificateBundle client = pki.issueClientCertificate("system:kube-apiserver", List.of("system:masters"));
    HttpServer server = mutualTlsServer(KeyCerts.of(serving, pki.ca().certificate()));
    assertEquals("CN=system:kube-apiserver,O=system:masters", get(server, KeyCerts.of(client)));
    // a client with no certificate is refused by a server that requires one
    assertThrows(Exception.class, () -> get(server, null));
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void theStoredRsaServingCertificateServesFromPemParsedKeysToo() throws Exception {
    CertificateBundle client = pki.issueClientCertificate("u", List.of());
    HttpServer server = mutualTlsServer(KeyCerts.ofPem(pki.serving().keyPem(),
        pki.serving().certificatePem() + pki.ca().certificatePem()));
    assertEquals("CN=u", get(server, KeyCerts.ofPem(client.keyPem(), client.certificatePem())));
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void offersItsIdentityOnlyForItsKeyTypeAndToAServerThatAcceptsItsIssuer() {
    CertificateBundle client = pki.issueClientCertificate("u", List.of());
    SingleKeyManager km = new SingleKeyManager(client.key(), List.of(client.certificate()));
    X500Principal ca = pki.ca().certificate().getSubjectX500Principal();
    assertEquals("dekube", km.chooseEngineClientAlias(new String[] {"RSA", "EC"}, new X500Principal[] {ca}, null));
    assertEquals("dekube", km.chooseEngineClientAlias(new String[] {"EC"}, null, null));
    assertNull(km.chooseEngineClientAlias(new String[] {"RSA"}, null, null));
    assertNull(km.chooseEngineClientAlias(new String[] {"EC"}, new X500Principal[] {new X500Principal("CN=other-ca")}, null));
    assertEquals("dekube", km.chooseEngineServerAlias("EC", null, null));
    assertNull(km.chooseEngineServerAlias("RSA", null, null));
    X509Certificate[] chain = km.getCertificateChain("dekube");
    assertEquals(client.certificate(), chain[0]);
    assertNull(km.getPrivateKey("other"));
  }

  private static HttpServer mutualTlsServer(KeyCertOptions identity) throws Exception {
    return vertx.createHttpServer(new HttpServerOptions().setSsl(true).setHost("127.0.0.1").setPort(0)
            .setKeyCertOptions(identity).setClientAuth(ClientAuth.REQUIRED)
            .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem()))))
        .requestHandler(req -> {
          try {
            req.response().end(((X509Certificate) req.connection().peerCertificates().get(0))
                .getSubjectX500Principal().getName());
          } catch (Exception e) {
            req.response().setStatusCode(500).end(e.toString());
          }
        })
        .listen().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static String get(HttpServer server, KeyCertOptions identity) throws Exception {
    HttpClientOptions o = new HttpClientOptions().setSsl(true).setVerifyHost(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem())));
    if (identity != null) {
      o.setKeyCertOptions(identity);
    }
    var http = vertx.createHttpClient(o);
    try {
      return http.request(HttpMethod.GET, server.actualPort(), "localhost", "/")
          .compose(r -> r.send().compose(res -> res.body()))
          .map(Buffer::toString)
          .toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } finally {
      http.close();
    }
  }
}
