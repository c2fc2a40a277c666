package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * AdmissionReviews: the request kube-apiserver posts to a webhook, in the first version of its
 * {@code admissionReviewVersions} that kube speaks ({@code admission.k8s.io/v1} or {@code v1beta1}, the
 * same fields), and the checks kube makes of the answer: a response; for v1 the request's uid, the
 * apiVersion and kind, a patch only from a mutating webhook and only with its patchType (v1beta1
 * answers were never checked so: any patch is a JSON patch). Pure.
 */
final class AdmissionReviews {

  static final String GROUP = "admission.k8s.io";
  static final List<String> VERSIONS = List.of("v1", "v1beta1");

  /**
   * What a webhook answered.
   *
   * @param allowed  whether the request may go on
   * @param status   the denial's Status (may be empty)
   * @param patch     a mutating webhook's patch, or null
   * @param patchType its type ({@code JSONPatch} the only one kube applies), "" without a patch
   * @param warnings  warnings for the client
   */
  record Answer(boolean allowed, JsonNode status, JsonNode patch, String patchType, List<String> warnings,
                Map<String, String> auditAnnotations) {
  }

  private AdmissionReviews() {
  }

  /**
   * The version of AdmissionReview a webhook gets: the first of its list that kube speaks.
   *
   * @throws IllegalArgumentException with kube's words when it names none
   */
  static String version(List<String> accepted) {
    return accepted.stream().filter(VERSIONS::contains).findFirst().orElseThrow(() -> new IllegalArgumentException(
        "webhook does not accept known AdmissionReview versions (v1, v1beta1)"));
  }

  /** The AdmissionReview of {@code version} sent for {@code a}, with the request's {@code uid}. */
  static ObjectNode request(AdmissionAttributes a, String uid, String version) {
    ObjectNode review = Json.object().put("apiVersion", GROUP + "/" + version).put("kind", "AdmissionReview");
    ObjectNode r = review.putObject("request");
    r.put("uid", uid);
    // a subresource of another kind (a Scale, a Binding, a CONNECT's options) is that kind in both places, as kube's
    // attributes carry the endpoint's kind
    AdmissionAttributes.ObjectKind own = a.objectKind();
    r.set("kind", own != null ? gvk(own.group(), own.version(), own.kind())
        : gvk(a.type().group(), a.type().version(), a.type().kind()));
    r.set("resource", gvr(a.type().group(), a.type().version(), a.type().plural()));
    if (!a.subresource().isEmpty()) {
      r.put("subResource", a.subresource());
    }
    r.set("requestKind", own != null ? gvk(own.group(), own.version(), own.kind())
        : gvk(a.requestGroup(), a.requestVersion(), a.type().kind()));
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
    a.user().putExtra(user);
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
   * Reads a webhook's answer to the request {@code uid} of {@code version}.
   *
   * @throws IllegalArgumentException with kube's words when the answer is not a valid response
   */
  static Answer answer(JsonNode review, String uid, boolean mutating, String version) {
    JsonNode response = review.get("response");
    if (response == null || !response.isObject()) {
      throw new IllegalArgumentException("webhook response was absent");
    }
    String encoded = response.path("patch").asText("");
    boolean hasPatchType = response.hasNonNull("patchType");
    if (version.equals("v1")) {
      String got = response.path("uid").asText("");
      if (!uid.equals(got)) {
        throw new IllegalArgumentException("expected response.uid=\"" + uid + "\", got \"" + got + "\"");
      }
      String apiVersion = review.path("apiVersion").asText("");
      String kind = review.path("kind").asText("");
      if (!(GROUP + "/v1").equals(apiVersion) || !"AdmissionReview".equals(kind)) {
        throw new IllegalArgumentException("expected webhook response of " + GROUP + "/v1, Kind=AdmissionReview, got "
            + (apiVersion.contains("/") ? apiVersion : "/" + apiVersion) + ", Kind=" + kind);
      }
      if (mutating && !encoded.isEmpty() && !hasPatchType) {
        throw new IllegalArgumentException("webhook returned response.patch but not response.patchType");
      }
      if (mutating && encoded.isEmpty() && hasPatchType) {
        throw new IllegalArgumentException("webhook returned response.patchType but not response.patch");
      }
      if (!mutating && !encoded.isEmpty()) {
        throw new IllegalArgumentException("validating webhook may not return response.patch");
      }
      if (!mutating && hasPatchType) {
        throw new IllegalArgumentException("validating webhook may not return response.patchType");
      }
    }
    JsonNode patch = null;
    if (mutating && !encoded.isEmpty()) {
      try {
        patch = Json.MAPPER.readTree(Base64.getDecoder().decode(encoded));
      } catch (Exception e) {
        throw new IllegalArgumentException("the response.patch is not a JSON patch: " + e.getMessage());
      }
    }
    String patchType = patch == null ? "" : version.equals("v1") ? response.path("patchType").asText("") : "JSONPatch";
    List<String> warnings = new ArrayList<>();
    response.path("warnings").forEach(w -> warnings.add(w.asText()));
    Map<String, String> annotations = new LinkedHashMap<>();
    response.path("auditAnnotations").fields().forEachRemaining(f -> annotations.put(f.getKey(), f.getValue().asText()));
    return new Answer(response.path("allowed").asBoolean(false), response.path("status"), patch, patchType, warnings,
        annotations);
  }
}
