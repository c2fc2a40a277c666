package io.dekube.kubelet.server.auth;

import io.vertx.core.Future;

/**
 * Authenticates a bearer token sent to the kubelet API (kube's kubelet with
 * {@code authentication.webhook.enabled: true}). Called on the kubelet's context for requests without
 * a client certificate; must never block.
 */
@FunctionalInterface
public interface KubeletTokenAuthenticator {

  /** Completes with the token's user, or null when the token is not valid; fails when no answer could be had. */
  Future<KubeletUser> authenticate(String token);
}
