package io.dekube.apiserver.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.admission.webhook.JsonTlsServer;
import io.dekube.core.model.Json;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.UnaryOperator;

/**
 * A CRD conversion webhook for tests, on 127.0.0.1 over HTTPS with its own CA (the certificate names
 * {@code convert.hooks.svc} and 127.0.0.1): converts CronTabs of {@code stable.example.com} between
 * {@code v1beta1} ({@code spec.cronSpec}) and {@code v1} ({@code spec.schedule}) (and sets a generation of 99,
 * which the apiserver must not take), and answers in the review's own version. {@link #answer} may rewrite
 * each answer (to break it). Keeps every review it got.
 */
public final class ConversionWebhookServer implements AutoCloseable {

  public final List<JsonNode> reviews = new CopyOnWriteArrayList<>();
  /** Rewrites the answer before it goes out (identity: a correct answer). */
  volatile UnaryOperator<ObjectNode> answer = UnaryOperator.identity();
  private final JsonTlsServer server;

  public ConversionWebhookServer() throws Exception {
    server = new JsonTlsServer("convert", List.of("convert.hooks.svc"), (path, review) -> handle(review));
  }

  public String url() {
    return "https://127.0.0.1:" + server.port() + "/convert";
  }

  /** Namespace, Service and EndpointSlice that reach this server as {@code <name>.<namespace>.svc}. */
  String serviceManifests(String namespace, String name) {
    return server.serviceManifests(namespace, name);
  }

  int connections() {
    return server.connections();
  }

  public String caBundle() {
    return server.caBundle();
  }

  /** The objects of every review, review by review. */
  List<Integer> sizes() {
    return reviews.stream().map(r -> r.path("request").path("objects").size()).toList();
  }

  private JsonNode handle(JsonNode review) {
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
    return answer.apply(out);
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
    server.close();
  }
}
