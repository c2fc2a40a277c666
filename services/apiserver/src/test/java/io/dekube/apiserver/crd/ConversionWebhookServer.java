package io.dekube.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/**
 * A CRD conversion webhook for tests, on 127.0.0.1 over HTTPS with its own CA (the certificate names
 * {@code convert.hooks.svc} and 127.0.0.1): converts CronTabs of {@code stable.example.com} between
 * {@code v1beta1} ({@code spec.cronSpec}) and {@code v1} ({@code spec.schedule}) (and sets a generation of 99,
 * which the apiserver must not take), and answers in the review's own version. {@link #answer} may rewrite
 * each answer (to break it). Keeps every review it got.
 */
final class ConversionWebhookServer implements AutoCloseable {

  final CertificateBundle ca;
  final List<JsonNode> reviews = new CopyOnWriteArrayList<>();
  /** Rewrites the answer before it goes out (identity: a correct answer). */
  volatile UnaryOperator<ObjectNode> answer = UnaryOperator.identity();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  ConversionWebhookServer() throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    ca = issuer.newCa("conversion-ca");
    CertificateBundle serving = issuer.newServing(ca, "convert", List.of("convert.hooks.svc"), List.of("127.0.0.1"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(serving.certificatePem()))
                .setKeyValue(Buffer.buffer(serving.keyPem()))))
        .requestHandler(this::handle);
    server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  String url() {
    return "https://127.0.0.1:" + server.actualPort() + "/convert";
  }

  String caBundle() {
    return Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.UTF_8));
  }

  /** The objects of every review, review by review. */
  List<Integer> sizes() {
    return reviews.stream().map(r -> r.path("request").path("objects").size()).toList();
  }

  private void handle(HttpServerRequest req) {
    req.body().onSuccess(b -> {
      JsonNode review;
      try {
        review = Json.MAPPER.readTree(b.getBytes());
      } catch (Exception e) {
        req.response().setStatusCode(400).end();
        return;
      }
      reviews.add(review);
      JsonNode request = review.path("request");
      String desired = request.path("desiredAPIVersion").asText();
      ObjectNode out = Json.object().put("apiVersion", review.path("apiVersion").asText())
          .put("kind", "ConversionReview");
      ObjectNode response = out.putObject("response").put("uid", request.path("uid").asText());
      ArrayNode converted = response.putArray("convertedObjects");
      for (JsonNode o : request.path("objects")) {
        converted.add(convert((ObjectNode) o.deepCopy(), desired));
      }
      response.putObject("result").put("status", "Success");
      req.response().putHeader("Content-Type", "application/json").end(answer.apply(out).toString());
    });
  }

  private static ObjectNode convert(ObjectNode o, String desired) {
    ObjectNode spec = o.path("spec") instanceof ObjectNode s ? s : o.putObject("spec");
    if (desired.endsWith("/v1")) {
      if (spec.has("cronSpec")) {
        spec.set("schedule", spec.remove("cronSpec"));
      }
    } else if (spec.has("schedule")) {
      spec.set("cronSpec", spec.remove("schedule"));
    }
    o.put("apiVersion", desired);
    ObjectNode meta = o.path("metadata") instanceof ObjectNode m ? m : o.putObject("metadata");
    meta.put("generation", 99); // not taken: only labels and annotations are
    return o;
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
