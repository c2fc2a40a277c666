package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bearer tokens from a static token file, as kube-apiserver's {@code --token-auth-file}:
 * {@code token,user,uid,"group1,group2"}. A later record with the same token wins. Loaded once;
 * thread-safe.
 */
public final class TokenFileAuthenticator implements Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(TokenFileAuthenticator.class);

  private final Map<String, UserInfo> byToken;

  public TokenFileAuthenticator(List<CsvUserFile.Entry> entries) {
    Map<String, UserInfo> map = new HashMap<>();
    for (CsvUserFile.Entry entry : entries) {
      if (entry.secret().isEmpty()) {
        LOG.warn("ignoring an empty token in the token file (user {})", entry.user());
        continue;
      }
      if (map.put(entry.secret(), entry.userInfo()) != null) {
        LOG.warn("duplicate token in the token file; the record for user {} wins", entry.user());
      }
    }
    this.byToken = Map.copyOf(map);
  }

  /** Reads a token file. Blocking. */
  public static TokenFileAuthenticator load(Path file) {
    return new TokenFileAuthenticator(CsvUserFile.read(file));
  }

  @Override
  public AuthResult authenticate(AuthRequest request) {
    String token = request.authorizationCredentials("Bearer");
    if (token == null) {
      return AuthResult.none();
    }
    UserInfo user = byToken.get(token);
    return user == null ? AuthResult.rejected("invalid bearer token") : AuthResult.user(user);
  }
}
