package io.dekube.apiserver.codec.proto;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.DynamicMessage;
import io.dekube.core.model.Json;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The reverse of {@link ProtoJson}: builds the Kubernetes protobuf message of a JSON object from
 * its descriptor — API field names, {@code Time} from RFC 3339, {@code IntOrString},
 * {@code Quantity}, raw extensions, maps and bytes (base64). JSON fields the message does not have
 * are left out, as Go's protobuf marshalling of the typed object would never see them. Pure.
 */
final class ProtoMessages {

  private static final String META = "k8s.io.apimachinery.pkg.apis.meta.v1.";
  private static final Pattern DURATION = Pattern.compile("([0-9.]+)(h|m|s|ms|us|µs|ns)");

  private ProtoMessages() {
  }

  /** Go structs embedded with {@code json:",inline"}: a field of the message, but their fields sit in the parent's JSON. */
  static final java.util.Set<String> INLINE = java.util.Set.of("VolumeSource", "PersistentVolumeSource",
      "EphemeralContainerCommon", "LocalObjectReference", "ProbeHandler", "IngressRuleValue", "Rule",
      "RuleWithOperations");

  /** Whether a field holds an embedded ({@code json:",inline"}) struct: its name is its type's, lower-cased first. */
  static boolean inline(FieldDescriptor f) {
    if (f.getJavaType() != FieldDescriptor.JavaType.MESSAGE || f.isRepeated()
        || !INLINE.contains(f.getMessageType().getName())) {
      return false;
    }
    String type = f.getMessageType().getName();
    return f.getName().equals(Character.toLowerCase(type.charAt(0)) + type.substring(1))
        || f.getName().equals("handler") && type.equals("ProbeHandler");
  }

  static DynamicMessage message(Descriptor d, JsonNode json) {
    DynamicMessage.Builder b = DynamicMessage.newBuilder(d);
    for (FieldDescriptor f : d.getFields()) {
      JsonNode v = json.get(ProtoJson.jsonName(d, f));
      if ((v == null || v.isNull()) && inline(f)) {
        DynamicMessage embedded = message(f.getMessageType(), json);
        if (!embedded.getAllFields().isEmpty()) {
          b.setField(f, embedded);
        }
        continue;
      }
      if (v == null || v.isNull()) {
        continue;
      }
      if (f.isMapField()) {
        map(b, f, v);
      } else if (f.isRepeated()) {
        if (v.isArray()) {
          for (JsonNode e : v) {
            Object o = value(f, e);
            if (o != null) {
              b.addRepeatedField(f, o);
            }
          }
        }
      } else {
        Object o = value(f, v);
        if (o != null) {
          b.setField(f, o);
        }
      }
    }
    return b.build();
  }

  private static void map(DynamicMessage.Builder b, FieldDescriptor f, JsonNode v) {
    Descriptor entry = f.getMessageType();
    FieldDescriptor key = entry.findFieldByName("key");
    FieldDescriptor val = entry.findFieldByName("value");
    for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      DynamicMessage.Builder eb = DynamicMessage.newBuilder(entry).setField(key, e.getKey());
      Object o = e.getValue().isNull() ? null : value(val, e.getValue());
      if (o != null) {
        eb.setField(val, o);
      }
      b.addRepeatedField(f, eb.build());
    }
  }

  private static Object value(FieldDescriptor f, JsonNode v) {
    return switch (f.getJavaType()) {
      case STRING -> v.isTextual() ? v.asText() : v.toString();
      case INT -> v.asInt();
      case LONG -> v.asLong();
      case BOOLEAN -> v.asBoolean();
      case DOUBLE -> v.asDouble();
      case FLOAT -> (float) v.asDouble();
      case BYTE_STRING -> ByteString.copyFrom(Base64.getDecoder().decode(v.asText()));
      case ENUM -> f.getEnumType().findValueByName(v.asText());
      case MESSAGE -> special(f.getMessageType(), v);
    };
  }

  private static Object special(Descriptor d, JsonNode v) {
    String type = d.getFullName();
    return switch (type) {
      case META + "Time", META + "MicroTime" -> time(d, v);
      case META + "Duration" -> DynamicMessage.newBuilder(d).setField(d.findFieldByName("duration"),
          goDuration(v.asText())).build();
      case "k8s.io.apimachinery.pkg.util.intstr.IntOrString" -> v.isNumber()
          ? DynamicMessage.newBuilder(d).setField(d.findFieldByName("type"), 0L)
              .setField(d.findFieldByName("intVal"), v.asInt()).build()
          : DynamicMessage.newBuilder(d).setField(d.findFieldByName("type"), 1L)
              .setField(d.findFieldByName("strVal"), v.asText()).build();
      case "k8s.io.apimachinery.pkg.api.resource.Quantity" ->
          DynamicMessage.newBuilder(d).setField(d.findFieldByName("string"), v.isTextual() ? v.asText() : v.toString())
              .build();
      case "k8s.io.apimachinery.pkg.runtime.RawExtension", META + "FieldsV1",
           "k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1beta1.JSON" -> raw(d, v);
      default -> v.isObject() ? message(d, v) : null;
    };
  }

  private static Object time(Descriptor d, JsonNode v) {
    if (!v.isTextual() || v.asText().isEmpty()) {
      return null;
    }
    Instant t = OffsetDateTime.parse(v.asText()).toInstant();
    DynamicMessage.Builder b = DynamicMessage.newBuilder(d).setField(d.findFieldByName("seconds"), t.getEpochSecond());
    FieldDescriptor nanos = d.findFieldByName("nanos");
    if (nanos != null && t.getNano() != 0) {
      b.setField(nanos, t.getNano());
    }
    return b.build();
  }

  private static Object raw(Descriptor d, JsonNode v) {
    try {
      return DynamicMessage.newBuilder(d).setField(d.getFields().get(0),
          ByteString.copyFrom(Json.MAPPER.writeValueAsBytes(v))).build();
    } catch (JsonProcessingException e) {
      return null;
    }
  }

  /** Go's {@code time.ParseDuration} for the forms {@code time.Duration.String()} writes. */
  static long goDuration(String s) {
    long total = 0;
    Matcher m = DURATION.matcher(s);
    while (m.find()) {
      double n = Double.parseDouble(m.group(1));
      long unit = switch (m.group(2)) {
        case "h" -> 3_600_000_000_000L;
        case "m" -> 60_000_000_000L;
        case "s" -> 1_000_000_000L;
        case "ms" -> 1_000_000L;
        case "us", "µs" -> 1_000L;
        default -> 1L;
      };
      total += (long) (n * unit);
    }
    return s.startsWith("-") ? -total : total;
  }
}
