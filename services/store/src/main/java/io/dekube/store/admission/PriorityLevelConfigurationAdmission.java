package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * PriorityLevelConfigurations ({@code flowcontrol.apiserver.k8s.io/v1}), as kube's v1 defaults and
 * {@code ValidatePriorityLevelConfiguration}: type {@code Exempt} exactly for the one named
 * {@code exempt}, a {@code Limited} level has {@code limited} (nominalConcurrencyShares defaults to
 * 30, lendablePercent to 0; Queue responses default to 64 queues, hand size 8, queue length 50) and no
 * {@code exempt}; shares, percentages, queues and hand size within kube's bounds. Stored only: dekube
 * queues no request by them. Pure.
 */
final class PriorityLevelConfigurationAdmission implements KindAdmission {

  static final List<String> TYPES = List.of("Exempt", "Limited");
  static final List<String> RESPONSES = List.of("Queue", "Reject");

  @Override
  public void defaults(ObjectNode plc, ObjectNode old) {
    ObjectNode spec = Nodes.obj(plc, "spec");
    if (spec.get("limited") instanceof ObjectNode limited) {
      Nodes.defaultInt(limited, "nominalConcurrencyShares", 30);
      Nodes.defaultInt(limited, "lendablePercent", 0);
      if (limited.get("limitResponse") instanceof ObjectNode response
          && response.path("type").asText("").equals("Queue")) {
        ObjectNode queuing = Nodes.obj(response, "queuing");
        Nodes.defaultInt(queuing, "queues", 64);
        Nodes.defaultInt(queuing, "handSize", 8);
        Nodes.defaultInt(queuing, "queueLengthLimit", 50);
      }
    }
    if (spec.get("exempt") instanceof ObjectNode exempt) {
      Nodes.defaultInt(exempt, "nominalConcurrencyShares", 0);
      Nodes.defaultInt(exempt, "lendablePercent", 0);
    }
  }

  @Override
  public void validate(ObjectNode plc, ObjectNode old, FieldErrors errs) {
    JsonNode spec = plc.path("spec");
    String name = plc.path("metadata").path("name").asText("");
    String type = spec.path("type").asText("");
    if (!TYPES.contains(type)) {
      errs.notSupported("spec.type", spec.path("type"), TYPES);
    } else if (type.equals("Exempt") != name.equals("exempt")) {
      errs.invalid("spec.type", type, "type must be 'Exempt' if and only if name is 'exempt'");
    }
    if (type.equals("Limited")) {
      if (spec.has("exempt") && !spec.get("exempt").isNull()) {
        errs.forbidden("spec.exempt", "must be nil if the type is Limited");
      }
      if (!spec.path("limited").isObject()) {
        errs.required("spec.limited", "must not be empty when type is Limited");
      } else {
        limited(spec.get("limited"), errs);
      }
    } else if (type.equals("Exempt")) {
      if (spec.has("limited") && !spec.get("limited").isNull()) {
        errs.forbidden("spec.limited", "must be nil if the type is not Limited");
      }
      JsonNode exempt = spec.path("exempt");
      nonNegative(exempt.path("nominalConcurrencyShares"), "spec.exempt.nominalConcurrencyShares", errs);
      percent(exempt.path("lendablePercent"), "spec.exempt.lendablePercent", errs);
    }
  }

  private static void limited(JsonNode limited, FieldErrors errs) {
    nonNegative(limited.path("nominalConcurrencyShares"), "spec.limited.nominalConcurrencyShares", errs);
    percent(limited.path("lendablePercent"), "spec.limited.lendablePercent", errs);
    JsonNode borrowing = limited.path("borrowingLimitPercent");
    if (borrowing.isNumber() && borrowing.asLong() < 0) {
      errs.invalid("spec.limited.borrowingLimitPercent", borrowing, "if specified, must be a non-negative integer");
    }
    JsonNode response = limited.path("limitResponse");
    String type = response.path("type").asText("");
    if (!RESPONSES.contains(type)) {
      errs.notSupported("spec.limited.limitResponse.type", response.path("type"), RESPONSES);
      return;
    }
    JsonNode queuing = response.path("queuing");
    if (type.equals("Reject")) {
      if (queuing.isObject()) {
        errs.forbidden("spec.limited.limitResponse.queuing", "must be nil if limited.limitResponse.type is not Limited");
      }
      return;
    }
    if (!queuing.isObject()) {
      errs.required("spec.limited.limitResponse.queuing", "must not be empty if limited.limitResponse.type is Queue");
      return;
    }
    String at = "spec.limited.limitResponse.queuing";
    int queues = queuing.path("queues").asInt(0);
    int handSize = queuing.path("handSize").asInt(0);
    if (queuing.path("queueLengthLimit").asInt(0) <= 0) {
      errs.invalid(at + ".queueLengthLimit", queuing.path("queueLengthLimit"), "must be positive");
    }
    if (queues <= 0) {
      errs.invalid(at + ".queues", queuing.path("queues"), "must be positive");
    } else if (queues > 1 && handSize > queues) {
      errs.invalid(at + ".handSize", queuing.path("handSize"),
          "should not be greater than queues (" + queues + ")");
    }
    if (handSize <= 0) {
      errs.invalid(at + ".handSize", queuing.path("handSize"), "must be positive");
    }
  }

  private static void nonNegative(JsonNode v, String path, FieldErrors errs) {
    if (v.isNumber() && v.asLong() < 0) {
      errs.invalid(path, v, "must be a non-negative integer");
    }
  }

  private static void percent(JsonNode v, String path, FieldErrors errs) {
    if (v.isNumber() && (v.asLong() < 0 || v.asLong() > 100)) {
      errs.invalid(path, v, "must be between 0 and 100, inclusive");
    }
  }
}
