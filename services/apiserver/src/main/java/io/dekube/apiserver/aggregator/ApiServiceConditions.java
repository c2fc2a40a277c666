package io.dekube.apiserver.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.time.Instant;

/** The {@code Available} condition of an APIService: building it and replacing it in a status. Pure. */
public final class ApiServiceConditions {

  private ApiServiceConditions() {
  }

  /** An {@code Available} condition. */
  public static ObjectNode available(boolean available, String reason, String message, Instant now) {
    return Json.object().put("type", "Available").put("status", available ? "True" : "False")
        .put("lastTransitionTime", LocalApiServices.time(now)).put("reason", reason).put("message", message);
  }

  /** The current {@code Available} condition of {@code api}, or null. */
  public static JsonNode current(JsonNode api) {
    for (JsonNode c : api.path("status").path("conditions")) {
      if ("Available".equals(c.path("type").asText())) {
        return c;
      }
    }
    return null;
  }

  /**
   * Whether {@code wanted} says something other than the current condition (status, reason or
   * message); the transition time is not compared.
   */
  public static boolean differs(JsonNode api, ObjectNode wanted) {
    JsonNode cur = current(api);
    return cur == null || !cur.path("status").equals(wanted.path("status"))
        || !cur.path("reason").equals(wanted.path("reason")) || !cur.path("message").equals(wanted.path("message"));
  }

  /**
   * A copy of {@code api} with {@code wanted} as its {@code Available} condition; the old transition
   * time is kept when the status did not change, as kube's SetAPIServiceCondition does.
   */
  public static ObjectNode withCondition(ObjectNode api, ObjectNode wanted) {
    ObjectNode copy = api.deepCopy();
    JsonNode cur = current(api);
    ObjectNode condition = wanted.deepCopy();
    if (cur != null && cur.path("status").equals(wanted.path("status")) && cur.has("lastTransitionTime")) {
      condition.set("lastTransitionTime", cur.get("lastTransitionTime"));
    }
    ArrayNode conditions = Json.child(copy, "status").putArray("conditions");
    for (JsonNode c : api.path("status").path("conditions")) {
      if (!"Available".equals(c.path("type").asText())) {
        conditions.add(c);
      }
    }
    conditions.add(condition);
    return copy;
  }
}
