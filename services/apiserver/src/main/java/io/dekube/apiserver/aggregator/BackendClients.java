package io.dekube.apiserver.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.pki.CertificateBundle;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.PemTrustOptions;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * HTTPS clients to aggregated API servers, one per trust setting: an APIService's {@code caBundle}
 * (the server's certificate must name {@code <service>.<namespace>.svc}), or
 * {@code insecureSkipTLSVerify}. Every client presents the front-proxy client certificate, as
 * kube-apiserver presents its {@code --proxy-client-cert-file}. Thread-safe.
 */
final class BackendClients {

  /** How long connecting to a backend may take. */
  static final int CONNECT_TIMEOUT_MS = 5_000;

  private final Vertx vertx;
  private final CertificateBundle proxyClient;
  private final Map<String, HttpClient> clients = new ConcurrentHashMap<>();

  BackendClients(Vertx vertx, CertificateBundle proxyClient) {
    this.vertx = vertx;
    this.proxyClient = proxyClient;
  }

  Vertx vertx() {
    return vertx;
  }

  /** The client for {@code apiService}'s trust setting. */
  HttpClient client(JsonNode apiService) {
    JsonNode spec = apiService.path("spec");
    boolean insecure = spec.path("insecureSkipTLSVerify").asBoolean(false);
    String caBundle = spec.path("caBundle").asText("");
    String key = insecure ? "insecure" : "ca:" + caBundle;
    return clients.computeIfAbsent(key, k -> create(insecure, caBundle));
  }

  private HttpClient create(boolean insecure, String caBundle) {
    HttpClientOptions o = new HttpClientOptions().setSsl(true).setConnectTimeout(CONNECT_TIMEOUT_MS)
        .setKeyCertOptions(io.dekube.core.pki.KeyCerts.of(proxyClient));
    if (insecure) {
      o.setTrustAll(true).setVerifyHost(false);
    } else {
      PemTrustOptions trust = new PemTrustOptions();
      if (!caBundle.isEmpty()) {
        trust.addCertValue(Buffer.buffer(Base64.getMimeDecoder().decode(caBundle)));
      }
      o.setTrustOptions(trust).setVerifyHost(true);
    }
    return vertx.createHttpClient(o);
  }
}
