package io.dekube.apiserver;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.KeyCerts;
import io.dekube.core.pki.ClusterPki;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.PemTrustOptions;

/**
 * The apiserver's clients of the kubelet API: TLS trusting the cluster CA (kubelets' serving
 * certificates carry their node IP), presenting the apiserver's kubelet-client certificate.
 */
final class KubeletClients {

  private KubeletClients() {
  }

  static HttpClient http(Vertx vertx, ClusterPki pki, CertificateBundle client) {
    return vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem())))
        .setKeyCertOptions(KeyCerts.of(client)).setConnectTimeout(5000));
  }

  static WebSocketClient webSocket(Vertx vertx, ClusterPki pki, CertificateBundle client) {
    return vertx.createWebSocketClient(new WebSocketClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem())))
        .setKeyCertOptions(KeyCerts.of(client)).setConnectTimeout(5000).setMaxMessageSize(16 * 1024 * 1024)
        .setMaxFrameSize(16 * 1024 * 1024));
  }
}
