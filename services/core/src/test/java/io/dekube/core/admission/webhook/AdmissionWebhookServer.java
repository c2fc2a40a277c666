package io.dekube.core.admission.webhook;

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

/**
 * A small admission webhook server for tests, on 127.0.0.1 over HTTPS with its own CA (the
 * certificate names {@code webhook.hooks.svc} and 127.0.0.1), speaking {@code admission.k8s.io/v1}:
 * {@code /deny-labelled} denies objects labelled {@code deny=true} (403 Forbidden, with a warning for
 * every object it allows), {@code /deny-all} denies everything, {@code /add-label} patches the label
 * {@code mutated=yes} on, {@code /add-tier} the label {@code tier=gold}. It keeps every request it got, and
 * the paths called.
 */
public final class AdmissionWebhookServer implements AutoCloseable {

  public final CertificateBundle ca;
  public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  public final List<String> paths = new CopyOnWriteArrayList<>();
  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;

  public AdmissionWebhookServer() throws Exception {
    CertificateIssuer issuer = new CertificateIssuer();
    ca = issuer.newCa("webhook-ca");
    CertificateBundle serving = issuer.newServing(ca, "webhook", List.of("webhook.hooks.svc"), List.of("127.0.0.1"));
    server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new PemKeyCertOptions().setCertValue(Buffer.buffer(serving.certificatePem()))
                .setKeyValue(Buffer.buffer(serving.keyPem()))))
        .requestHandler(this::handle);
    server.listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  public int port() {
    return server.actualPort();
  }

  /** The CA as a configuration's {@code caBundle}. */
  public String caBundle() {
    return Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.UTF_8));
  }

  /** The requests of one operation on one object, in arrival order. */
  public List<JsonNode> seen(String operation, String name) {
    return requests.stream().map(r -> r.path("request"))
        .filter(r -> operation.equals(r.path("operation").asText()) && name.equals(r.path("name").asText()))
        .toList();
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
      requests.add(review);
      paths.add(req.path());
      JsonNode request = review.path("request");
      JsonNode object = request.path("object").isObject() ? request.path("object") : request.path("oldObject");
      ObjectNode answer = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
      ObjectNode response = answer.putObject("response").put("uid", request.path("uid").asText());
      switch (req.path()) {
        case "/deny-labelled" -> {
          boolean deny = "true".equals(object.path("metadata").path("labels").path("deny").asText());
          response.put("allowed", !deny);
          if (deny) {
            String resource = request.path("resource").path("resource").asText();
            response.putObject("status").put("code", 403).put("reason", "Forbidden")
                .put("message", resource + " labelled deny=true are not allowed");
          } else {
            response.putArray("warnings").add("deny-labelled saw " + object.path("metadata").path("name").asText());
          }
        }
        case "/deny-all" -> response.put("allowed", false).putObject("status").put("message", "nothing passes here");
        case "/add-label" -> label(response, object, "mutated", "yes");
        case "/add-tier" -> label(response, object, "tier", "gold");
        default -> response.put("allowed", true);
      }
      req.response().putHeader("Content-Type", "application/json").end(answer.toString());
    });
  }

  /** Allows, with a JSON patch that sets the label {@code key=value}. */
  private static void label(ObjectNode response, JsonNode object, String key, String value) {
    response.put("allowed", true).put("patchType", "JSONPatch");
    ArrayNode patch = Json.MAPPER.createArrayNode();
    if (!object.path("metadata").path("labels").isObject()) {
      patch.addObject().put("op", "add").put("path", "/metadata/labels").putObject("value");
    }
    patch.addObject().put("op", "add").put("path", "/metadata/labels/" + key).put("value", value);
    response.put("patch", Base64.getEncoder().encodeToString(patch.toString().getBytes(StandardCharsets.UTF_8)));
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }
}
