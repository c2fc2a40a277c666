package io.dekube.apiserver.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * {@code admission.k8s.io/v1} AdmissionReviews: the request kube-apiserver posts to a webhook, and
 * the checks kube makes of the answer (its apiVersion and kind, a response with the request's uid, a
 * {@code JSONPatch} patch only). Pure.
 */
final class AdmissionReviews {

  static final String API_VERSION = "admission.k8s.io/v1";

  /**
   * What a webhook answered.
   *
   * @param allowed  whether the request may go on
   * @param status   the denial's Status (may be empty)
   * @param patch    a mutating webhook's JSON patch, or null
   * @param warnings warnings for the client
   */
  record Answer(boolean allowed, JsonNode status, JsonNode patch, List<String> warnings) {
  }

  private AdmissionReviews() {
  }

  /** The AdmissionReview sent for {@code a}, with the request's {@code uid}. */
  static ObjectNode request(AdmissionAttributes a, String uid) {
    ObjectNode review = Json.object().put("apiVersion", API_VERSION).put("kind", "AdmissionReview");
    ObjectNode r = review.putObject("request");
    r.put("uid", uid);
    r.set("kind", gvk(a.type().group(), a.type().version(), a.type().kind()));
    r.set("resource", gvr(a.type().group(), a.type().version(), a.type().plural()));
    if (!a.subresource().isEmpty()) {
      r.put("subResource", a.subresource());
    }
    r.set("requestKind", gvk(a.requestGroup(), a.requestVersion(), a.type().kind()));
    r.set("requestResource", gvr(a.requestGroup(), a.requestVersion(), a.type().plural()));
    if (!a.subresource().isEmpty()) {
      r.put("requestSubResource", a.subresource());
    }
    if (!a.name().isEmpty()) {
      r.put("name", a.name());
    }
    if (!a.namespace().isEmpty()) {
      r.put("namespace", a.namespace());
    }
    r.put("operation", a.operation());
    ObjectNode user = r.putObject("userInfo").put("username", a.user().name());
    if (!a.user().uid().isEmpty()) {
      user.put("uid", a.user().uid());
    }
    ArrayNode groups = user.putArray("groups");
    a.user().groups().forEach(groups::add);
    r.set("object", a.object() == null ? Json.MAPPER.nullNode() : a.object());
    r.set("oldObject", a.oldObject() == null ? Json.MAPPER.nullNode() : a.oldObject());
    r.put("dryRun", a.dryRun());
    if (a.options() != null) {
      r.set("options", a.options());
    }
    return review;
  }

  private static ObjectNode gvk(String group, String version, String kind) {
    return Json.object().put("group", group).put("version", version).put("kind", kind);
  }

  private static ObjectNode gvr(String group, String version, String resource) {
    return Json.object().put("group", group).put("version", version).put("resource", resource);
  }

  /**
   * Reads a webhook's answer to the request {@code uid}.
   *
   * @throws IllegalArgumentException with kube's words when the answer is not a valid response
   */
  static Answer answer(JsonNode review, String uid, boolean mutating) {
    String apiVersion = review.path("apiVersion").asText("");
    String kind = review.path("kind").asText("");
    if (!API_VERSION.equals(apiVersion) || !"AdmissionReview".equals(kind)) {
      throw new IllegalArgumentException("expected webhook response of " + API_VERSION + ", Kind=AdmissionReview, got "
          + apiVersion + ", Kind=" + kind);
    }
    JsonNode response = review.get("response");
    if (response == null || !response.isObject()) {
      throw new IllegalArgumentException("webhook response was absent");
    }
    String got = response.path("uid").asText("");
    if (!uid.equals(got)) {
      throw new IllegalArgumentException("expected response.uid=\"" + uid + "\", got \"" + got + "\"");
    }
    JsonNode patch = null;
    String encoded = response.path("patch").asText("");
    if (mutating && !encoded.isEmpty()) {
      String patchType = response.path("patchType").asText("");
      if (patchType.isEmpty()) {
        throw new IllegalArgumentException("webhook returned response.patch but not response.patchType");
      }
      if (!patchType.equals("JSONPatch")) {
        throw new IllegalArgumentException("webhook returned invalid response.patchType of \"" + patchType + "\"");
      }
      try {
        patch = Json.MAPPER.readTree(Base64.getDecoder().decode(encoded));
      } catch (Exception e) {
        throw new IllegalArgumentException("the response.patch is not a JSON patch: " + e.getMessage());
      }
    }
    List<String> warnings = new ArrayList<>();
    response.path("warnings").forEach(w -> warnings.add(w.asText()));
    return new Answer(response.path("allowed").asBoolean(false), response.path("status"), patch, warnings);
  }
}
