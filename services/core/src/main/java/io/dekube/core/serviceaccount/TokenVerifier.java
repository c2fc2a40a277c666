package io.dekube.core.serviceaccount;

import java.security.interfaces.RSAPublicKey;
import java.time.Instant;
import java.util.List;

/**
 * Checks a bearer token as kube-apiserver's service account JWT authenticator does, before any
 * object lookup: a token of another issuer is not ours (other authenticators may take it); ours
 * must be RS256-signed by one of the keys, unexpired and valid already (a minute of leeway, as
 * go-jose's), and name at least one of the API audiences (legacy tokens have none and pass).
 * Whether the account, pod or secret still exist is the caller's part. Pure and thread-safe.
 */
public final class TokenVerifier {

  /** Leeway for {@code exp} and {@code nbf}, go-jose's default. */
  public static final long LEEWAY_SECONDS = 60;

  /** The outcome of {@link #verify}. */
  public sealed interface Result {
  }

  /** Not a JWT, or one from another issuer. */
  public record NotOurs() implements Result {
  }

  /** One of ours that must be refused, and why (kube's wording). */
  public record Invalid(String reason) implements Result {
  }

  /** A valid signature and time window; the claims to check against the objects. */
  public record Valid(TokenClaims claims) implements Result {
  }

  private final List<RSAPublicKey> keys;
  private final List<String> issuers;
  private final List<String> apiAudiences;

  /**
   * @param keys         the verification keys
   * @param issuers      the accepted issuers of bound tokens ({@code --service-account-issuer}, each of them;
   *                     legacy tokens are always accepted)
   * @param apiAudiences {@code --api-audiences}: a token must name one of them
   */
  public TokenVerifier(List<RSAPublicKey> keys, List<String> issuers, List<String> apiAudiences) {
    this.keys = List.copyOf(keys);
    this.issuers = List.copyOf(issuers);
    this.apiAudiences = List.copyOf(apiAudiences);
  }

  /** A verifier of one key, kube's default issuer and audience. */
  public static TokenVerifier of(RSAPublicKey key) {
    return new TokenVerifier(List.of(key), List.of(TokenClaims.ISSUER), List.of(TokenClaims.ISSUER));
  }

  public List<String> apiAudiences() {
    return apiAudiences;
  }

  /** Checks a token at {@code now} for the API audiences. */
  public Result verify(String token, Instant now) {
    return verify(token, now, apiAudiences);
  }

  /**
   * Checks a token at {@code now} for {@code audiences} (a TokenReview's): a bound token must name one
   * of them; a legacy token, which names none, counts as one for the API audiences (kube's implicit
   * audiences).
   */
  public Result verify(String token, Instant now, List<String> audiences) {
    Jws.Parsed parsed = Jws.parse(token);
    if (parsed == null) {
      return new NotOurs();
    }
    String iss = parsed.payload().path("iss").asText("");
    if (!issuers.contains(iss) && !TokenClaims.LEGACY_ISSUER.equals(iss)) {
      return new NotOurs();
    }
    if (!Jws.RS256.equals(parsed.header().path("alg").asText())) {
      return new Invalid("unexpected signature algorithm " + parsed.header().path("alg").asText());
    }
    if (keys.stream().noneMatch(k -> Jws.verify(parsed, k))) {
      return new Invalid("invalid signature");
    }
    TokenClaims claims = TokenClaims.fromJson(parsed.payload());
    if (claims == null || claims.namespace().isEmpty() || claims.account().name().isEmpty()) {
      return new Invalid("service account token claims could not be validated");
    }
    if (!claims.subject().equals(TokenClaims.username(claims.namespace(), claims.account().name()))) {
      return new Invalid("service account token claims could not be validated: subject does not match");
    }
    if (claims.legacy()) {
      return apiAudiences.stream().anyMatch(audiences::contains) ? new Valid(claims)
          : new Invalid("token audiences " + quoted(apiAudiences) + " is invalid for the target audiences "
              + quoted(audiences));
    }
    long t = now.getEpochSecond();
    if (claims.expiry() == 0 || t > claims.expiry() + LEEWAY_SECONDS) {
      return new Invalid("service account token has expired");
    }
    if (claims.notBefore() != 0 && t + LEEWAY_SECONDS < claims.notBefore()) {
      return new Invalid("service account token is not valid yet");
    }
    if (claims.audiences().stream().noneMatch(audiences::contains)) {
      return new Invalid("token audiences " + quoted(claims.audiences()) + " is invalid for the target audiences "
          + quoted(audiences));
    }
    return new Valid(claims);
  }

  private static String quoted(List<String> list) {
    StringBuilder b = new StringBuilder("[");
    for (int i = 0; i < list.size(); i++) {
      b.append(i == 0 ? "" : " ").append('"').append(list.get(i)).append('"');
    }
    return b.append(']').toString();
  }
}
