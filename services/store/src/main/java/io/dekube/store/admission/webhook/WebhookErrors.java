package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import io.dekube.core.model.StatusException;

/** kube's answers for a webhook that failed or denied (its {@code webhookerrors}). Pure. */
final class WebhookErrors {

  private WebhookErrors() {
  }

  /** kube's 500 for a webhook that could not be asked (failurePolicy Fail). */
  static StatusException callFailed(Webhook w, String why) {
    return internal("failed calling webhook \"" + w.name() + "\": " + why);
  }

  /** kube's {@code apierrors.NewInternalError}: 500, {@code Internal error occurred: <error>}, the error as cause. */
  static StatusException internal(String error) {
    ObjectNode details = Json.object();
    details.putArray("causes").addObject().put("message", error);
    return new StatusException(500, "InternalError", "Internal error occurred: " + error, details);
  }

  /** kube's answer to a denial: the webhook's Status, its message prefixed with the webhook's name. */
  static StatusException denied(Webhook w, JsonNode status) {
    int code = status.path("code").asInt(0);
    String reason = status.path("reason").asText("");
    String message = status.path("message").asText("");
    String deniedBy = "admission webhook \"" + w.name() + "\" denied the request";
    String text = !message.isEmpty() ? deniedBy + ": " + message
        : !reason.isEmpty() ? deniedBy + ": " + reason : deniedBy + " without explanation";
    ObjectNode details = status.get("details") instanceof ObjectNode d ? d.deepCopy() : null;
    return new StatusException(code < 400 ? 400 : code, reason, text, details);
  }
}
