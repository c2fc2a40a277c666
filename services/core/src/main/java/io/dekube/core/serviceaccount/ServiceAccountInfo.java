package io.dekube.core.serviceaccount;

import io.dekube.core.auth.UserInfo;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an accepted ServiceAccount token says about its bearer, as kube-apiserver's
 * {@code serviceaccount.ServiceAccountInfo}: the account, the pod and node it is bound to and the
 * credential id of its {@code jti}; {@link #userInfo()} is the user kube authenticates, with these
 * in {@code extra}. Immutable; "" stands for absent.
 */
public record ServiceAccountInfo(String namespace, String name, String uid, String podName, String podUid,
                                 String credentialId, String nodeName, String nodeUid) {

  public static final String POD_NAME = "authentication.kubernetes.io/pod-name";
  public static final String POD_UID = "authentication.kubernetes.io/pod-uid";
  public static final String NODE_NAME = "authentication.kubernetes.io/node-name";
  public static final String NODE_UID = "authentication.kubernetes.io/node-uid";

  public ServiceAccountInfo {
    podName = orEmpty(podName);
    podUid = orEmpty(podUid);
    credentialId = orEmpty(credentialId);
    nodeName = orEmpty(nodeName);
    nodeUid = orEmpty(nodeUid);
  }

  /** kube's credential id of a token's {@code jti}: {@code JTI=<jti>}, "" without one. */
  public static String credentialIdForJti(String jti) {
    return jti == null || jti.isEmpty() ? "" : "JTI=" + jti;
  }

  /**
   * {@code system:serviceaccount:<ns>:<name>} in the ServiceAccount groups, with kube's extra: pod name and uid
   * (both known), the credential id, the node name and, when known, its uid.
   */
  public UserInfo userInfo() {
    Map<String, List<String>> extra = new LinkedHashMap<>();
    if (!podName.isEmpty() && !podUid.isEmpty()) {
      extra.put(POD_NAME, List.of(podName));
      extra.put(POD_UID, List.of(podUid));
    }
    if (!credentialId.isEmpty()) {
      extra.put(UserInfo.CREDENTIAL_ID, List.of(credentialId));
    }
    if (!nodeName.isEmpty()) {
      extra.put(NODE_NAME, List.of(nodeName));
      if (!nodeUid.isEmpty()) {
        extra.put(NODE_UID, List.of(nodeUid));
      }
    }
    return new UserInfo(TokenClaims.username(namespace, name), uid, TokenClaims.groups(namespace), extra);
  }

  private static String orEmpty(String s) {
    return s == null ? "" : s;
  }
}
