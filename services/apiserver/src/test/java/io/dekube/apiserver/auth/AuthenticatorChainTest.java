package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AuthenticatorChainTest {

  private static final CertificateIssuer ISSUER = new CertificateIssuer();
  private static CertificateBundle ca;
  private static CertificateBundle otherCa;
  private static AuthenticatorChain chain;

  @BeforeAll
  static void setUp() {
    ca = ISSUER.newCa("dekube-ca");
    otherCa = ISSUER.newCa("other");
    TokenFileAuthenticator tokens = new TokenFileAuthenticator(CsvUserFile.parse(
        "t0k3n,alice,1001,\"dev, ops\"\n\nother,bob,1002\n", "tokens.csv"));
    BasicAuthFileAuthenticator passwords = new BasicAuthFileAuthenticator(CsvUserFile.parse(
        "pa55,carol,1003,\"admins\"\n", "passwords.csv"));
    chain = new AuthenticatorChain(List.of(new X509Authenticator(List.of(ca.certificate())), tokens, passwords));
  }

  @Test
  void csvRecordsWithQuotedGroups() {
    List<CsvUserFile.Entry> entries = CsvUserFile.parse("\uFEFFa,b,c,\"g1,g2\"\r\n\"x,y\",u,,\n", "f");
    assertEquals(new CsvUserFile.Entry("a", "b", "c", List.of("g1", "g2")), entries.get(0));
    assertEquals(new CsvUserFile.Entry("x,y", "u", "", List.of()), entries.get(1));
    assertThrows(IllegalArgumentException.class, () -> CsvUserFile.parse("only,two\n", "f"));
    assertThrows(IllegalArgumentException.class, () -> CsvUserFile.parse("a,b,\"c\n", "f"));
  }

  @Test
  void bearerToken() {
    assertEquals(new UserInfo("alice", "1001", List.of("dev", "ops", UserInfo.AUTHENTICATED)),
        success(new AuthRequest("Bearer t0k3n", null)));
    assertEquals(new UserInfo("bob", "1002", List.of(UserInfo.AUTHENTICATED)), success(new AuthRequest("bearer other", null)));
    assertInstanceOf(AuthenticatorChain.Failure.class, chain.authenticate(new AuthRequest("Bearer nope", null)));
  }

  @Test
  void basicAuth() {
    assertEquals("carol", success(new AuthRequest(basic("carol:pa55"), null)).name());
    assertInstanceOf(AuthenticatorChain.Failure.class, chain.authenticate(new AuthRequest(basic("carol:nope"), null)));
    assertInstanceOf(AuthenticatorChain.Failure.class, chain.authenticate(new AuthRequest(basic("nobody:pa55"), null)));
    assertInstanceOf(AuthenticatorChain.Failure.class, chain.authenticate(new AuthRequest("Basic !!!", null)));
  }

  @Test
  void clientCertificates() {
    CertificateBundle admin = ISSUER.newClient(ca, "admin", List.of("system:masters"));
    assertEquals(new UserInfo("admin", "", List.of("system:masters", UserInfo.AUTHENTICATED)),
        success(new AuthRequest(null, List.of(admin.certificate()))));
    // cached the second time, same answer
    assertEquals("admin", success(new AuthRequest(null, List.of(admin.certificate()))).name());

    CertificateBundle foreign = ISSUER.newClient(otherCa, "admin", List.of("system:masters"));
    assertInstanceOf(AuthenticatorChain.Failure.class, chain.authenticate(new AuthRequest(null, List.of(foreign.certificate()))));
    assertInstanceOf(AuthenticatorChain.Failure.class, chain.authenticate(new AuthRequest(null, List.of(ca.certificate()))));
  }

  @Test
  void aServingCertificateIsNotAClientCertificate() {
    CertificateBundle serving = ISSUER.newServing(ca, "kube-apiserver", List.of("localhost"), List.of("127.0.0.1"));
    assertInstanceOf(AuthenticatorChain.Failure.class, chain.authenticate(new AuthRequest(null, List.of(serving.certificate()))));
  }

  @Test
  void anyAcceptedCredentialWins() {
    CertificateBundle foreign = ISSUER.newClient(otherCa, "mallory", List.of());
    assertEquals("alice", success(new AuthRequest("Bearer t0k3n", List.of(foreign.certificate()))).name());
  }

  @Test
  void noCredentials() {
    assertInstanceOf(AuthenticatorChain.NoCredentials.class, chain.authenticate(new AuthRequest(null, null)));
    assertInstanceOf(AuthenticatorChain.NoCredentials.class, chain.authenticate(new AuthRequest("Bearer ", null)));
    assertInstanceOf(AuthenticatorChain.NoCredentials.class, chain.authenticate(new AuthRequest("Negotiate abc", null)));
  }

  private static UserInfo success(AuthRequest request) {
    return assertInstanceOf(AuthenticatorChain.Success.class, chain.authenticate(request)).user();
  }

  private static String basic(String userPassword) {
    return "Basic " + Base64.getEncoder().encodeToString(userPassword.getBytes(StandardCharsets.UTF_8));
  }
}
