package io.dekube.core.pki;

import io.vertx.core.net.KeyCertOptions;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/**
 * Vert.x key options for a certificate of the cluster PKI, from its key and certificate objects
 * (a {@link SingleKeyManager}), not from PEM text: no key store, no PBKDF2 rounds, no parsing.
 * Pure.
 */
public final class KeyCerts {

  private KeyCerts() {
  }

  /** {@code bundle}'s key and certificate, then {@code issuers} (e.g. the CA) as the rest of the chain. */
  public static KeyCertOptions of(CertificateBundle bundle, X509Certificate... issuers) {
    List<X509Certificate> chain = new ArrayList<>();
    chain.add(bundle.certificate());
    chain.addAll(List.of(issuers));
    return KeyCertOptions.wrap(new SingleKeyManager(bundle.key(), chain));
  }

  /** The key and chain of PEM texts (a key, then the certificate and its issuers). */
  public static KeyCertOptions ofPem(String keyPem, String certificatesPem) {
    return KeyCertOptions.wrap(new SingleKeyManager(Pem.parsePrivateKey(keyPem), Pem.parseCertificates(certificatesPem)));
  }
}
