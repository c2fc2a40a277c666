package io.dekube.core.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.pki.CertificateBundle;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A small admission webhook server for tests, on 127.0.0.1 over HTTPS with its own CA (the
 * certificate names {@code webhook.hooks.svc} and 127.0.0.1), speaking {@code admission.k8s.io/v1}:
 * {@code /deny-labelled} denies objects labelled {@code deny=true} (403 Forbidden, with a warning for
 * every object it allows), {@code /deny-all} denies everything, {@code /add-label} patches the label
 * {@code mutated=yes} on, {@code /add-tier} the label {@code tier=gold}, {@code /annotate} allows with the audit
 * annotations {@code reviewed-by} and a malformed key, {@code /annotate-deny} denies with the audit annotation
 * {@code verdict}, {@code /bad-answer} answers another uid (a failed call), {@code /bad-patch} allows with a JSON patch
 * that does not apply (its path is missing), also for a delete, {@code /scale-three} sets a Scale's
 * {@code spec.replicas} to 3. It keeps every request it got, and the paths called.
 */
public final class AdmissionWebhookServer implements AutoCloseable {

  public final CertificateBundle ca;
  public final List<JsonNode> requests = new CopyOnWriteArrayList<>();
  public final List<String> paths = new CopyOnWriteArrayList<>();
  private final JsonTlsServer server;

  public AdmissionWebhookServer() throws Exception {
    server = new JsonTlsServer("webhook", List.of("webhook.hooks.svc"), this::handle);
    ca = server.ca;
  }

  public int port() {
    return server.port();
  }

  /** The CA as a configuration's {@code caBundle}. */
  public String caBundle() {
    return server.caBundle();
  }

  /** Namespace, Service and EndpointSlice that reach this server as {@code <name>.<namespace>.svc}. */
  public String serviceManifests(String namespace, String name) {
    return server.serviceManifests(namespace, name);
  }

  /** The requests of one operation on one object, in arrival order. */
  public List<JsonNode> seen(String operation, String name) {
    return requests.stream().map(r -> r.path("request"))
        .filter(r -> operation.equals(r.path("operation").asText()) && name.equals(r.path("name").asText()))
        .toList();
  }

  private JsonNode handle(String path, JsonNode review) {
    requests.add(review);
    paths.add(path);
    JsonNode request = review.path("request");
    JsonNode object = request.path("object").isObject() ? request.path("object") : request.path("oldObject");
    ObjectNode answer = Json.object().put("apiVersion", "admission.k8s.io/v1").put("kind", "AdmissionReview");
    ObjectNode response = answer.putObject("response").put("uid", request.path("uid").asText());
    switch (path) {
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
      case "/annotate" -> response.put("allowed", true).putObject("auditAnnotations")
          .put("reviewed-by", "dekube <bot>").put("not a key", "dropped");
      case "/annotate-deny" -> {
        response.put("allowed", false).putObject("status").put("message", "no");
        response.putObject("auditAnnotations").put("verdict", "denied");
      }
      case "/bad-answer" -> response.put("uid", "not-the-request's").put("allowed", true);
      case "/scale-three" -> response.put("allowed", true).put("patchType", "JSONPatch").put("patch", Base64
          .getEncoder().encodeToString("[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]"
              .getBytes(StandardCharsets.UTF_8)));
      case "/bad-patch" -> response.put("allowed", true).put("patchType", "JSONPatch").put("patch", Base64.getEncoder()
          .encodeToString("[{\"op\":\"replace\",\"path\":\"/spec/missing/deeper\",\"value\":1}]"
              .getBytes(StandardCharsets.UTF_8)));
      default -> response.put("allowed", true);
    }
    return answer;
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
    server.close();
  }
}
