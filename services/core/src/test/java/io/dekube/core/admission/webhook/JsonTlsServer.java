package io.dekube.core.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;

/**
 * A webhook server for tests (admission, CRD conversion): HTTPS on 127.0.0.1 with its own CA, a certificate
 * naming {@code dnsNames} and 127.0.0.1; each request's JSON body goes to {@code answer} with the path, and its
 * result is the JSON answer (a body that is not JSON gets a 400).
 */
public final class JsonTlsServer implements AutoCloseable {

  public final CertificateBundle ca;
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  public JsonTlsServer(String name, List<String> dnsNames, BiFunction<String, JsonNode, JsonNode> answer)
      throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    ca = issuer.newCa(name + "-ca");
    CertificateBundle serving = issuer.newServing(ca, name, dnsNames, List.of("127.0.0.1"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(serving.certificatePem()))
                .setKeyValue(Buffer.buffer(serving.keyPem()))))
        .requestHandler(req -> req.body().onSuccess(b -> {
          JsonNode body;
          try {
            body = Json.MAPPER.readTree(b.getBytes());
          } catch (Exception e) {
            req.response().setStatusCode(400).end();
            return;
          }
          req.response().putHeader("Content-Type", "application/json").end(answer.apply(req.path(), body).toString());
        }));
    server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public int port() {
    return server.actualPort();
  }

  /** The CA as a configuration's {@code caBundle}. */
  public String caBundle() {
    return Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
