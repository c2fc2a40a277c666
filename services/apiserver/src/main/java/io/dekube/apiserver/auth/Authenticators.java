package io.dekube.apiserver.auth;

import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the apiserver's authenticator chain from its settings: client certificates of the cluster
 * CA, then the static token file, then the basic-auth file, each when configured. Reading the
 * files is blocking: call from a worker thread.
 */
public final class Authenticators {

  private Authenticators() {
  }

  /**
   * @param clientCa      the cluster CA
   * @param tokenFile     token file, or null
   * @param basicAuthFile password file, or null
   */
  public static AuthenticatorChain chain(X509Certificate clientCa, Path tokenFile, Path basicAuthFile) {
    return chain(clientCa, tokenFile, null, basicAuthFile);
  }

  /**
   * The chain with ServiceAccount tokens too (after the token file, as kube-apiserver's order).
   *
   * @param serviceAccounts the ServiceAccount token authenticator, or null
   */
  public static AuthenticatorChain chain(X509Certificate clientCa, Path tokenFile, Authenticator serviceAccounts,
                                         Path basicAuthFile) {
    return chain(clientCa, tokenFile == null ? null : TokenFileAuthenticator.load(tokenFile), serviceAccounts,
        basicAuthFile);
  }

  /**
   * The chain with an already loaded token file.
   *
   * @param tokenFile the token file's authenticator, or null
   */
  public static AuthenticatorChain chain(X509Certificate clientCa, TokenFileAuthenticator tokenFile,
                                         Authenticator serviceAccounts, Path basicAuthFile) {
    List<Authenticator> authenticators = new ArrayList<>();
    authenticators.add(new X509Authenticator(List.of(clientCa)));
    if (tokenFile != null) {
      authenticators.add(tokenFile);
    }
    if (serviceAccounts != null) {
      authenticators.add(serviceAccounts);
    }
    if (basicAuthFile != null) {
      authenticators.add(BasicAuthFileAuthenticator.load(basicAuthFile));
    }
    return new AuthenticatorChain(authenticators);
  }
}
