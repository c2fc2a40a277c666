package io.dekube.core.serviceaccount;

import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.serviceaccount.TokenClaims.Ref;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * Issues service account tokens signed with the cluster's service-account key: bound tokens (the
 * TokenRequest API, the kubelet's projected volumes) and legacy Secret tokens, with kube's claims.
 * The apiserver, the kubelet and the controller-manager each load the same key files, so their
 * tokens verify alike. Pure (the clock is an argument) and thread-safe.
 */
public final class TokenSigner {

  /** The expiry the ServiceAccount admission gives projected tokens; such pod tokens are extended. */
  public static final long WARN_ONLY_SECONDS = 60 * 60 + 7;
  /** How long an extended token is really valid (a year), as kube-apiserver's. */
  public static final long EXTENDED_SECONDS = 365L * 24 * 60 * 60;
  /** TokenRequest's default {@code expirationSeconds}. */
  public static final long DEFAULT_SECONDS = 3600;

  private final ServiceAccountKey key;
  private final IssuerOptions options;

  /** A signer for the issuer, audiences and expiry rules of {@code options}. */
  public TokenSigner(ServiceAccountKey key, IssuerOptions options) {
    this.key = key;
    this.options = options;
  }

  /** A signer with kube's default issuer. */
  public static TokenSigner of(ServiceAccountKey key) {
    return new TokenSigner(key, IssuerOptions.defaults());
  }

  public String issuer() {
    return options.issuer();
  }

  public IssuerOptions options() {
    return options;
  }

  public ServiceAccountKey key() {
    return key;
  }

  /**
   * A token, the expiry its requester is told (for an extended token, the requested one, not the real
   * {@code exp}) and the {@code expirationSeconds} granted (shorter than asked past the maximum).
   */
  public record Issued(String token, Instant expirationTimestamp, long expirationSeconds, TokenClaims claims) {
  }

  /** What a bound token names: the account, and optionally the pod (with its node), the node or secret it is bound to. */
  public record Binding(String namespace, Ref account, Ref pod, Ref node, Ref secret) {
    /** A token bound to nothing but the account. */
    public static Binding account(String namespace, String name, String uid) {
      return new Binding(namespace, new Ref(name, uid), null, null, null);
    }

    public Binding withPod(String name, String uid, Ref nodeRef) {
      return new Binding(namespace, account, new Ref(name, uid), nodeRef, null);
    }

    public Binding withSecret(String name, String uid) {
      return new Binding(namespace, account, null, null, new Ref(name, uid));
    }

    /** Bound to a Node (kube's ServiceAccountTokenNodeBinding): the token lives as long as that node. */
    public Binding withNode(String name, String uid) {
      return new Binding(namespace, account, null, new Ref(name, uid), null);
    }
  }

  /**
   * A bound token, as kube's TokenRequest issues it: no {@code audiences} means the API audiences; a
   * request longer than {@code --service-account-max-token-expiration} is shortened to it; then a
   * pod-bound token of {@link #WARN_ONLY_SECONDS} for API audiences only is extended to a year with a
   * {@code warnafter} claim, unless {@code --service-account-extend-token-expiration=false}.
   */
  public Issued bound(Binding b, List<String> audiences, long expirationSeconds, Instant now) {
    List<String> aud = audiences.isEmpty() ? options.apiAudiences() : audiences;
    long max = options.maxExpiration().toSeconds();
    long seconds = max > 0 && expirationSeconds > max ? max : expirationSeconds;
    long iat = now.getEpochSecond();
    long exp = seconds;
    long warnAfter = 0;
    if (options.extendExpiration() && b.pod() != null && seconds == WARN_ONLY_SECONDS && options.kubeAudiences(aud)) {
      warnAfter = iat + seconds;
      exp = EXTENDED_SECONDS;
    }
    TokenClaims claims = new TokenClaims(options.issuer(), TokenClaims.username(b.namespace(), b.account().name()),
        aud, iat, iat, iat + exp, UUID.randomUUID().toString(), b.namespace(), b.account(), b.pod(), b.secret(),
        b.node(), warnAfter);
    return new Issued(sign(claims), now.plus(Duration.ofSeconds(seconds)), seconds, claims);
  }

  /** A legacy token for a {@code kubernetes.io/service-account-token} Secret: no expiry, no audience. */
  public String legacy(String namespace, Ref account, String secretName) {
    return sign(new TokenClaims(TokenClaims.LEGACY_ISSUER, TokenClaims.username(namespace, account.name()), List.of(),
        0, 0, 0, "", namespace, account, null, new Ref(secretName, ""), null, 0));
  }

  /** Signs any claims. */
  public String sign(TokenClaims claims) {
    return Jws.sign(claims.toJson(), key.privateKey(), key.keyId());
  }
}
