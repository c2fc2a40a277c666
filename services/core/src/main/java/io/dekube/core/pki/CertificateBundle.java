package io.dekube.core.pki;

import java.security.PrivateKey;
import java.security.cert.X509Certificate;

/**
 * A certificate and its private key. Immutable.
 *
 * @param certificate the X.509 certificate
 * @param key         its private key
 */
public record CertificateBundle(X509Certificate certificate, PrivateKey key) {

  /** The certificate as PEM ({@code -----BEGIN CERTIFICATE-----}). */
  public String certificatePem() {
    return Pem.certificate(certificate);
  }

  /** The key as PEM: PKCS#1 ({@code RSA PRIVATE KEY}), as kubeadm writes it. */
  public String keyPem() {
    return Pem.privateKey(key);
  }
}
