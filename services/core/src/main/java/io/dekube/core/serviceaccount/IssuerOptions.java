package io.dekube.core.serviceaccount;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * kube-apiserver's service account token flags ({@code ServiceAccountAuthenticationOptions} and
 * {@code --api-audiences}), with kube's defaults and checks: the first {@code --service-account-issuer}
 * signs, all of them are accepted; the API audiences default to the issuers; a TokenRequest longer
 * than {@code --service-account-max-token-expiration} is shortened to it; the ServiceAccount
 * admission's 3607 s pod tokens are extended to a year unless
 * {@code --service-account-extend-token-expiration=false}; {@code --service-account-jwks-uri} replaces
 * the discovery document's {@code jwks_uri}. Unlike kube, where the issuer is a required flag, dekube's
 * default issuer is kubeadm's {@code https://kubernetes.default.svc.cluster.local}. Immutable.
 *
 * @param issuers          {@code --service-account-issuer}, in order (never empty)
 * @param apiAudiences     the API audiences: {@code --api-audiences}, else the issuers
 * @param maxExpiration    {@code --service-account-max-token-expiration} (zero: no limit)
 * @param extendExpiration {@code --service-account-extend-token-expiration} (default true)
 * @param jwksUri          {@code --service-account-jwks-uri} ("" = {@code https://<external address>/openid/v1/jwks})
 */
public record IssuerOptions(List<String> issuers, List<String> apiAudiences, Duration maxExpiration,
                            boolean extendExpiration, String jwksUri) {

  /** kube's bounds of {@code --service-account-max-token-expiration}. */
  private static final Duration MIN_MAX = Duration.ofHours(1);
  private static final Duration MAX_MAX = Duration.ofSeconds(1L << 32);

  public IssuerOptions {
    issuers = List.copyOf(issuers);
    apiAudiences = List.copyOf(apiAudiences);
    jwksUri = jwksUri == null ? "" : jwksUri;
  }

  /** dekube's defaults: kubeadm's issuer, which is also the API audience; no limit; extension on. */
  public static IssuerOptions defaults() {
    return new IssuerOptions(List.of(TokenClaims.ISSUER), List.of(TokenClaims.ISSUER), Duration.ZERO, true, "");
  }

  /**
   * The options of the flags as kube-apiserver completes and validates them; {@code issuers} empty means
   * dekube's default issuer, {@code apiAudiences} empty means the issuers.
   *
   * @throws IllegalArgumentException in kube's words (several errors as kube's aggregate: {@code [a, b]})
   */
  public static IssuerOptions of(List<String> issuers, List<String> apiAudiences, Duration maxExpiration,
                                 boolean extendExpiration, String jwksUri) {
    List<String> iss = issuers.isEmpty() ? List.of(TokenClaims.ISSUER) : issuers;
    List<String> errors = new ArrayList<>(validateIssuers(iss));
    if (jwksUri != null && !jwksUri.isEmpty()) {
      try {
        URI u = new URI(jwksUri);
        if (!"https".equals(u.getScheme())) {
          errors.add("service-account-jwks-uri requires https scheme, parsed as: " + u);
        }
      } catch (URISyntaxException e) {
        errors.add("service-account-jwks-uri must be a valid URL: " + e.getMessage());
      }
    }
    if (!maxExpiration.isZero() && (maxExpiration.compareTo(MIN_MAX) < 0 || maxExpiration.compareTo(MAX_MAX) > 0)) {
      errors.add("the service-account-max-token-expiration must be between 1 hour and 2^32 seconds");
    }
    if (!errors.isEmpty()) {
      throw new IllegalArgumentException(errors.size() == 1 ? errors.get(0) : "[" + String.join(", ", errors) + "]");
    }
    List<String> audiences = apiAudiences.stream().filter(a -> !a.isEmpty()).toList();
    return new IssuerOptions(iss, audiences.isEmpty() ? iss : audiences, maxExpiration, extendExpiration, jwksUri);
  }

  private static List<String> validateIssuers(List<String> issuers) {
    List<String> errors = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (String issuer : issuers) {
      if (issuer.contains(":")) {
        try {
          new URI(issuer);
        } catch (URISyntaxException e) {
          errors.add("service-account-issuer \"" + issuer + "\" contained a ':' but was not a valid URL: "
              + e.getMessage());
          continue;
        }
      }
      if (issuer.isEmpty()) {
        errors.add("service-account-issuer should not be an empty string");
        continue;
      }
      if (!seen.add(issuer)) {
        errors.add("service-account-issuer \"" + issuer + "\" is already specified");
      }
    }
    return errors;
  }

  /** The issuer of new tokens: the first. */
  public String issuer() {
    return issuers.get(0);
  }

  /** Whether every one of {@code audiences} is an API audience (kube's {@code isKubeAudiences}). */
  public boolean kubeAudiences(List<String> audiences) {
    return new HashSet<>(apiAudiences).containsAll(audiences);
  }

  /**
   * Why the issuer discovery documents are not served, as kube's {@code NewOpenIDMetadata} refuses the
   * issuer (kube then logs it and installs no endpoints); null when they are.
   */
  public String discoveryProblem() {
    String issuer = issuer();
    try {
      URI u = new URI(issuer);
      if (!"https".equals(u.getScheme())) {
        return "issuer URL must use https scheme, got: " + issuer;
      }
      if (u.getRawQuery() != null) {
        return "issuer URL may not include a query, got: " + issuer;
      }
      if (u.getRawFragment() != null) {
        return "issuer URL may not include a fragment, got: " + issuer;
      }
      return null;
    } catch (URISyntaxException e) {
      return e.getMessage();
    }
  }
}
