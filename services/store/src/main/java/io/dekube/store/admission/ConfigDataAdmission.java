package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.StatusException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * ConfigMaps and Secrets: valid data keys, no key in both {@code data} and {@code binaryData},
 * immutability, the 1 MiB size limit; Secrets default to type Opaque, fold {@code stringData} into
 * {@code data} (as kube's conversion does) and carry the keys their type requires.
 */
final class ConfigDataAdmission implements KindAdmission {

  static final int MAX_SIZE = 1024 * 1024;
  private final boolean secret;

  ConfigDataAdmission(boolean secret) {
    this.secret = secret;
  }

  @Override
  public void defaults(ObjectNode obj, ObjectNode old) {
    if (!secret) {
      return;
    }
    Nodes.defaultText(obj, "type", "Opaque");
    if (obj.get("stringData") instanceof ObjectNode stringData) {
      ObjectNode data = Nodes.obj(obj, "data");
      stringData.fields().forEachRemaining(e -> data.put(e.getKey(),
          Base64.getEncoder().encodeToString(e.getValue().asText().getBytes(StandardCharsets.UTF_8))));
      obj.remove("stringData");
    }
  }

  @Override
  public void validate(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    String kind = secret ? "Secret" : "ConfigMap";
    long size = keys(obj.get("data"), "data", errs, secret, kind);
    if (!secret) {
      size += keys(obj.get("binaryData"), "binaryData", errs, true, kind);
      JsonNode data = obj.path("data");
      obj.path("binaryData").fieldNames().forEachRemaining(k -> {
        if (data.has(k)) {
          errs.invalid("data[" + k + "]", k, "duplicate of key present in binaryData");
        }
      });
    }
    if (size > MAX_SIZE) {
      // kube's field path of the whole object, NewPath(""), prints as "[]"
      errs.tooLong(secret ? "data" : "[]", MAX_SIZE);
    }
    if (secret) {
      typeRequirements(obj, errs);
    }
    if (old != null) {
      transition(obj, old, errs);
    }
  }

  private static long keys(JsonNode data, String field, FieldErrors errs, boolean base64, String kind) {
    long size = 0;
    if (!(data instanceof ObjectNode o)) {
      return 0;
    }
    var it = o.fields();
    while (it.hasNext()) {
      var e = it.next();
      String key = e.getKey();
      Validators.configMapKey(key).forEach(m -> errs.invalid(field + "[" + key + "]", key, m));
      String value = e.getValue().asText();
      if (base64) {
        int corrupt = GoBase64.corruptAt(value);
        if (corrupt >= 0) {
          // kube refuses it while decoding the body, before any validation
          throw StatusException.badRequest(kind + " in version \"v1\" cannot be handled as a " + kind
              + ": illegal base64 data at input byte " + corrupt);
        }
        size += Base64.getDecoder().decode(value.replaceAll("[\r\n]", "")).length;
      } else {
        size += value.length();
      }
    }
    return size;
  }

  private static void typeRequirements(ObjectNode obj, FieldErrors errs) {
    String type = Nodes.text(obj, "type");
    JsonNode data = obj.path("data");
    switch (type) {
      case "kubernetes.io/tls" -> {
        for (String k : new String[] {"tls.crt", "tls.key"}) {
          if (!data.has(k)) {
            errs.required("data[" + k + "]");
          }
        }
      }
      case "kubernetes.io/dockerconfigjson" -> dockerConfig(data, ".dockerconfigjson", errs);
      case "kubernetes.io/dockercfg" -> dockerConfig(data, ".dockercfg", errs);
      case "kubernetes.io/basic-auth" -> {
        if (!data.has("username") && !data.has("password")) {
          errs.required("data[username]");
          errs.required("data[password]");
        }
      }
      case "kubernetes.io/ssh-auth" -> {
        if (data.path("ssh-privatekey").asText("").isEmpty()) {
          errs.required("data[ssh-privatekey]");
        }
      }
      case "kubernetes.io/service-account-token" -> {
        if (Nodes.text(obj.path("metadata").path("annotations"), "kubernetes.io/service-account.name").isEmpty()) {
          errs.required("metadata.annotations[kubernetes.io/service-account.name]");
        }
      }
      default -> { }
    }
  }

  /**
   * A docker configuration Secret's key must be there and be a JSON object, as kube checks it with Go's
   * {@code json.Unmarshal} ("Pull an Image from a Private Registry": {@code data[.dockerconfigjson]: invalid value}).
   */
  private static void dockerConfig(JsonNode data, String key, FieldErrors errs) {
    if (!data.has(key)) {
      errs.required("data[" + key + "]");
      return;
    }
    String value = data.path(key).asText();
    if (GoBase64.corruptAt(value) >= 0) {
      return; // refused while decoding (keys)
    }
    String error = GoJson.mapUnmarshalError(Base64.getDecoder().decode(value.replaceAll("[\r\n]", "")));
    if (error != null) {
      errs.invalid("data[" + key + "]", "<secret contents redacted>", error);
    }
  }

  private void transition(ObjectNode obj, ObjectNode old, FieldErrors errs) {
    if (secret && !Nodes.text(old, "type").equals(Nodes.text(obj, "type"))) {
      errs.invalid("type", obj.get("type"), "field is immutable");
    }
    if (old.path("immutable").asBoolean(false)) {
      if (!obj.path("immutable").asBoolean(false)) {
        errs.forbidden("immutable", "field is immutable when `immutable` is set");
      }
      for (String f : new String[] {"data", "binaryData"}) {
        if (!old.path(f).equals(obj.path(f))) {
          errs.forbidden(f, "field is immutable when `immutable` is set");
        }
      }
    }
  }
}
