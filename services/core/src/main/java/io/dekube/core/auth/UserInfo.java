package io.dekube.core.auth;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * An authenticated (or anonymous) user as kube-apiserver's authenticators describe one. Stored on
 * the {@code RoutingContext} under {@link #CONTEXT_KEY} for audit and, later, RBAC. Immutable.
 *
 * @param name   the user name, e.g. {@code admin} or {@code system:anonymous}
 * @param uid    a unique id, "" when the source has none (client certificates)
 * @param groups the user's groups, including {@code system:authenticated} once authenticated
 * @param extra  the user's extra attributes ({@code user.Info.GetExtra()}), key order: a ServiceAccount token's
 *               credential id, pod and node; an impersonated user's {@code Impersonate-Extra-*}
 */
public record UserInfo(String name, String uid, List<String> groups, Map<String, List<String>> extra) {

  /** The {@code RoutingContext} key the user is stored under. */
  public static final String CONTEXT_KEY = "user";
  public static final String AUTHENTICATED = "system:authenticated";
  public static final String UNAUTHENTICATED = "system:unauthenticated";
  public static final String ANONYMOUS_NAME = "system:anonymous";
  /** kube's extra key of the credential a user authenticated with ({@code JTI=<jti>} for a ServiceAccount token). */
  public static final String CREDENTIAL_ID = "authentication.kubernetes.io/credential-id";

  public UserInfo {
    uid = uid == null ? "" : uid;
    groups = List.copyOf(groups);
    TreeMap<String, List<String>> sorted = new TreeMap<>();
    if (extra != null) {
      extra.forEach((k, v) -> sorted.put(k, List.copyOf(v)));
    }
    extra = Collections.unmodifiableMap(sorted);
  }

  /** A user without extra attributes. */
  public UserInfo(String name, String uid, List<String> groups) {
    this(name, uid, groups, Map.of());
  }

  /** The user kube-apiserver assigns to requests without credentials. */
  public static UserInfo anonymous() {
    return new UserInfo(ANONYMOUS_NAME, "", List.of(UNAUTHENTICATED));
  }

  /**
   * Sets {@code extra} on {@code userInfo} (a SelfSubjectReview's, TokenReview's, audit event's or AdmissionReview's
   * user) as kube writes the map: keys in order, omitted when empty.
   */
  public void putExtra(com.fasterxml.jackson.databind.node.ObjectNode userInfo) {
    if (extra.isEmpty()) {
      return;
    }
    com.fasterxml.jackson.databind.node.ObjectNode out = userInfo.putObject("extra");
    extra.forEach((k, values) -> values.forEach(out.putArray(k)::add));
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
    return new UserInfo(name, uid, more, extra);
  }
}
