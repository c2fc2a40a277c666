package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;
import io.dekube.store.admission.MetadataValidation;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A CRD's conversion webhook ({@code spec.conversion.strategy: Webhook}), as apiextensions-apiserver's
 * {@code webhookConverter} calls it: the objects not yet in the desired version go in one
 * {@code ConversionReview} (a LIST in one review) in the first of the CRD's {@code conversionReviewVersions}
 * kube speaks ({@code apiextensions.k8s.io/v1} or {@code v1beta1}), posted over HTTPS through the admission
 * webhooks' client ({@code url} or a ready endpoint of the {@code service}, {@code caBundle},
 * {@code ?timeout=30s}, kube's default for conversion webhooks); the answer is checked as kube checks it (the
 * kind and uid of a v1 review, {@code result.status} Success, as many objects as sent, each of the desired
 * group version and the same kind, name, namespace and uid) and each converted object gets the original's
 * metadata but for its labels and annotations, which are the only metadata a webhook may change (checked as
 * labels and annotations are when it changed them). A failure is
 * kube's 500 {@code conversion webhook for stable.example.com/v1, Kind=CronTab failed: ...} (no reason, as
 * kube's). Used by the apiserver (REST bodies and answers, the ingest) and by admission (versioned objects, also
 * for the bus components' writes). Asynchronous; thread-safe.
 */
public final class ConversionWebhook {

  /** kube's webhook client timeout for conversion webhooks. */
  static final int TIMEOUT_SECONDS = 30;
  private static final List<String> REVIEW_VERSIONS = List.of("v1", "v1beta1");

  private final WebhookClient client;

  public ConversionWebhook(WebhookClient client) {
    this.client = client;
  }

  /**
   * {@code objects} in {@code desiredApiVersion} (new nodes for the converted ones; the others as they are).
   *
   * @param kind    the custom kind, whose conversion is a webhook
   * @param objects the objects, each with its apiVersion
   * @param list    whether they are a list's items (kube's words differ for a list)
   */
  public Future<List<ObjectNode>> convert(CustomKind kind, List<ObjectNode> objects, String desiredApiVersion,
                                          boolean list) {
    // kube names the kind and version the objects are in, for a list too (kubectl get authconfigs: "conversion
    // webhook for authorino.kuadrant.io/v1beta1, Kind=AuthConfig failed: ...")
    String gvk = gvk(objects.isEmpty() ? kind.type().apiVersion() : objects.get(0).path("apiVersion").asText(),
        kind.type().kind());
    List<Integer> sent = new ArrayList<>();
    for (int i = 0; i < objects.size(); i++) {
      if (!desiredApiVersion.equals(objects.get(i).path("apiVersion").asText())) {
        sent.add(i);
      }
    }
    if (sent.isEmpty()) {
      return Future.succeededFuture(objects);
    }
    String reviewVersion = kind.conversion().reviewVersions().stream().filter(REVIEW_VERSIONS::contains)
        .findFirst().orElse(null);
    if (reviewVersion == null) {
      return Future.failedFuture(failure("no supported conversion review versions"));
    }
    String uid = UUID.randomUUID().toString();
    ObjectNode review = Json.object().put("kind", "ConversionReview")
        .put("apiVersion", "apiextensions.k8s.io/" + reviewVersion);
    ObjectNode request = review.putObject("request").put("uid", uid).put("desiredAPIVersion", desiredApiVersion);
    ArrayNode items = request.putArray("objects");
    sent.forEach(i -> items.add(objects.get(i)));
    return client.call(kind.conversion().clientConfig(), TIMEOUT_SECONDS, review)
        .recover(e -> Future.failedFuture(failure("conversion webhook for " + gvk + " failed: "
            + (e instanceof WebhookClient.CallFailed f ? f.transport() : e.getMessage()))))
        .map(answer -> {
          JsonNode converted;
          try {
            converted = convertedObjects(reviewVersion, uid, answer);
          } catch (IllegalArgumentException e) {
            throw failure("conversion webhook for " + gvk + " failed: " + e.getMessage());
          }
          if (converted.size() != sent.size()) {
            throw failure("conversion webhook for " + gvk + " returned " + converted.size() + " objects, expected "
                + sent.size());
          }
          List<ObjectNode> out = new ArrayList<>(objects);
          for (int n = 0; n < sent.size(); n++) {
            out.set(sent.get(n), accepted(gvk, list, n, objects.get(sent.get(n)), converted.get(n), desiredApiVersion));
          }
          return out;
        });
  }

  /** One object in {@code desiredApiVersion} (a new node when converted), as {@link #convert} converts it. */
  public Future<ObjectNode> convert(CustomKind kind, ObjectNode object, String desiredApiVersion) {
    return convert(kind, List.of(object), desiredApiVersion, false).map(l -> l.get(0));
  }

  /** The review's {@code response.convertedObjects}, after kube's checks of the review. */
  private static JsonNode convertedObjects(String reviewVersion, String uid, JsonNode answer) {
    if (reviewVersion.equals("v1")) { // v1beta1 answers were never checked for their kind and uid
      String got = gvk(answer.path("apiVersion").asText(""), answer.path("kind").asText(""));
      if (!got.equals("apiextensions.k8s.io/v1, Kind=ConversionReview")) {
        throw new IllegalArgumentException("expected webhook response of apiextensions.k8s.io/v1, "
            + "Kind=ConversionReview, got " + got);
      }
    }
    JsonNode response = answer.path("response");
    if (!response.isObject()) {
      throw new IllegalArgumentException("no response provided");
    }
    if (reviewVersion.equals("v1") && !uid.equals(response.path("uid").asText(""))) {
      throw new IllegalArgumentException("expected response.uid=\"" + uid + "\", got \""
          + response.path("uid").asText("") + "\"");
    }
    JsonNode result = response.path("result");
    if (!"Success".equals(result.path("status").asText(""))) {
      String message = result.path("message").asText("");
      throw new IllegalArgumentException(!message.isEmpty() ? message
          : "response.result.status was '" + result.path("status").asText("") + "', not 'Success'");
    }
    JsonNode converted = response.path("convertedObjects");
    return converted.isArray() ? converted : Json.MAPPER.createArrayNode();
  }

  /** One converted object, checked, with the original's metadata but for labels and annotations. */
  private static ObjectNode accepted(String gvk, boolean list, int index, ObjectNode original, JsonNode converted,
                                     String desiredApiVersion) {
    // kube numbers a list's items from 1 in its group version and kind errors (it counts before it checks)
    String at = list ? " returned invalid converted object at index " : " returned invalid object at index ";
    if (!(converted instanceof ObjectNode c)) {
      throw failure("conversion webhook for " + gvk + at + index + ": Object 'Kind' is missing in '"
          + converted + "'");
    }
    int shown = list ? index + 1 : 0;
    String gotVersion = c.path("apiVersion").asText("");
    if (!gotVersion.equals(desiredApiVersion)) {
      throw failure("conversion webhook for " + gvk + at + shown + ": invalid groupVersion (expected "
          + desiredApiVersion + ", received " + gotVersion + ")");
    }
    String kind = original.path("kind").asText("");
    if (!kind.equals(c.path("kind").asText(""))) {
      throw failure("conversion webhook for " + gvk + at + shown + ": invalid kind (expected " + kind + ", received "
          + c.path("kind").asText("") + ")");
    }
    String invalid = list ? " returned invalid converted object at index " + shown + ": "
        : " returned invalid object: ";
    for (String[] f : new String[][] {{"name", "name"}, {"namespace", "namespace"}, {"uid", "UID"}}) {
      String before = original.path("metadata").path(f[0]).asText("");
      String after = c.path("metadata").path(f[0]).asText("");
      if (!before.equals(after)) {
        throw failure("conversion webhook for " + gvk + invalid + "must have the same " + f[1] + ": " + before
            + " != " + after);
      }
    }
    String problem = restoreMetadata(original, c);
    if (problem != null) {
      throw failure("conversion webhook for " + gvk + (list ? " returned invalid metadata in object at index "
          + shown + ": " : " returned invalid metadata: ") + problem);
    }
    return c;
  }

  /** kube's {@code restoreObjectMeta}: the original metadata with the converted labels and annotations. */
  private static String restoreMetadata(ObjectNode original, ObjectNode converted) {
    JsonNode given = converted.get("metadata");
    if (given == null) {
      return "missing metadata in converted object";
    }
    if (!given.isObject()) {
      return "invalid metadata of type " + goType(given) + " in converted object";
    }
    ObjectNode meta = original.path("metadata") instanceof ObjectNode m ? m.deepCopy() : Json.object();
    for (String field : new String[] {"labels", "annotations"}) {
      JsonNode value = given.get(field);
      if (value == null || value.isNull()) {
        meta.remove(field);
        continue;
      }
      if (!value.isObject()) {
        return "invalid metadata." + field + " of type " + goType(value) + " in converted object";
      }
      for (Map.Entry<String, JsonNode> e : value.properties()) {
        if (!e.getValue().isTextual()) {
          return "metadata." + field + "[" + e.getKey() + "] must be a string, but is " + goType(e.getValue())
              + " in converted object";
        }
      }
      if (!value.equals(meta.path(field))) { // kube validates them only when the webhook changed them
        String problem = MetadataValidation.problem(value, field.equals("annotations"),
            field.equals("labels") ? "metadata.labels" : "metadata.annotation"); // kube's path, singular
        if (problem != null) {
          return problem;
        }
      }
      meta.set(field, value.deepCopy());
    }
    converted.set("metadata", meta);
    return null;
  }

  /** The Go type an unstructured value decodes to. */
  private static String goType(JsonNode v) {
    return v.isObject() ? "map[string]interface {}" : v.isArray() ? "[]interface {}" : v.isTextual() ? "string"
        : v.isBoolean() ? "bool" : v.isIntegralNumber() ? "int64" : v.isNumber() ? "float64" : "<nil>";
  }

  /** Go's {@code GroupVersionKind.String()}: {@code stable.example.com/v1, Kind=CronTab}. */
  public static String gvk(String apiVersion, String kind) {
    return (apiVersion.contains("/") ? apiVersion : "/" + apiVersion) + ", Kind=" + kind;
  }

  /** kube answers a failed conversion with a 500 whose reason is unknown. */
  private static StatusException failure(String message) {
    return new StatusException(500, "", message);
  }
}
