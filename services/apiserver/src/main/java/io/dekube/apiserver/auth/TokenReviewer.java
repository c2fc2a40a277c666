package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The TokenReview's authentication of a bearer token, as kube-apiserver's {@code tokenreviews}
 * storage runs its token authenticators: the target audiences are the review's, or the API audiences
 * when it names none. The token file's tokens (which carry no audience) count only when the targets
 * include an API audience; a ServiceAccount token must name one of the targets (a legacy one counts as
 * the API audiences). The outcome is the user (with {@code system:authenticated}) and the targets the
 * token was good for, or kube's error: {@code invalid bearer token}, with the authenticators' reasons
 * after it ({@code [invalid bearer token, service account token has expired]}). Reads caches only;
 * thread-safe; called on an event loop.
 */
public final class TokenReviewer {

  /** A review's outcome: the user and audiences when authenticated, else the error. Immutable. */
  public record Outcome(UserInfo user, List<String> audiences, String error) {

    public boolean authenticated() {
      return user != null;
    }
  }

  private final List<Authenticator> audienceAgnostic;
  private final ServiceAccountTokenAuthenticator serviceAccounts;

  /**
   * @param audienceAgnostic bearer-token authenticators whose tokens name no audience (the token file)
   * @param serviceAccounts  the ServiceAccount token authenticator
   */
  public TokenReviewer(List<Authenticator> audienceAgnostic, ServiceAccountTokenAuthenticator serviceAccounts) {
    this.audienceAgnostic = List.copyOf(audienceAgnostic);
    this.serviceAccounts = serviceAccounts;
  }

  /** Authenticates {@code token} for {@code requested} audiences (empty: the API audiences). */
  public Outcome review(String token, List<String> requested) {
    List<String> api = serviceAccounts.apiAudiences();
    List<String> targets = requested.isEmpty() ? api : requested;
    Set<String> reasons = new LinkedHashSet<>();
    List<String> implicit = intersection(targets, api);
    if (!implicit.isEmpty()) {
      AuthRequest request = new AuthRequest("Bearer " + token, List.of());
      for (Authenticator a : audienceAgnostic) {
        AuthResult r = a.authenticate(request);
        if (r instanceof AuthResult.Authenticated ok) {
          return new Outcome(ok.user().withGroup(UserInfo.AUTHENTICATED), implicit, null);
        }
        if (r instanceof AuthResult.Rejected no) {
          reasons.add(no.reason());
        }
      }
    }
    AuthResult r = serviceAccounts.authenticate(token, targets);
    if (r instanceof AuthResult.Authenticated ok) {
      return new Outcome(ok.user().withGroup(UserInfo.AUTHENTICATED),
          intersection(targets, serviceAccounts.audiences(token)), null);
    }
    if (r instanceof AuthResult.Rejected no) {
      reasons.add(no.reason());
    }
    return new Outcome(null, List.of(), error(reasons));
  }

  /** kube's aggregate of "invalid bearer token" and the reasons: one alone, several in brackets. */
  static String error(Set<String> reasons) {
    Set<String> all = new LinkedHashSet<>();
    all.add("invalid bearer token");
    all.addAll(reasons);
    return all.size() == 1 ? all.iterator().next() : "[" + String.join(", ", all) + "]";
  }

  private static List<String> intersection(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>();
    for (String x : a) {
      if (b.contains(x) && !out.contains(x)) {
        out.add(x);
      }
    }
    return out;
  }
}
