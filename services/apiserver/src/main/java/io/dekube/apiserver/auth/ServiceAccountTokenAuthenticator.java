package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.serviceaccount.ServiceAccountInfo;
import io.dekube.core.serviceaccount.TokenClaims;
import io.dekube.core.serviceaccount.TokenVerifier;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.Base64;

/**
 * Bearer tokens of ServiceAccounts, as kube-apiserver's service account authenticator: a token of
 * the cluster's issuer must be signed by the service-account key, unexpired, for the API audiences
 * ({@link TokenVerifier}); then its ServiceAccount must still exist with the uid it names, and so
 * must the Pod or Secret it is bound to (a deletion older than a minute counts as gone). A legacy
 * Secret token must also still be the {@code token} of its Secret; a token bound to a Node (and not
 * to a pod) needs that Node with its uid. The user is {@code system:serviceaccount:<ns>:<name>} with the
 * account's uid, groups {@code system:serviceaccounts}, {@code system:serviceaccounts:<ns>} (the chain
 * adds {@code system:authenticated}) and kube 1.32's extra: the credential id {@code JTI=<jti>}, the
 * bound pod's name and uid, its node's name and uid ({@link ServiceAccountInfo}); a legacy token has
 * none, as kube's legacy validator gives none. Tokens of other issuers are left to other
 * authenticators. Reads the informer caches only: no I/O; thread-safe.
 */
public final class ServiceAccountTokenAuthenticator implements Authenticator {

  /** The objects a token is checked against, from the apiserver's caches; null when absent. */
  public interface Objects {
    ObjectNode serviceAccount(String namespace, String name);

    ObjectNode pod(String namespace, String name);

    ObjectNode secret(String namespace, String name);

    ObjectNode node(String name);
  }

  private final TokenVerifier verifier;
  private final Objects objects;
  private final Clock clock;

  public ServiceAccountTokenAuthenticator(TokenVerifier verifier, Objects objects, Clock clock) {
    this.verifier = verifier;
    this.objects = objects;
    this.clock = clock;
  }

  @Override
  public AuthResult authenticate(AuthRequest request) {
    String token = request.authorizationCredentials("Bearer");
    if (token == null) {
      return AuthResult.none();
    }
    return authenticate(token, verifier.apiAudiences());
  }

  /** The API audiences: what a token without other target audiences is checked for. */
  public java.util.List<String> apiAudiences() {
    return verifier.apiAudiences();
  }

  /**
   * A token checked for {@code audiences} (a TokenReview's) instead of the API audiences; the user's
   * token audiences are {@link #audiences}.
   */
  public AuthResult authenticate(String token, java.util.List<String> audiences) {
    Instant now = clock.instant();
    TokenVerifier.Result result = verifier.verify(token, now, audiences);
    if (result instanceof TokenVerifier.NotOurs) {
      return AuthResult.none();
    }
    if (result instanceof TokenVerifier.Invalid invalid) {
      return AuthResult.rejected(invalid.reason());
    }
    TokenClaims c = ((TokenVerifier.Valid) result).claims();
    String problem = c.legacy() ? legacyProblem(c, token) : boundProblem(c, now);
    if (problem != null) {
      return AuthResult.rejected(problem);
    }
    if (c.legacy()) {
      return AuthResult.user(new UserInfo(c.subject(), c.account().uid(), TokenClaims.groups(c.namespace())));
    }
    // kube reads the node of a pod-bound token from its claims alone; a node-bound token's node was checked
    TokenClaims.Ref pod = c.pod() == null ? new TokenClaims.Ref("", "") : c.pod();
    TokenClaims.Ref node = c.node() == null ? new TokenClaims.Ref("", "") : c.node();
    return AuthResult.user(new ServiceAccountInfo(c.namespace(), c.account().name(), c.account().uid(), pod.name(),
        pod.uid(), ServiceAccountInfo.credentialIdForJti(c.id()), node.name(), node.uid()).userInfo());
  }

  /** The audiences a token of ours names: its {@code aud}, or the API audiences for a legacy token. */
  public java.util.List<String> audiences(String token) {
    io.dekube.core.serviceaccount.Jws.Parsed parsed = io.dekube.core.serviceaccount.Jws.parse(token);
    TokenClaims c = parsed == null ? null : TokenClaims.fromJson(parsed.payload());
    return c == null || c.legacy() ? verifier.apiAudiences() : c.audiences();
  }

  private String accountProblem(TokenClaims c, Instant now) {
    ObjectNode sa = objects.serviceAccount(c.namespace(), c.account().name());
    if (sa == null) {
      return "serviceaccounts \"" + c.account().name() + "\" not found";
    }
    if (deletedBefore(sa, now)) {
      return "service account " + c.namespace() + "/" + c.account().name() + " has been deleted";
    }
    String uid = sa.path("metadata").path("uid").asText();
    if (!uid.equals(c.account().uid())) {
      return "service account UID (" + uid + ") does not match claim (" + c.account().uid() + ")";
    }
    return null;
  }

  private String boundProblem(TokenClaims c, Instant now) {
    String problem = accountProblem(c, now);
    if (problem != null) {
      return problem;
    }
    if (c.secret() != null) {
      problem = boundObjectProblem("secret", objects.secret(c.namespace(), c.secret().name()), c.secret(), now);
    }
    if (problem == null && c.pod() != null) {
      problem = boundObjectProblem("pod", objects.pod(c.namespace(), c.pod().name()), c.pod(), now);
    }
    if (problem == null && c.pod() == null && c.node() != null) {
      problem = boundObjectProblem("node", objects.node(c.node().name()), c.node(), now);
    }
    return problem;
  }

  private static String boundObjectProblem(String kind, ObjectNode o, TokenClaims.Ref ref, Instant now) {
    if (o == null || deletedBefore(o, now)) {
      return "service account token has been invalidated";
    }
    String uid = o.path("metadata").path("uid").asText();
    return uid.equals(ref.uid()) ? null
        : kind + " UID (" + uid + ") does not match service account " + kind + " ref claim (" + ref.uid() + ")";
  }

  /** kube's legacy validator, in its own words (capitalised, no deletion leeway). */
  private String legacyProblem(TokenClaims c, String token) {
    if (c.secret() == null) {
      return "secretName claim is missing";
    }
    ObjectNode secret = objects.secret(c.namespace(), c.secret().name());
    if (secret == null || !secret.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      return "Token has been invalidated";
    }
    JsonNode stored = secret.path("data").path("token");
    String storedToken = stored.isTextual() ? decode(stored.asText()) : "";
    if (!token.equals(storedToken)) {
      return "Token does not match server's copy";
    }
    ObjectNode sa = objects.serviceAccount(c.namespace(), c.account().name());
    if (sa == null) {
      return "serviceaccounts \"" + c.account().name() + "\" not found";
    }
    if (!sa.path("metadata").path("deletionTimestamp").asText("").isEmpty()) {
      return "ServiceAccount " + c.namespace() + "/" + c.account().name() + " has been deleted";
    }
    String uid = sa.path("metadata").path("uid").asText();
    return uid.equals(c.account().uid()) ? null
        : "ServiceAccount UID (" + uid + ") does not match claim (" + c.account().uid() + ")";
  }


  private static String decode(String b64) {
    try {
      return new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  /** Whether the object's deletion began more than a minute ago (kube's leeway). */
  private static boolean deletedBefore(ObjectNode o, Instant now) {
    String ts = o.path("metadata").path("deletionTimestamp").asText("");
    return !ts.isEmpty() && Instant.parse(ts).isBefore(now.minusSeconds(TokenVerifier.LEEWAY_SECONDS));
  }
}
