package io.dekube.apiserver.conversion;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;

/**
 * extensions/v1beta1 Ingress ↔ networking.k8s.io/v1: {@code spec.backend} ↔ {@code spec.defaultBackend};
 * a backend's {@code serviceName}/{@code servicePort} ↔ {@code service.name} and
 * {@code service.port.number} (an int port) or {@code service.port.name} (a named port); paths without
 * a {@code pathType} get ImplementationSpecific, as the old version defaulted.
 */
final class IngressConversion implements LegacyConverter {

  @Override
  public ObjectNode toStored(ObjectNode legacy, String legacyApiVersion, String storedApiVersion) {
    ObjectNode obj = legacy.deepCopy();
    obj.put("apiVersion", storedApiVersion);
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return obj;
    }
    JsonNode backend = spec.remove("backend");
    if (backend instanceof ObjectNode b) {
      spec.set("defaultBackend", backendToV1(b));
    }
    for (JsonNode rule : spec.path("rules")) {
      for (JsonNode path : rule.path("http").path("paths")) {
        if (path instanceof ObjectNode p) {
          if (!p.hasNonNull("pathType")) {
            p.put("pathType", "ImplementationSpecific");
          }
          if (p.get("backend") instanceof ObjectNode b) {
            p.set("backend", backendToV1(b));
          }
        }
      }
    }
    return obj;
  }

  @Override
  public ObjectNode fromStored(ObjectNode stored, String legacyApiVersion) {
    ObjectNode obj = stored.deepCopy();
    obj.put("apiVersion", legacyApiVersion);
    if (!(obj.get("spec") instanceof ObjectNode spec)) {
      return obj;
    }
    JsonNode backend = spec.remove("defaultBackend");
    if (backend instanceof ObjectNode b) {
      spec.set("backend", backendToV1beta1(b));
    }
    for (JsonNode rule : spec.path("rules")) {
      for (JsonNode path : rule.path("http").path("paths")) {
        if (path instanceof ObjectNode p && p.get("backend") instanceof ObjectNode b) {
          p.set("backend", backendToV1beta1(b));
        }
      }
    }
    return obj;
  }

  static ObjectNode backendToV1(ObjectNode old) {
    ObjectNode out = Json.object();
    if (old.has("serviceName") || old.has("servicePort")) {
      ObjectNode service = out.putObject("service");
      service.put("name", old.path("serviceName").asText(""));
      ObjectNode port = service.putObject("port");
      JsonNode sp = old.get("servicePort");
      if (sp != null && sp.isNumber()) {
        port.put("number", sp.asInt());
      } else if (sp != null && sp.isTextual() && sp.asText().matches("\\d+")) {
        port.put("number", Integer.parseInt(sp.asText()));
      } else if (sp != null && sp.isTextual()) {
        port.put("name", sp.asText());
      }
    }
    if (old.has("resource")) {
      out.set("resource", old.get("resource"));
    }
    return out;
  }

  static ObjectNode backendToV1beta1(ObjectNode v1) {
    ObjectNode out = Json.object();
    JsonNode service = v1.get("service");
    if (service != null) {
      out.put("serviceName", service.path("name").asText(""));
      JsonNode port = service.path("port");
      if (port.has("number")) {
        out.put("servicePort", port.get("number").asInt());
      } else if (port.has("name")) {
        out.put("servicePort", port.get("name").asText());
      }
    }
    if (v1.has("resource")) {
      out.set("resource", v1.get("resource"));
    }
    return out;
  }
}
