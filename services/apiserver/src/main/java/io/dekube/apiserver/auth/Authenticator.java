package io.dekube.apiserver.auth;

/**
 * One way of authenticating a request (client certificate, bearer token, basic auth), as
 * kube-apiserver's request authenticators. Implementations are synchronous, do no I/O (their data
 * is loaded up front), and are called on an event loop; thread-safe.
 */
@FunctionalInterface
public interface Authenticator {

  /** The user the request's credentials name, {@link AuthResult.NotApplicable} or {@link AuthResult.Rejected}. */
  AuthResult authenticate(AuthRequest request);
}
