package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The union of several authenticators, as kube-apiserver's: the first that accepts the request
 * names the user (who also gets group {@code system:authenticated}); credentials that every
 * authenticator rejected or ignored fail. Thread-safe if its authenticators are.
 */
public final class AuthenticatorChain {

  /** The outcome for one request. */
  public sealed interface Outcome {
  }

  /** Authenticated as {@code user}. */
  public record Success(UserInfo user) implements Outcome {
  }

  /** No authenticator found credentials at all (a candidate for anonymous access). */
  public record NoCredentials() implements Outcome {
  }

  /** Credentials were presented and none were accepted. */
  public record Failure(List<String> reasons) implements Outcome {
  }

  private final List<Authenticator> authenticators;

  public AuthenticatorChain(List<Authenticator> authenticators) {
    this.authenticators = List.copyOf(authenticators);
  }

  /** Runs the chain on a request. */
  public Outcome authenticate(AuthRequest request) {
    List<String> reasons = new ArrayList<>();
    for (Authenticator authenticator : authenticators) {
      AuthResult result = authenticator.authenticate(request);
      if (result instanceof AuthResult.Authenticated ok) {
        return new Success(ok.user().withGroup(UserInfo.AUTHENTICATED));
      }
      if (result instanceof AuthResult.Rejected rejected) {
        reasons.add(rejected.reason());
      }
    }
    return reasons.isEmpty() ? new NoCredentials() : new Failure(reasons);
  }

  /** The user, or empty when the request is not authenticated (either way). */
  public Optional<UserInfo> user(AuthRequest request) {
    return authenticate(request) instanceof Success s ? Optional.of(s.user()) : Optional.empty();
  }
}
