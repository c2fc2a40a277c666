package io.dekube.core.auth;

import io.dekube.core.serviceaccount.TokenClaims;
import java.util.ArrayList;
import java.util.List;

/**
 * The users kube's own components authenticate as, as kubeadm sets them up: the controllers with
 * {@code --use-service-account-credentials} (one service account of {@code kube-system} each), the
 * controller-manager's own client (leader election), the scheduler and the kubelets. Each one is
 * in {@code system:authenticated}, as the apiserver adds it. Pure.
 */
public final class SystemUsers {

  /** kube-controller-manager's own credentials (leader election, the token controller). */
  public static final UserInfo KUBE_CONTROLLER_MANAGER = authenticated("system:kube-controller-manager", List.of());

  /** kube-scheduler's credentials. */
  public static final UserInfo KUBE_SCHEDULER = authenticated("system:kube-scheduler", List.of());

  /** The group of every node's kubelet. */
  public static final String NODES = "system:nodes";

  private SystemUsers() {
  }

  /** A service account: {@code system:serviceaccount:<ns>:<name>} in its groups. */
  public static UserInfo serviceAccount(String namespace, String name) {
    return authenticated(TokenClaims.username(namespace, name), TokenClaims.groups(namespace));
  }

  /** A node's kubelet: {@code system:node:<name>} in {@code system:nodes}. */
  public static UserInfo node(String nodeName) {
    return authenticated("system:node:" + nodeName, List.of(NODES));
  }

  /** {@code name} in {@code groups} and {@code system:authenticated}. */
  public static UserInfo authenticated(String name, List<String> groups) {
    List<String> all = new ArrayList<>(groups);
    all.add(UserInfo.AUTHENTICATED);
    return new UserInfo(name, "", all);
  }
}
