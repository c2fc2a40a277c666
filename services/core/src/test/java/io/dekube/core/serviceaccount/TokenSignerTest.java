package io.dekube.core.serviceaccount;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.serviceaccount.TokenClaims.Ref;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenSignerTest {

  private static final ServiceAccountKey KEY = ServiceAccountKey.generate();
  private static final Instant NOW = Instant.parse("2026-12-05T06:00:00Z");
  private final TokenSigner signer = TokenSigner.of(KEY);
  private final TokenVerifier verifier = TokenVerifier.of(KEY.publicKey());
  private final TokenSigner.Binding account = TokenSigner.Binding.account("x", "default", "sa-uid");


  private String token(long seconds) {
    return signer.bound(account, List.of(TokenClaims.ISSUER), seconds, NOW).token();
  }

  @Test
  void aSignedTokenVerifiesWithKubesClaims() {
    String token = token(3600);
    TokenVerifier.Valid valid = assertInstanceOf(TokenVerifier.Valid.class, verifier.verify(token, NOW.plusSeconds(10)));
    TokenClaims c = valid.claims();
    assertEquals("system:serviceaccount:x:default", c.subject());
    assertEquals(new Ref("default", "sa-uid"), c.account());
    assertEquals(NOW.getEpochSecond() + 3600, c.expiry());
    ObjectNode header = (ObjectNode) Jws.parse(token).header();
    assertEquals("RS256", header.path("alg").asText());
    assertEquals(KEY.keyId(), header.path("kid").asText());
    ObjectNode payload = Jws.parse(token).payload();
    assertEquals("x", payload.path("kubernetes.io").path("namespace").asText());
    assertEquals("sa-uid", payload.path("kubernetes.io").path("serviceaccount").path("uid").asText());
    assertEquals(TokenClaims.ISSUER, payload.path("iss").asText());
    assertEquals(NOW.getEpochSecond(), payload.path("nbf").asLong());
  }

  @Test
  void expiryAndNotBeforeHaveAMinuteOfLeeway() {
    String token = token(600);
    assertInstanceOf(TokenVerifier.Valid.class, verifier.verify(token, NOW.plusSeconds(650)));
    assertEquals(new TokenVerifier.Invalid("service account token has expired"),
        verifier.verify(token, NOW.plusSeconds(661)));
    assertEquals(new TokenVerifier.Invalid("service account token is not valid yet"),
        verifier.verify(token, NOW.minusSeconds(61)));
  }

  @Test
  void anotherKeysTokenIsRefused() {
    String foreign = TokenSigner.of(ServiceAccountKey.generate())
        .bound(account, List.of(TokenClaims.ISSUER), 3600, NOW).token();
    assertEquals(new TokenVerifier.Invalid("invalid signature"), verifier.verify(foreign, NOW));
  }

  @Test
  void aTamperedPayloadIsRefused() {
    String[] parts = token(3600).split("\\.");
    String payload = new String(Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8)
        .replace("system:serviceaccount:x:default", "system:serviceaccount:x:admin")
        .replace("\"name\":\"default\"", "\"name\":\"admin\"");
    String forged = parts[0] + "." + Jws.encode(payload.getBytes(StandardCharsets.UTF_8)) + "." + parts[2];
    assertEquals(new TokenVerifier.Invalid("invalid signature"), verifier.verify(forged, NOW));
    ObjectNode noneHeader = Json.object().put("alg", "none");
    String unsigned = Jws.encode(noneHeader.toString().getBytes(StandardCharsets.UTF_8)) + "." + parts[1] + ".";
    assertInstanceOf(TokenVerifier.Invalid.class, verifier.verify(unsigned, NOW));
  }

  @Test
  void theAudienceMustBeTheApiservers() {
    String token = signer.bound(account, List.of("vault"), 3600, NOW).token();
    assertEquals(new TokenVerifier.Invalid("token audiences [\"vault\"] is invalid for the target audiences "
        + "[\"https://kubernetes.default.svc.cluster.local\"]"), verifier.verify(token, NOW));
  }

  @Test
  void otherTokensAreNotOurs() {
    assertInstanceOf(TokenVerifier.NotOurs.class, verifier.verify("static-token-from-a-file", NOW));
    ObjectNode payload = Json.object().put("iss", "https://accounts.example.com").put("sub", "jane");
    String oidc = Jws.sign(payload, KEY.privateKey(), "k");
    assertInstanceOf(TokenVerifier.NotOurs.class, verifier.verify(oidc, NOW));
  }

  @Test
  void podTokensOfTheAdmissionsExpiryAreExtendedWithWarnAfter() {
    TokenSigner.Binding pod = account.withPod("web", "pod-uid", new Ref("kube-node-01", "node-uid"));
    TokenSigner.Issued issued = signer.bound(pod, List.of(TokenClaims.ISSUER), TokenSigner.WARN_ONLY_SECONDS, NOW);
    assertEquals(NOW.plusSeconds(3607), issued.expirationTimestamp());
    TokenClaims c = ((TokenVerifier.Valid) verifier.verify(issued.token(), NOW.plusSeconds(7200))).claims();
    assertEquals(NOW.getEpochSecond() + TokenSigner.EXTENDED_SECONDS, c.expiry());
    assertEquals(NOW.getEpochSecond() + 3607, c.warnAfter());
    assertEquals(new Ref("web", "pod-uid"), c.pod());
    assertEquals(new Ref("kube-node-01", "node-uid"), c.node());
    TokenSigner.Issued plain = new TokenSigner(KEY, new IssuerOptions(List.of(TokenClaims.ISSUER),
        List.of(TokenClaims.ISSUER), java.time.Duration.ZERO, false, ""))
        .bound(pod, List.of(TokenClaims.ISSUER), TokenSigner.WARN_ONLY_SECONDS, NOW);
    assertEquals(NOW.getEpochSecond() + 3607, plain.claims().expiry());
    TokenSigner.Issued vault = signer.bound(pod, List.of("vault"), TokenSigner.WARN_ONLY_SECONDS, NOW);
    assertEquals(NOW.getEpochSecond() + 3607, vault.claims().expiry(), "another audience is not extended");
  }

  @Test
  void everyTokenHasAJtiAndItsCredentialIdIsKubes() {
    TokenClaims a = signer.bound(account, List.of(), 3600, NOW).claims();
    TokenClaims b = signer.bound(account, List.of(), 3600, NOW).claims();
    assertEquals(36, a.id().length());
    assertNotEquals(a.id(), b.id());
    assertEquals(a.id(), Jws.parse(signer.sign(a)).payload().path("jti").asText());
    assertEquals(List.of(TokenClaims.ISSUER), a.audiences(), "no audience: the API audiences");
    assertEquals("JTI=" + a.id(), ServiceAccountInfo.credentialIdForJti(a.id()));
    assertEquals("", ServiceAccountInfo.credentialIdForJti(""));
  }

  @Test
  void aPodOnAnUnknownNodeNamesTheNodeWithoutUidAndANodeBindingNamesTheNode() {
    TokenClaims onGhost = signer.bound(account.withPod("web", "pod-uid", new Ref("ghost", "")), List.of(), 3600, NOW)
        .claims();
    ObjectNode k = (ObjectNode) Jws.parse(signer.sign(onGhost)).payload().path("kubernetes.io");
    assertEquals("{\"name\":\"ghost\"}", k.path("node").toString());
    TokenClaims node = signer.bound(account.withNode("kube-node-01", "node-uid"), List.of(), 3600, NOW).claims();
    k = (ObjectNode) Jws.parse(signer.sign(node)).payload().path("kubernetes.io");
    assertEquals("{\"name\":\"kube-node-01\",\"uid\":\"node-uid\"}", k.path("node").toString());
    assertTrue(k.path("pod").isMissingNode() && k.path("secret").isMissingNode(), k.toString());
    assertEquals(new Ref("kube-node-01", "node-uid"), TokenClaims.fromJson(Jws.parse(signer.sign(node)).payload()).node());
  }

  @Test
  void theUserHasKubesExtra() {
    io.dekube.core.auth.UserInfo pod = new ServiceAccountInfo("x", "robot", "sa-uid", "web", "pod-uid", "JTI=j1",
        "kube-node-01", "node-uid").userInfo();
    assertEquals("system:serviceaccount:x:robot", pod.name());
    assertEquals(List.of("system:serviceaccounts", "system:serviceaccounts:x"), pod.groups());
    assertEquals(java.util.Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=j1"),
        "authentication.kubernetes.io/node-name", List.of("kube-node-01"),
        "authentication.kubernetes.io/node-uid", List.of("node-uid"),
        "authentication.kubernetes.io/pod-name", List.of("web"),
        "authentication.kubernetes.io/pod-uid", List.of("pod-uid")), pod.extra());
    assertEquals(List.of("authentication.kubernetes.io/credential-id", "authentication.kubernetes.io/node-name",
        "authentication.kubernetes.io/node-uid", "authentication.kubernetes.io/pod-name",
        "authentication.kubernetes.io/pod-uid"), List.copyOf(pod.extra().keySet()), "kube's map order");
    io.dekube.core.auth.UserInfo plain = new ServiceAccountInfo("x", "robot", "sa-uid", "", "", "JTI=j2", "ghost", "")
        .userInfo();
    assertEquals(java.util.Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=j2"),
        "authentication.kubernetes.io/node-name", List.of("ghost")), plain.extra());
    assertEquals(java.util.Map.of(), new ServiceAccountInfo("x", "robot", "sa-uid", "", "", "", "", "").userInfo()
        .extra());
    ObjectNode json = Json.object();
    plain.withGroup("system:authenticated").putExtra(json);
    assertEquals("{\"extra\":{\"authentication.kubernetes.io/credential-id\":[\"JTI=j2\"],"
        + "\"authentication.kubernetes.io/node-name\":[\"ghost\"]}}", json.toString());
  }

  @Test
  void theMaximumExpiryShortensRequestsAndTheExtensionIgnoresIt() {
    IssuerOptions options = IssuerOptions.of(List.of("https://issuer.example", "https://old.example"), List.of(),
        java.time.Duration.ofHours(2), true, "");
    assertEquals(List.of("https://issuer.example", "https://old.example"), options.apiAudiences());
    TokenSigner limited = new TokenSigner(KEY, options);
    TokenSigner.Issued issued = limited.bound(account, List.of(), 86400, NOW);
    assertEquals(7200, issued.expirationSeconds());
    assertEquals(NOW.plusSeconds(7200), issued.expirationTimestamp());
    assertEquals("https://issuer.example", issued.claims().issuer());
    TokenSigner.Issued pod = limited.bound(account.withPod("web", "pod-uid", null), List.of(),
        TokenSigner.WARN_ONLY_SECONDS, NOW);
    assertEquals(NOW.getEpochSecond() + TokenSigner.EXTENDED_SECONDS, pod.claims().expiry());
    TokenVerifier both = new TokenVerifier(List.of(KEY.publicKey()), options.issuers(), options.apiAudiences());
    String old = new TokenSigner(KEY, IssuerOptions.of(List.of("https://old.example"), List.of(),
        java.time.Duration.ZERO, true, "")).bound(account, List.of(), 3600, NOW).token();
    assertInstanceOf(TokenVerifier.Valid.class, both.verify(old, NOW), "every issuer is accepted");
    assertInstanceOf(TokenVerifier.NotOurs.class, verifier.verify(old, NOW));
  }

  @Test
  void theFlagsAreCheckedInKubesWords() {
    assertEquals("service-account-issuer \"https://a\" is already specified", assertThrows(
        IllegalArgumentException.class, () -> IssuerOptions.of(List.of("https://a", "https://a"), List.of(),
            java.time.Duration.ZERO, true, "")).getMessage());
    assertEquals("[service-account-issuer should not be an empty string, the service-account-max-token-expiration must "
        + "be between 1 hour and 2^32 seconds]", assertThrows(IllegalArgumentException.class, () -> IssuerOptions.of(
            List.of(""), List.of(), java.time.Duration.ofMinutes(30), true, "")).getMessage());
    assertEquals("service-account-jwks-uri requires https scheme, parsed as: http://keys.example/jwks",
        assertThrows(IllegalArgumentException.class, () -> IssuerOptions.of(List.of(), List.of(),
            java.time.Duration.ZERO, true, "http://keys.example/jwks")).getMessage());
    IssuerOptions defaults = IssuerOptions.of(List.of(), List.of(), java.time.Duration.ZERO, true, "");
    assertEquals(IssuerOptions.defaults(), defaults);
    assertEquals(null, defaults.discoveryProblem());
    assertEquals("issuer URL must use https scheme, got: kubernetes/dekube", IssuerOptions.of(
        List.of("kubernetes/dekube"), List.of(), java.time.Duration.ZERO, true, "").discoveryProblem());
  }

  @Test
  void legacyTokensHaveNoExpiryAndNameTheirSecret() {
    String token = signer.legacy("x", new Ref("default", "sa-uid"), "default-token");
    TokenClaims c = ((TokenVerifier.Valid) verifier.verify(token, NOW.plusSeconds(10L * 365 * 86400))).claims();
    assertTrue(c.legacy());
    assertEquals("default-token", c.secret().name());
    assertEquals("system:serviceaccount:x:default", c.subject());
    assertEquals("x", Jws.parse(token).payload().path("kubernetes.io/serviceaccount/namespace").asText());
  }

  @Test
  void theKeyIsCreatedOnceAndReused(@TempDir Path dir) throws Exception {
    ServiceAccountKey first = ServiceAccountKey.loadOrCreate(dir);
    ServiceAccountKey again = ServiceAccountKey.loadOrCreate(dir);
    assertEquals(first.keyId(), again.keyId());
    assertTrue(Files.readString(dir.resolve("sa.pub")).startsWith("-----BEGIN PUBLIC KEY-----"));
    assertNotEquals(KEY.keyId(), first.keyId());
    String token = TokenSigner.of(first).bound(account, List.of(TokenClaims.ISSUER), 3600, NOW).token();
    assertInstanceOf(TokenVerifier.Valid.class, TokenVerifier.of(again.publicKey()).verify(token, NOW));
  }
}
