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
import java.util.concurrent.atomic.AtomicInteger;
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
  private final AtomicInteger connections = new AtomicInteger();

  public JsonTlsServer(String name, List<String> dnsNames, BiFunction<String, JsonNode, JsonNode> answer)
      throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    ca = issuer.newCa(name + "-ca");
    CertificateBundle serving = issuer.newServing(ca, name, dnsNames, List.of("127.0.0.1"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(serving.certificatePem()))
                .setKeyValue(Buffer.buffer(serving.keyPem()))))
        .connectionHandler(c -> connections.incrementAndGet())
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

  /** The connections clients have opened so far. */
  public int connections() {
    return connections.get();
  }

  /** The CA as a configuration's {@code caBundle}. */
  public String caBundle() {
    return Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * A Namespace, a Service (port 443) and a ready EndpointSlice that reach this server as
   * {@code <name>.<namespace>.svc}, as YAML documents to apply.
   */
  public String serviceManifests(String namespace, String name) {
    return """
        apiVersion: v1
        kind: Namespace
        metadata: {name: %1$s}
        ---
        apiVersion: v1
        kind: Service
        metadata: {name: %2$s, namespace: %1$s}
        spec:
          ports: [{name: https, port: 443, targetPort: %3$d}]
        ---
        apiVersion: discovery.k8s.io/v1
        kind: EndpointSlice
        metadata:
          name: %2$s-1
          namespace: %1$s
          labels: {kubernetes.io/service-name: %2$s}
        addressType: IPv4
        ports: [{name: https, port: %3$d, protocol: TCP}]
        endpoints: [{addresses: [127.0.0.1], conditions: {ready: true}}]
        """.formatted(namespace, name, port());
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
