package io.dekube.apiserver.server;

import io.dekube.apiserver.auth.ClientCertificateTrust;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.KeyCerts;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.TrustOptions;
import java.util.List;

/**
 * HTTPS options of the apiserver: the PKI's serving certificate (key objects, no key store), client certificates
 * requested (not required) with the cluster CA named as acceptable issuer, and h2 + http/1.1
 * through ALPN when asked. Pure.
 */
public final class TlsServerOptions {

  private TlsServerOptions() {
  }

  /** Server options for {@code host:port} with TLS from {@code pki}. */
  public static HttpServerOptions create(ClusterPki pki, String host, int port, boolean http2) {
    HttpServerOptions options = new HttpServerOptions()
        .setHost(host)
        .setPort(port)
        .setSsl(true)
        .setKeyCertOptions(KeyCerts.of(pki.serving(), pki.ca().certificate()))
        .setTrustOptions(TrustOptions.wrap(new ClientCertificateTrust(List.of(pki.ca().certificate()))))
        .setClientAuth(ClientAuth.REQUEST)
        // kube-apiserver accepts long URLs (selectors) and large headers
        .setMaxInitialLineLength(64 * 1024)
        .setMaxHeaderSize(1024 * 1024)
        // exec/attach (channel protocols) and port-forward (SPDY tunnel) WebSockets pick one of these
        .setWebSocketSubProtocols(io.dekube.apiserver.rest.WebSocketUpgrade.PROTOCOLS);
    if (http2) {
      options.setUseAlpn(true).setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1));
    } else {
      options.setUseAlpn(false);
    }
    return options;
  }
}
