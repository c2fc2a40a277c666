/**
 * Service account tokens as Kubernetes has them: RS256 JWTs ({@link io.dekube.core.serviceaccount.Jws})
 * with kube's claims ({@link io.dekube.core.serviceaccount.TokenClaims}), issued by
 * {@link io.dekube.core.serviceaccount.TokenSigner} and checked by
 * {@link io.dekube.core.serviceaccount.TokenVerifier}, with the key of
 * {@link io.dekube.core.pki.ServiceAccountKey}. Shared by the apiserver (authentication, TokenRequest),
 * the kubelet (projected tokens) and the controller-manager (legacy token Secrets).
 */
package io.dekube.core.serviceaccount;
