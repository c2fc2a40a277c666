package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;

/**
 * What one authenticator made of a request: a user, no applicable credentials, or credentials it
 * rejected. Immutable.
 */
public sealed interface AuthResult {

  /** The request carried credentials this authenticator accepted. */
  record Authenticated(UserInfo user) implements AuthResult {
  }

  /** The request carried no credentials this authenticator understands. */
  record NotApplicable() implements AuthResult {
  }

  /** The request carried credentials of this authenticator's kind, and they are wrong. */
  record Rejected(String reason) implements AuthResult {
  }

  static AuthResult user(UserInfo user) {
    return new Authenticated(user);
  }

  static AuthResult none() {
    return new NotApplicable();
  }

  static AuthResult rejected(String reason) {
    return new Rejected(reason);
  }
}
