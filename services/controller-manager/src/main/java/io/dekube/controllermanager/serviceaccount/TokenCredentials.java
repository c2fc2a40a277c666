package io.dekube.controllermanager.serviceaccount;

import io.dekube.core.serviceaccount.TokenSigner;

/**
 * What the token controllers need from the PKI: the service-account signer (legacy token Secrets)
 * and the cluster CA certificate ({@code ca.crt} of token Secrets and of {@code kube-root-ca.crt}).
 * Immutable.
 *
 * @param signer the cluster's token signer
 * @param caPem  the cluster CA certificate, PEM
 */
public record TokenCredentials(TokenSigner signer, String caPem) {
}
