package io.dekube.kubelet.server.auth;

import io.vertx.core.Future;

/**
 * Decides whether a request to the kubelet API may go on (kube's {@code authorizer.Authorizer} of the
 * kubelet). Called on the kubelet's context for every authenticated request; must never block.
 */
@FunctionalInterface
public interface KubeletAuthorizer {

  /** Completes with whether {@code attributes} are allowed; fails when no decision could be had. */
  Future<Boolean> authorize(NodeAttributes attributes);

  /** Frees what it holds (clients); called when the kubelet API closes. */
  default Future<Void> close() {
    return Future.succeededFuture();
  }
}
