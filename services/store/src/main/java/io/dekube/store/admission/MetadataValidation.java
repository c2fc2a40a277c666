package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;

/** Checks of {@code metadata} shared by every kind: label keys and values, annotation keys and size. Pure. */
public final class MetadataValidation {

  static final int TOTAL_ANNOTATION_SIZE = 256 * 1024;

  private MetadataValidation() {
  }

  static void validate(ObjectNode obj, FieldErrors errs) {
    labelsAndAnnotations(obj.path("metadata"), "metadata", errs);
  }

  /** The labels and annotations of metadata at {@code path} (an object's, or a template's: ValidateTemplateObjectMeta). */
  static void labelsAndAnnotations(JsonNode meta, String path, FieldErrors errs) {
    labels(meta.get("labels"), path + ".labels", errs);
    JsonNode annotations = meta.get("annotations");
    if (annotations instanceof ObjectNode a) {
      long size = 0;
      var it = a.fields();
      while (it.hasNext()) {
        var e = it.next();
        String key = e.getKey();
        Validators.qualifiedName(key.toLowerCase()).forEach(m -> errs.invalid(path + ".annotations", key, m));
        size += key.getBytes(StandardCharsets.UTF_8).length + e.getValue().asText().getBytes(StandardCharsets.UTF_8).length;
      }
      if (size > TOTAL_ANNOTATION_SIZE) {
        errs.tooLong(path + ".annotations", TOTAL_ANNOTATION_SIZE);
      }
    }
  }

  /**
   * kube's {@code ValidateLabels} or {@code ValidateAnnotations} of one map as an aggregate error
   * ({@code a: ...} alone, {@code [a: ..., b: ...]} for several), null when valid: what a CRD conversion webhook's
   * labels and annotations must pass.
   *
   * @param annotations whether {@code map} holds annotations (else labels)
   * @param path        the field path kube names
   */
  public static String problem(JsonNode map, boolean annotations, String path) {
    FieldErrors errs = new FieldErrors();
    if (annotations) {
      ObjectNode meta = Json.object();
      meta.set("annotations", map);
      labelsAndAnnotations(meta, "", errs);
    } else {
      labels(map, path, errs);
    }
    java.util.List<String> messages = errs.all().stream()
        .map(e -> annotations ? path + e.field().substring(".annotations".length()) + ": " + e.body() : e.message())
        .toList();
    return messages.isEmpty() ? null : messages.size() == 1 ? messages.get(0)
        : "[" + String.join(", ", messages) + "]";
  }

  /** Validates a label map (metadata.labels, a selector's matchLabels, a service selector). */
  static void labels(JsonNode labels, String path, FieldErrors errs) {
    if (!(labels instanceof ObjectNode l)) {
      return;
    }
    var it = l.fields();
    while (it.hasNext()) {
      var e = it.next();
      String key = e.getKey();
      Validators.qualifiedName(key).forEach(m -> errs.invalid(path, key, m));
      String value = e.getValue().isNull() ? "" : e.getValue().asText();
      Validators.labelValue(value).forEach(m -> errs.invalid(path, value, m));
    }
  }
}
