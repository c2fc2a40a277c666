package io.dekube.apiserver.auth;

import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.X509TrustManager;

/**
 * The server's TLS trust for client certificates: it names the client CAs in the handshake (so
 * clients pick the right certificate) but lets every certificate through, because
 * {@link X509Authenticator} verifies the chain per request and answers a 401 {@code Status} for a
 * foreign one, as kube-apiserver does (it requests, never requires, client certificates).
 * Never used to trust servers. Thread-safe.
 */
public final class ClientCertificateTrust implements X509TrustManager {

  private final X509Certificate[] clientCas;

  public ClientCertificateTrust(List<X509Certificate> clientCas) {
    this.clientCas = clientCas.toArray(new X509Certificate[0]);
  }

  @Override
  public void checkClientTrusted(X509Certificate[] chain, String authType) {
    // verified per request by X509Authenticator
  }

  @Override
  public void checkServerTrusted(X509Certificate[] chain, String authType) throws java.security.cert.CertificateException {
    throw new java.security.cert.CertificateException("this trust manager only accepts client certificates");
  }

  @Override
  public X509Certificate[] getAcceptedIssuers() {
    return clientCas.clone();
  }
}
