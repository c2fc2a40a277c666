package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * events.k8s.io/v1 Event ↔ the stored core/v1 Event, as kube serves one Event under both groups (both
 * convert to the same internal type): {@code regarding} ↔ {@code involvedObject}, {@code note} ↔
 * {@code message}, {@code reportingController} ↔ {@code reportingComponent}, {@code deprecatedSource} ↔
 * {@code source}, {@code deprecatedFirstTimestamp}/{@code deprecatedLastTimestamp}/{@code deprecatedCount}
 * ↔ {@code firstTimestamp}/{@code lastTimestamp}/{@code count}; the other fields (eventTime, series,
 * reportingInstance, action, reason, related, type) keep their names. Pure; works on copies.
 */
public final class EventConversion implements LegacyConverter {

  /** events.k8s.io/v1 name → core/v1 name. */
  private static final Map<String, String> RENAMED = Map.of(
      "regarding", "involvedObject",
      "note", "message",
      "reportingController", "reportingComponent",
      "deprecatedSource", "source",
      "deprecatedFirstTimestamp", "firstTimestamp",
      "deprecatedLastTimestamp", "lastTimestamp",
      "deprecatedCount", "count");

  @Override
  public ObjectNode toStored(ObjectNode legacy, String legacyApiVersion, String storedApiVersion) {
    ObjectNode obj = legacy.deepCopy();
    obj.put("apiVersion", storedApiVersion);
    RENAMED.forEach((from, to) -> move(obj, from, to));
    return obj;
  }

  @Override
  public ObjectNode fromStored(ObjectNode stored, String legacyApiVersion) {
    ObjectNode obj = stored.deepCopy();
    obj.put("apiVersion", legacyApiVersion);
    RENAMED.forEach((to, from) -> move(obj, from, to));
    return obj;
  }

  /** The events.k8s.io/v1 field names and the core/v1 names they are stored under. */
  public static Map<String, String> renamedFields() {
    return RENAMED;
  }

  /** The stored (core/v1) shape of an Event in either version, for what reads core fields (its table). */
  public static ObjectNode asCore(ObjectNode event) {
    return event.has("regarding") || event.has("note") || event.has("reportingController")
        ? new EventConversion().toStored(event, "events.k8s.io/v1", "v1") : event;
  }

  private static void move(ObjectNode obj, String from, String to) {
    JsonNode v = obj.remove(from);
    if (v != null && !v.isNull()) {
      obj.set(to, v);
    }
  }
}
