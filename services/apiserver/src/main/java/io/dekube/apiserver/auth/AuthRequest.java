package io.dekube.apiserver.auth;

import java.security.cert.X509Certificate;
import java.util.List;

/**
 * The credentials of one HTTP request, independent of the HTTP stack. Immutable.
 *
 * @param authorization      the {@code Authorization} header, or null
 * @param clientCertificates the TLS peer chain, leaf first; empty when the client sent none
 */
public record AuthRequest(String authorization, List<X509Certificate> clientCertificates) {

  public AuthRequest {
    clientCertificates = clientCertificates == null ? List.of() : List.copyOf(clientCertificates);
  }

  /** The credentials after {@code <scheme> } in the Authorization header (scheme case-insensitive), or null. */
  public String authorizationCredentials(String scheme) {
    if (authorization == null) {
      return null;
    }
    String value = authorization.trim();
    int space = value.indexOf(' ');
    if (space <= 0 || !value.substring(0, space).equalsIgnoreCase(scheme)) {
      return null;
    }
    String credentials = value.substring(space + 1).trim();
    return credentials.isEmpty() ? null : credentials;
  }
}
