package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The audit annotations of the webhook dispatchers, as kube-apiserver 1.32 writes them: a webhook's own
 * {@code auditAnnotations} as {@code <webhook name>/<key>}; for each mutating webhook called (kube's
 * {@code webhookAnnotator}, in round 0, or 1 when called again for {@code reinvocationPolicy: IfNeeded}, at its index
 * among all the mutating webhooks) {@code mutation.webhook.admission.k8s.io/round_R_index_I} =
 * {@code {"configuration":...,"webhook":...,"mutated":...}} and, when it answered a patch that applied,
 * {@code patch.webhook.admission.k8s.io/round_R_index_I} with the patch, only in events at the Request level and
 * above; a call that failed open ({@code failurePolicy: Ignore}) {@code failed-open.mutation.webhook.admission.k8s.io/
 * round_R_index_I} or {@code failed-open.validating.webhook.admission.k8s.io/round_0_index_I} (its index among the
 * validating webhooks called) = the webhook's name. JSON as Go's {@code encoding/json} writes it. Pure but for the
 * annotations it adds to.
 */
final class WebhookAnnotations {

  static final String MUTATION = "mutation.webhook.admission.k8s.io/";
  static final String PATCH = "patch.webhook.admission.k8s.io/";
  static final String FAILED_OPEN_MUTATION = "failed-open." + MUTATION;
  static final String FAILED_OPEN_VALIDATING = "failed-open.validating.webhook.admission.k8s.io/";

  private WebhookAnnotations() {
  }

  /** The webhook's {@code response.auditAnnotations}, each under its name (added before a denial is answered). */
  static void answered(AuditAnnotations into, Webhook w, Map<String, String> auditAnnotations) {
    auditAnnotations.forEach((k, v) -> into.add(w.name() + "/" + k, v));
  }

  /** That mutating webhook {@code w} was called (whatever came of it) and whether its patch changed the object. */
  static void mutation(AuditAnnotations into, int round, int index, Webhook w, boolean mutated) {
    if (!into.keeps()) {
      return;
    }
    ObjectNode v = Json.object().put("configuration", w.configuration()).put("webhook", w.name())
        .put("mutated", mutated);
    into.add(MUTATION + suffix(round, index), go(v));
  }

  /**
   * The JSON patch mutating webhook {@code w} answered and that applied; its operations' fields in key order (Go
   * writes the map of each), their values as the webhook sent them. Only for Request-level events.
   */
  static void patch(AuditAnnotations into, int round, int index, Webhook w, JsonNode patch) {
    if (!into.keeps()) {
      return;
    }
    ArrayNode ops = Json.MAPPER.createArrayNode();
    for (JsonNode op : patch) {
      List<String> names = new ArrayList<>();
      op.fieldNames().forEachRemaining(names::add);
      names.sort(null);
      ObjectNode sorted = ops.addObject();
      names.forEach(n -> sorted.set(n, op.get(n)));
    }
    ObjectNode v = Json.object().put("configuration", w.configuration()).put("webhook", w.name());
    v.set("patch", ops);
    v.put("patchType", "JSONPatch");
    into.add(PATCH + suffix(round, index), go(v), true);
  }

  /** That the call of {@code w} failed and was let pass ({@code failurePolicy: Ignore}). */
  static void failedOpen(AuditAnnotations into, int round, int index, Webhook w) {
    into.add((w.mutating() ? FAILED_OPEN_MUTATION : FAILED_OPEN_VALIDATING) + suffix(round, index), w.name());
  }

  /** Whether a patch has operations (kube annotates, and applies, none of an empty one). */
  static boolean hasOperations(JsonNode patch) {
    return patch != null && patch.isArray() && !patch.isEmpty();
  }

  private static String suffix(int round, int index) {
    return "round_" + round + "_index_" + index;
  }

  private static String go(JsonNode v) {
    try {
      return Json.GO.writeValueAsString(v);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
