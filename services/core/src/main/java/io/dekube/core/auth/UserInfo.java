package io.dekube.core.auth;

import java.util.ArrayList;
import java.util.List;

/**
 * An authenticated (or anonymous) user as kube-apiserver's authenticators describe one. Stored on
 * the {@code RoutingContext} under {@link #CONTEXT_KEY} for audit and, later, RBAC. Immutable.
 *
 * @param name   the user name, e.g. {@code admin} or {@code system:anonymous}
 * @param uid    a unique id, "" when the source has none (client certificates)
 * @param groups the user's groups, including {@code system:authenticated} once authenticated
 */
public record UserInfo(String name, String uid, List<String> groups) {

  /** The {@code RoutingContext} key the user is stored under. */
  public static final String CONTEXT_KEY = "user";
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";
  public static final String ANONYMOUS_NAME = "system:anonymous";

  public UserInfo {
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
  }

  /** The user kube-apiserver assigns to requests without credentials. */
  public static UserInfo anonymous() {
    return new UserInfo(ANONYMOUS_NAME, "", List.of(UNAUTHENTICATED));
  }

  /** Whether this is the anonymous user. */
  public boolean isAnonymous() {
    return ANONYMOUS_NAME.equals(name);
  }

  /** This user with {@code group} added, unless already present. */
  public UserInfo withGroup(String group) {
    if (groups.contains(group)) {
      return this;
    }
    List<String> more = new ArrayList<>(groups);
    more.add(group);
    return new UserInfo(name, uid, more);
  }
}
