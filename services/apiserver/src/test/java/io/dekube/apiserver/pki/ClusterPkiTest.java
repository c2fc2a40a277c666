package io.dekube.apiserver.pki;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.core.pki.Pem;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.auth.AuthRequest;
import io.dekube.apiserver.auth.AuthResult;
import io.dekube.core.auth.UserInfo;
import io.dekube.apiserver.auth.X509Authenticator;
import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterPkiTest {

  @TempDir
  Path dir;

  @Test
  void createsCaServingAndAdminCertificatesOnce() throws Exception {
    ClusterPki first = ClusterPki.loadOrCreate(dir);
    for (String file : List.of("ca.crt", "ca.key", "apiserver.crt", "apiserver.key")) {
      assertTrue(Files.isRegularFile(dir.resolve(file)), file);
    }
    assertEquals("CN=dekube-ca", first.ca().certificate().getSubjectX500Principal().getName());
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE),
        Files.getPosixFilePermissions(dir.resolve("ca.key")));
    CertificateBundle admin = first.adminClientCertificate();

    ClusterPki second = ClusterPki.loadOrCreate(dir);
    assertEquals(first.ca().certificate(), second.ca().certificate());
    assertEquals(first.serving().certificate(), second.serving().certificate());
    assertEquals(admin.certificate(), second.adminClientCertificate().certificate());
  }

  @Test
  void servingCertificateCarriesTheApiserverNames() throws Exception {
    X509Certificate serving = ClusterPki.loadOrCreate(dir).serving().certificate();
    Set<String> sans = serving.getSubjectAlternativeNames().stream().map(s -> String.valueOf(s.get(1)))
        .collect(Collectors.toSet());
    assertTrue(sans.containsAll(List.of("localhost", "127.0.0.1", "127.96.0.1", "kubernetes", "kubernetes.default",
        "kubernetes.default.svc", "kubernetes.default.svc.cluster.local")), sans.toString());
    assertTrue(serving.getExtendedKeyUsage().contains("1.3.6.1.5.5.7.3.1"));
  }

  @Test
  void anExtraSanReissuesTheServingCertificateButKeepsTheCa() throws Exception {
    ClusterPki first = ClusterPki.loadOrCreate(dir);
    ClusterPki second = ClusterPki.loadOrCreate(dir, List.of("10.1.2.3", "api.example"));
    assertEquals(first.ca().certificate(), second.ca().certificate());
    assertNotEquals(first.serving().certificate(), second.serving().certificate());
    Set<String> sans = second.serving().certificate().getSubjectAlternativeNames().stream()
        .map(s -> String.valueOf(s.get(1))).collect(Collectors.toSet());
    assertTrue(sans.containsAll(List.of("10.1.2.3", "api.example", "127.0.0.1")), sans.toString());
    assertEquals(second.serving().certificate(), ClusterPki.loadOrCreate(dir, List.of("10.1.2.3")).serving().certificate());
  }

  @Test
  void clientCertificatesNameUserAndGroups() {
    ClusterPki pki = ClusterPki.loadOrCreate(dir);
    CertificateBundle jane = pki.issueClientCertificate("jane", List.of("dev", "ops"));
    AuthResult result = new X509Authenticator(List.of(pki.ca().certificate()))
        .authenticate(new AuthRequest(null, List.of(jane.certificate())));
    assertEquals(new AuthResult.Authenticated(new UserInfo("jane", "", List.of("dev", "ops"))), result);
  }

  @Test
  void pemRoundTrips() {
    CertificateBundle ca = new CertificateIssuer().newCa("x");
    assertTrue(ca.keyPem().startsWith("-----BEGIN RSA PRIVATE KEY-----"));
    assertEquals(ca.certificate(), Pem.parseCertificate(ca.certificatePem()));
    assertEquals(ca.key(), Pem.parsePrivateKey(ca.keyPem()));
  }

  @Test
  void adminKubeconfig() throws Exception {
    ClusterPki pki = ClusterPki.loadOrCreate(dir);
    Path file = KubeconfigWriter.writeAdmin(pki, KubeconfigWriter.serverUrl("127.0.0.1", 6443), dir.resolve("kubeconfig"));
    JsonNode config = Json.YAML.readTree(Files.readString(file));
    assertEquals("dekube", config.path("current-context").asText());
    JsonNode cluster = config.path("clusters").path(0);
    assertEquals("dekube", cluster.path("name").asText());
    assertEquals("https://127.0.0.1:6443", cluster.path("cluster").path("server").asText());
    assertEquals(pki.ca().certificate(), Pem.parseCertificate(decode(cluster.path("cluster").path("certificate-authority-data"))));
    JsonNode context = config.path("contexts").path(0);
    assertEquals("dekube", context.path("name").asText());
    assertEquals("admin", context.path("context").path("user").asText());
    JsonNode user = config.path("users").path(0);
    assertEquals("admin", user.path("name").asText());
    X509Certificate cert = Pem.parseCertificate(decode(user.path("user").path("client-certificate-data")));
    assertEquals("CN=admin,O=system:masters", cert.getSubjectX500Principal().getName());
    Pem.parsePrivateKey(decode(user.path("user").path("client-key-data")));
    assertEquals(Set.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE), Files.getPosixFilePermissions(file));
  }

  private static String decode(JsonNode base64) {
    return new String(Base64.getDecoder().decode(base64.asText()), StandardCharsets.US_ASCII);
  }
}
