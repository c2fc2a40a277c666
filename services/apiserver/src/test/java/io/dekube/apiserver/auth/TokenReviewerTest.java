package io.dekube.apiserver.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.serviceaccount.TokenClaims;
import io.dekube.core.serviceaccount.TokenSigner;
import io.dekube.core.serviceaccount.TokenVerifier;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A TokenReview's authentication: audiences, the token file and ServiceAccount tokens, kube's error wording. */
class TokenReviewerTest {

  private static final ServiceAccountKey KEY = ServiceAccountKey.generate();
  private static final Instant NOW = Instant.parse("2026-12-06T06:00:00Z");
  private static final String API = TokenClaims.ISSUER;
  private static final ObjectNode ACCOUNT = account();

  private final TokenSigner signer = TokenSigner.of(KEY);
  private final TokenReviewer reviewer = new TokenReviewer(
      List.of(new TokenFileAuthenticator(List.of(new CsvUserFile.Entry("file-token", "ops", "uid-1",
          List.of("dev"))))),
      new ServiceAccountTokenAuthenticator(new TokenVerifier(List.of(KEY.publicKey()), List.of(API), List.of(API)),
          new ServiceAccountTokenAuthenticator.Objects() {
            @Override
            public ObjectNode serviceAccount(String namespace, String name) {
              return namespace.equals("d") && name.equals("scraper") ? ACCOUNT : null;
            }

            @Override
            public ObjectNode pod(String namespace, String name) {
              return objects.get("pod/" + namespace + "/" + name);
            }

            @Override
            public ObjectNode secret(String namespace, String name) {
              return objects.get("secret/" + namespace + "/" + name);
            }

            @Override
            public ObjectNode node(String name) {
              return objects.get("node/" + name);
            }
          }, Clock.fixed(NOW, ZoneOffset.UTC)));
  private final java.util.Map<String, ObjectNode> objects = new java.util.HashMap<>();

  private static ObjectNode object(String name, String uid) {
    ObjectNode o = Json.object();
    Json.metadata(o).put("name", name).put("uid", uid);
    return o;
  }

  private static ObjectNode account() {
    ObjectNode sa = Json.object();
    Json.metadata(sa).put("name", "scraper").put("namespace", "d").put("uid", "sa-uid");
    return sa;
  }

  private String token(List<String> audiences, long issuedSecondsAgo) {
    return signer.bound(TokenSigner.Binding.account("d", "scraper", "sa-uid"), audiences, 600,
        NOW.minusSeconds(issuedSecondsAgo)).token();
  }

  private String outcome(String token, List<String> audiences) {
    TokenReviewer.Outcome o = reviewer.review(token, audiences);
    return o.authenticated() ? o.user().name() + " " + o.user().groups() + " " + o.audiences() : o.error();
  }

  @Test
  void aServiceAccountTokenIsItsAccountForTheApiAudiences() {
    assertEquals("system:serviceaccount:d:scraper [system:serviceaccounts, system:serviceaccounts:d, "
        + "system:authenticated] [" + API + "]", outcome(token(List.of(API), 10), List.of()));
  }

  @Test
  void aTokenIsGoodOnlyForTheAudiencesItNames() {
    String token = token(List.of("vault", "other"), 10);
    assertEquals("system:serviceaccount:d:scraper [system:serviceaccounts, system:serviceaccounts:d, "
        + "system:authenticated] [vault]", outcome(token, List.of("vault", "x")));
    assertEquals("[invalid bearer token, token audiences [\"vault\" \"other\"] is invalid for the target audiences "
        + "[\"" + API + "\"]]", outcome(token, List.of()));
  }

  @Test
  void expiredAndUnknownTokensAreRefusedInKubesWords() {
    assertEquals("[invalid bearer token, service account token has expired]",
        outcome(token(List.of(API), 2000), List.of()));
    assertEquals("invalid bearer token", outcome("garbage", List.of()));
  }

  @Test
  void theTokenFilesTokensCountForTheApiAudiencesOnly() {
    assertEquals("ops [dev, system:authenticated] [" + API + "]", outcome("file-token", List.of()));
    assertEquals("invalid bearer token", outcome("file-token", List.of("vault")));
  }

  @Test
  void aPodTokensUserNamesItsCredentialPodAndNodeAsKube() {
    objects.put("pod/d/web", object("web", "pod-uid"));
    TokenSigner.Issued issued = signer.bound(TokenSigner.Binding.account("d", "scraper", "sa-uid")
        .withPod("web", "pod-uid", new TokenClaims.Ref("kube-node-01", "node-uid")), List.of(), 600, NOW);
    TokenReviewer.Outcome o = reviewer.review(issued.token(), List.of());
    assertEquals(java.util.Map.of("authentication.kubernetes.io/credential-id", List.of("JTI=" + issued.claims().id()),
        "authentication.kubernetes.io/pod-name", List.of("web"), "authentication.kubernetes.io/pod-uid",
        List.of("pod-uid"), "authentication.kubernetes.io/node-name", List.of("kube-node-01"),
        "authentication.kubernetes.io/node-uid", List.of("node-uid")), o.user().extra());
    assertEquals("sa-uid", o.user().uid());
    // a pod-bound token's node is read from its claims, not checked
    assertEquals(true, reviewer.review(issued.token(), List.of()).authenticated());
  }

  @Test
  void aNodeBoundTokenLivesAsLongAsItsNode() {
    String token = signer.bound(TokenSigner.Binding.account("d", "scraper", "sa-uid").withNode("kube-node-01",
        "node-uid"), List.of(), 600, NOW).token();
    assertEquals("[invalid bearer token, service account token has been invalidated]", outcome(token, List.of()));
    objects.put("node/kube-node-01", object("kube-node-01", "node-uid"));
    TokenReviewer.Outcome o = reviewer.review(token, List.of());
    assertEquals(List.of("kube-node-01"), o.user().extra().get("authentication.kubernetes.io/node-name"));
    assertEquals(List.of("node-uid"), o.user().extra().get("authentication.kubernetes.io/node-uid"));
    assertEquals(null, o.user().extra().get("authentication.kubernetes.io/pod-name"));
    objects.put("node/kube-node-01", object("kube-node-01", "other-uid"));
    assertEquals("[invalid bearer token, node UID (other-uid) does not match service account node ref claim "
        + "(node-uid)]", outcome(token, List.of()));
  }

  @Test
  void aLegacyTokenHasNoExtraAndIsRefusedInTheLegacyValidatorsWords() {
    String token = signer.legacy("d", new TokenClaims.Ref("scraper", "sa-uid"), "scraper-token");
    assertEquals("[invalid bearer token, Token has been invalidated]", outcome(token, List.of()));
    ObjectNode secret = object("scraper-token", "secret-uid");
    secret.putObject("data").put("token", java.util.Base64.getEncoder().encodeToString("other".getBytes()));
    objects.put("secret/d/scraper-token", secret);
    assertEquals("[invalid bearer token, Token does not match server's copy]", outcome(token, List.of()));
    secret.putObject("data").put("token", java.util.Base64.getEncoder().encodeToString(token.getBytes()));
    TokenReviewer.Outcome o = reviewer.review(token, List.of());
    assertEquals("system:serviceaccount:d:scraper", o.user().name());
    assertEquals(java.util.Map.of(), o.user().extra());
  }
}
