package io.dekube.apiserver;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.ServiceAccountKey;

/**
 * The apiserver's key material: the cluster PKI (CA and serving certificate), the ServiceAccount
 * signing key, and the client certificate it presents to kubelets. Read (or made) once per process
 * and shared by every apiserver instance: reading PEM keys and making an RSA key are the slowest
 * part of a cold start, and need nothing from the store.
 *
 * @param pki           the cluster CA and the serving certificate
 * @param saKey         signs and verifies ServiceAccount tokens
 * @param kubeletClient the apiserver's client certificate for kubelet APIs (logs, exec), in
 *                      {@code system:masters}
 */
public record ApiServerKeys(ClusterPki pki, ServiceAccountKey saKey, CertificateBundle kubeletClient) {

  /** Loads or creates the keys of {@code config}'s PKI directory. Blocking, CPU-heavy. */
  public static ApiServerKeys load(ApiServerConfig config) {
    ClusterPki pki = ClusterPki.loadOrCreate(config.pkiDirectory(), config.extraSans());
    return new ApiServerKeys(pki, ServiceAccountKey.loadOrCreate(config.pkiDirectory()),
        pki.issueClientCertificate("kube-apiserver-kubelet-client", java.util.List.of(ClusterPki.ADMIN_GROUP)));
  }
}
