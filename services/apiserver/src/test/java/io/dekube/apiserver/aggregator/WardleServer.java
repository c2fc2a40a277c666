package io.dekube.apiserver.aggregator;

import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A small aggregated API server for tests, on 127.0.0.1 over HTTPS with its own CA: it serves
 * {@code wardle.example.com/v1alpha1} ({@code flunders}: a list naming the user, groups and client
 * certificate it saw), answers 500 to the discovery of {@code broken.example.com/v1}, and holds
 * {@code .../flunders/slow} until {@link #release}.
 */
final class WardleServer implements AutoCloseable {

  static final String GROUP = "wardle.example.com";

  final CertificateBundle ca;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final Map<String, Promise<Void>> held = new ConcurrentHashMap<>();

  /** Serves a certificate for {@code serverName}; client certificates of {@code clientCaPem} are accepted. */
  WardleServer(String serverName, String clientCaPem) throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    ca = issuer.newCa("wardle-ca");
    CertificateBundle serving = issuer.newServing(ca, "wardle-api", List.of(serverName), List.of("127.0.0.1"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setClientAuth(ClientAuth.REQUEST)
            .setTrustOptions(new io.vertx.core.net.PemTrustOptions().addCertValue(Buffer.buffer(clientCaPem)))
            .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(serving.certificatePem()))
                .setKeyValue(Buffer.buffer(serving.keyPem()))))
        .requestHandler(this::handle);
    server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  int port() {
    return server.actualPort();
  }

  /** Lets the held {@code slow} request answer. */
  void release() {
    held.values().forEach(p -> p.tryComplete());
  }

  /** Whether a {@code slow} request is held now. */
  boolean holding() {
    return !held.isEmpty();
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (path.equals("/apis/" + GROUP + "/v1alpha1")) {
      json(req, 200, """
          {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"wardle.example.com/v1alpha1","resources":[
          {"name":"flunders","singularName":"flunder","namespaced":true,"kind":"Flunder","verbs":["get","list"]},
          {"name":"flunders/status","singularName":"","namespaced":true,"kind":"Flunder","verbs":["get"]}]}""");
    } else if (path.equals("/apis/broken.example.com/v1")) {
      json(req, 500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":500}");
    } else if (path.endsWith("/flunders/slow")) {
      Promise<Void> p = Promise.promise();
      held.put(req.uri() + System.nanoTime(), p);
      p.future().onComplete(v -> json(req, 200, "{\"kind\":\"Flunder\",\"metadata\":{\"name\":\"slow\"}}"));
    } else if (path.startsWith("/apis/" + GROUP + "/v1alpha1/")) {
      String cn = "";
      try {
        cn = ((X509Certificate) req.connection().sslSession().getPeerCertificates()[0]).getSubjectX500Principal()
            .getName();
      } catch (Exception e) {
        cn = "none";
      }
      String body = "{\"kind\":\"FlunderList\",\"apiVersion\":\"wardle.example.com/v1alpha1\",\"metadata\":{},"
          + "\"items\":[],\"seen\":{\"user\":\"" + req.getHeader("X-Remote-User") + "\",\"groups\":\""
          + String.join(",", req.headers().getAll("X-Remote-Group")) + "\",\"authorization\":"
          + req.headers().contains("Authorization") + ",\"client\":\"" + cn + "\",\"path\":\"" + req.uri() + "\"}}";
      json(req, 200, body);
    } else {
      json(req, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"code\":404}");
    }
  }

  private static void json(HttpServerRequest req, int status, String body) {
    req.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body);
  }

  @Override
  public void close() throws Exception {
    release();
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
