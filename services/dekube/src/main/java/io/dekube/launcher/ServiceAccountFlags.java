package io.dekube.launcher;

import io.dekube.core.serviceaccount.IssuerOptions;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * kube-apiserver's service account token flags, read as pflag reads them: {@code --service-account-issuer}
 * a string array (repeated: the first issues, all are accepted; a comma is part of a value, as in kube, whose URL
 * check then refuses it), {@code --api-audiences} a string slice (commas or repeats), the
 * expirations Go durations and a bool. The apiserver checks and serves
 * with them; since dekube's kubelet signs its pods' projected tokens itself rather than asking the
 * TokenRequest API, it takes them too ({@code up} hands it the apiserver's; a standalone
 * {@code dekube kubelet} takes the same flags, which must match the apiserver's). Pure.
 */
final class ServiceAccountFlags {

  static final List<Flag> FLAGS = List.of(
      Flag.list("--service-account-issuer", "URL", "the iss of issued tokens; repeat it: the first issues, all are "
          + "accepted (default https://kubernetes.default.svc.cluster.local)"),
      Flag.list("--api-audiences", "LIST", "audiences a token must name to reach the API (default: the issuers)"),
      Flag.of("--service-account-max-token-expiration", "DURATION", "longest TokenRequest; longer ones are "
          + "shortened to it (1h to 2^32s; default: none)"),
      Flag.toggle("--service-account-extend-token-expiration", "extend the 3607s tokens of pods' projected "
          + "volumes to a year (default true; =false to stop)"),
      Flag.of("--service-account-jwks-uri", "URL", "the jwks_uri of /.well-known/openid-configuration (https; "
          + "default: this apiserver's /openid/v1/jwks)"));

  private ServiceAccountFlags() {
  }

  /** The options of the flags; IllegalArgumentException in pflag's and kube's words. */
  static IssuerOptions options(Flags f) {
    Duration max = AuditFlags.duration(f, "--service-account-max-token-expiration", Duration.ZERO);
    boolean extend = AuditFlags.bool(f, "--service-account-extend-token-expiration", true);
    return IssuerOptions.of(f.occurrences("--service-account-issuer"), list(f, "--api-audiences"), max, extend,
        f.string("--service-account-jwks-uri", ""));
  }

  /** A list flag's values; an empty value is kept, for kube's check of an empty issuer. */
  private static List<String> list(Flags f, String name) {
    return f.raw(name).map(v -> Arrays.asList(v.split(",", -1))).orElse(List.of());
  }
}
