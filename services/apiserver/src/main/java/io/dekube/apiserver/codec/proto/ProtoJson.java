package io.dekube.apiserver.codec.proto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import io.dekube.core.model.Json;
import java.io.IOException;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns a decoded Kubernetes protobuf message into the JSON object kube would serialize: field names
 * as in the API (the generated proto names are the JSON names), {@code Time} as RFC 3339,
 * {@code IntOrString}, {@code Quantity}, raw extensions, maps and bytes (base64). Go writes every
 * non-pointer field, zero or not; like its {@code omitempty} JSON, zero scalars are left out except for
 * the pointer fields where zero means something ({@code replicas: 0}). Pure.
 */
final class ProtoJson {

  private static final JsonNodeFactory NODES = Json.MAPPER.getNodeFactory();
  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";

  /** Pointer fields whose zero value is meaningful and must survive the round trip. */
  static final Set<String> KEEP_ZERO = Set.of("replicas", "revisionHistoryLimit", "progressDeadlineSeconds",
      "terminationGracePeriodSeconds", "activeDeadlineSeconds", "automountServiceAccountToken", "enableServiceLinks",
      "optional", "immutable", "storageClassName", "ingressClassName", "allowPrivilegeEscalation", "privileged",
      "runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "defaultMode", "mode", "tolerationSeconds",
      "backoffLimit", "parallelism", "completions", "suspend", "ttlSecondsAfterFinished", "partition",
      "allocateLoadBalancerNodePorts", "readOnlyRootFilesystem", "shareProcessNamespace", "hostUsers",
      "setHostnameAsFQDN", "priority", "deletionGracePeriodSeconds", "controller", "blockOwnerDeletion");

  private ProtoJson() {
  }

  static ObjectNode object(Message m) {
    ObjectNode out = Json.object();
    for (Map.Entry<FieldDescriptor, Object> e : m.getAllFields().entrySet()) {
      FieldDescriptor f = e.getKey();
      JsonNode value = f.isMapField() ? map(f, e.getValue())
          : f.isRepeated() ? list(f, (List<?>) e.getValue()) : value(f, e.getValue());
      if (value == null || (f.isRepeated() && value.isEmpty())) {
        continue;
      }
      if (ProtoMessages.inline(f) && value instanceof ObjectNode embedded) {
        out.setAll(embedded);
        continue;
      }
      out.set(jsonName(m.getDescriptorForType(), f), value);
    }
    return out;
  }

  private static final java.util.Set<String> LOWER_CASED = java.util.Set.of("ValidatingWebhookConfiguration.Webhooks",
      "MutatingWebhookConfiguration.Webhooks", "Validation.Expression", "Variable.Name", "Variable.Expression");

  /**
   * The JSON name of a message's field: the proto name, except BoundObjectReference's {@code uID}
   * ({@code uid}), JSONSchemaProps' {@code $ref}, {@code $schema} and {@code x-kubernetes-*}, and the few admissionregistration fields kube's
   * protos name after the Go field ({@code Webhooks}), whose JSON names start lower-case (others, as
   * DaemonEndpoint's {@code Port}, are upper-case in JSON too).
   */
  static String jsonName(Descriptor owner, FieldDescriptor f) {
    String n = f.getName();
    if (owner.getName().equals("BoundObjectReference") && n.equals("uID")) {
      return "uid"; // a TokenRequest's spec.boundObjectRef.uid (kubectl create token --bound-object-uid)
    }
    if (LOWER_CASED.contains(owner.getName() + "." + n)) {
      return Character.toLowerCase(n.charAt(0)) + n.substring(1);
    }
    if (owner.getName().equals("JSONSchemaProps")) {
      if (n.equals("ref") || n.equals("schema")) {
        return "$" + n;
      }
      if (n.startsWith("xKubernetes")) {
        return "x-kubernetes" + n.substring("xKubernetes".length()).replaceAll("([A-Z])", "-$1").toLowerCase();
      }
    }
    return n;
  }

  private static JsonNode map(FieldDescriptor f, Object value) {
    ObjectNode out = Json.object();
    Descriptor entry = f.getMessageType();
    FieldDescriptor key = entry.findFieldByName("key");
    FieldDescriptor val = entry.findFieldByName("value");
    for (Object o : (List<?>) value) {
      Message m = (Message) o;
      JsonNode v = element(val, m.getField(val));
      out.set(String.valueOf(m.getField(key)), v == null ? NODES.textNode("") : v);
    }
    return out;
  }

  private static JsonNode list(FieldDescriptor f, List<?> values) {
    ArrayNode out = Json.MAPPER.createArrayNode();
    for (Object v : values) {
      JsonNode n = element(f, v);
      out.add(n == null ? Json.object() : n);
    }
    return out;
  }

  /** A singular field's value, or null when Go's JSON would leave it out. */
  private static JsonNode value(FieldDescriptor f, Object v) {
    JsonNode n = element(f, v);
    if (n == null) {
      return null;
    }
    if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE && isZero(n) && !KEEP_ZERO.contains(f.getName())) {
      return null;
    }
    return n;
  }

  private static boolean isZero(JsonNode n) {
    return (n.isTextual() && n.asText().isEmpty()) || (n.isNumber() && n.asDouble() == 0)
        || (n.isBoolean() && !n.asBoolean());
  }

  /** A value without zero-elision (list elements and map values keep zeros). */
  private static JsonNode element(FieldDescriptor f, Object v) {
    return switch (f.getJavaType()) {
      case STRING -> NODES.textNode((String) v);
      case INT -> NODES.numberNode((Integer) v);
      case LONG -> NODES.numberNode((Long) v);
      case BOOLEAN -> NODES.booleanNode((Boolean) v);
      case DOUBLE -> NODES.numberNode((Double) v);
      case FLOAT -> NODES.numberNode((Float) v);
      case BYTE_STRING -> NODES.textNode(Base64.getEncoder().encodeToString(((ByteString) v).toByteArray()));
      case ENUM -> NODES.textNode(v.toString());
      case MESSAGE -> message((Message) v);
    };
  }

  /** Messages with a JSON form of their own, else a plain object. */
  private static JsonNode message(Message m) {
    String type = m.getDescriptorForType().getFullName();
    switch (type) {
      case META + "Time", META + "MicroTime" -> {
        return time(m, type.endsWith("MicroTime"));
      }
      case META + "Duration" -> {
        return NODES.textNode(goDuration(longField(m, "duration")));
      }
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> {
        return longField(m, "type") == 1 ? NODES.textNode(stringField(m, "strVal"))
            : NODES.numberNode((int) longField(m, "intVal"));
      }
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" -> {
        return NODES.textNode(stringField(m, "string"));
      }
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META + "FieldsV1",
           "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSON" -> {
        return raw(m);
      }
      default -> {
        return object(m);
      }
    }
  }

  private static JsonNode time(Message m, boolean micro) {
    long seconds = longField(m, "seconds");
    long nanos = longField(m, "nanos");
    if (seconds == 0 && nanos == 0) {
      return null;
    }
    Instant t = Instant.ofEpochSecond(seconds, nanos);
    if (micro) {
      return NODES.textNode(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSX")
          .withZone(java.time.ZoneOffset.UTC).format(t.truncatedTo(ChronoUnit.MICROS)));
    }
    return NODES.textNode(DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS)));
  }

  private static JsonNode raw(Message m) {
    FieldDescriptor f = m.getDescriptorForType().getFields().get(0);
    ByteString bytes = (ByteString) m.getField(f);
    if (bytes.isEmpty()) {
      return null;
    }
    try {
      return Json.MAPPER.readTree(bytes.toByteArray());
    } catch (IOException e) {
      return NODES.textNode(bytes.toStringUtf8());
    }
  }

  private static long longField(Message m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    return f == null ? 0 : ((Number) m.getField(f)).longValue();
  }

  private static String stringField(Message m, String name) {
    FieldDescriptor f = m.getDescriptorForType().findFieldByName(name);
    return f == null ? "" : String.valueOf(m.getField(f));
  }

  /** Go's {@code time.Duration.String()} for whole units: {@code 1h0m0s}, {@code 30s}, {@code 1.5s}. */
  static String goDuration(long nanos) {
    if (nanos == 0) {
      return "0s";
    }
    long s = nanos / 1_000_000_000L;
    long rest = nanos % 1_000_000_000L;
    String secs = rest == 0 ? String.valueOf(s % 60)
        : java.math.BigDecimal.valueOf(nanos % 60_000_000_000L, 9).stripTrailingZeros().toPlainString();
    long h = s / 3600;
    long m = (s % 3600) / 60;
    if (h > 0) {
      return h + "h" + m + "m" + secs + "s";
    }
    if (m > 0) {
      return m + "m" + secs + "s";
    }
    return secs + "s";
  }
}
