package io.dekube.apiserver.auth;

import io.dekube.core.auth.UserInfo;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP basic auth from a password file, as kube-apiserver's former {@code --basic-auth-file}:
 * {@code password,user,uid,"group1,group2"}. Passwords are compared in constant time. Loaded
 * once; thread-safe.
 */
public final class BasicAuthFileAuthenticator implements Authenticator {

  private static final Logger LOG = LoggerFactory.getLogger(BasicAuthFileAuthenticator.class);

  private record Account(byte[] password, UserInfo user) {
  }

  private final Map<String, Account> byUser;

  public BasicAuthFileAuthenticator(List<CsvUserFile.Entry> entries) {
    Map<String, Account> map = new HashMap<>();
    for (CsvUserFile.Entry entry : entries) {
      if (map.put(entry.user(), new Account(entry.secret().getBytes(StandardCharsets.UTF_8), entry.userInfo())) != null) {
        LOG.warn("duplicate user {} in the basic auth file; the later record wins", entry.user());
      }
    }
    this.byUser = Map.copyOf(map);
  }

  /** Reads a password file. Blocking. */
  public static BasicAuthFileAuthenticator load(Path file) {
    return new BasicAuthFileAuthenticator(CsvUserFile.read(file));
  }

  @Override
  public AuthResult authenticate(AuthRequest request) {
    String encoded = request.authorizationCredentials("Basic");
    if (encoded == null) {
      return AuthResult.none();
    }
    String decoded;
    try {
      decoded = new String(Base64.getDecoder().decode(encoded), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return AuthResult.rejected("malformed basic auth credentials");
    }
    int colon = decoded.indexOf(':');
    if (colon < 0) {
      return AuthResult.rejected("malformed basic auth credentials");
    }
    Account account = byUser.get(decoded.substring(0, colon));
    byte[] given = decoded.substring(colon + 1).getBytes(StandardCharsets.UTF_8);
    if (account == null || !MessageDigest.isEqual(account.password(), given)) {
      return AuthResult.rejected("invalid username or password");
    }
    return AuthResult.user(account.user());
  }
}
