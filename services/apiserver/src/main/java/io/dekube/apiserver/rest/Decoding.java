package io.dekube.apiserver.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.codec.BodyDecoder;
import io.dekube.apiserver.codec.FieldValidation;
import io.dekube.apiserver.codec.MediaTypes;
import io.dekube.apiserver.codec.TypedModels;
import io.dekube.core.crd.schema.SchemaPruner;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import java.util.List;

/**
 * Turns a request body into the stored form of an object: decode (JSON, YAML, protobuf), check
 * {@code kind}/{@code apiVersion} against the URL (filling them when absent, as kube's decoder
 * defaults them), convert from a legacy version, and check fields against the typed model
 * ({@code fieldValidation}). Pure apart from the codecs it calls.
 */
final class Decoding {

  /**
   * A decoded body.
   *
   * @param object   the object in the stored version, unknown fields dropped
   * @param warnings {@code fieldValidation=Warn} warnings to send
   */
  record Prepared(ObjectNode object, List<String> warnings) {
  }

  private Decoding() {
  }

  /**
   * Decodes an object body for create or update.
   *
   * @param r          the request
   * @param body       the raw body
   * @param validation the requested field validation
   */
  static Prepared object(ApiRequest r, byte[] body, FieldValidation validation) {
    ResourceType type = r.type();
    BodyDecoder.Decoded d = r.codecs().decoder().decodeObject(r.ctx().request().getHeader("Content-Type"), body, type);
    ObjectNode obj = d.object();
    checkTypeMeta(obj, type.kind(), r.apiVersion(), r.path().version());
    // kube's LogRequestObject: once the body is known to be the URL's kind, before any conversion
    io.dekube.apiserver.audit.AuditHandler.request(r.ctx(), obj);
    // a remote conversion (a CRD's webhook) runs after the checks, in stored(): the served version's schema checks
    // the body as the client wrote it
    if (r.legacy() && !r.remoteConversion()) {
      obj = r.codecs().versions().toStored(type, r.apiVersion(), obj);
    }
    List<String> warnings = r.codecs().fields().validate(TypedModels.of(type).orElse(null), type.kind(),
        r.path().version(), obj, d.duplicates(), validation);
    if (r.custom() != null) {
      warnings = customFields(r, obj, warnings, validation);
    }
    return new Prepared(obj, warnings);
  }

  /** {@code d} in the stored version: as it is, but for a remote conversion (a CRD's webhook), which runs here. */
  static io.vertx.core.Future<Prepared> stored(ApiRequest r, Prepared d) {
    return r.remoteConversion() ? r.toStored(d.object()).map(o -> new Prepared(o, d.warnings()))
        : io.vertx.core.Future.succeededFuture(d);
  }

  /** Fields a custom kind's schema does not declare: an error when Strict, warnings when Warn (the writer prunes them). */
  private static List<String> customFields(ApiRequest r, ObjectNode obj, List<String> warnings,
                                           FieldValidation validation) {
    var schema = r.custom().served(r.path().version()).map(v -> v.schema()).orElse(null);
    if (schema == null || validation == FieldValidation.IGNORE) {
      return warnings;
    }
    List<String> unknown = SchemaPruner.prune(obj.deepCopy(), schema).stream()
        .map(p -> "unknown field \"" + p + "\"").toList();
    if (unknown.isEmpty()) {
      return warnings;
    }
    if (validation == FieldValidation.STRICT) {
      String kind = r.type().kind();
      throw StatusException.badRequest(kind + " in version \"" + r.path().version() + "\" cannot be handled as a "
          + kind + ": strict decoding error: " + String.join(", ", unknown));
    }
    List<String> all = new java.util.ArrayList<>(warnings);
    all.addAll(unknown);
    return all;
  }

  /**
   * Fills or checks {@code apiVersion} and {@code kind}.
   *
   * @throws StatusException 400 BadRequest when the body names another version or kind
   */
  static void checkTypeMeta(ObjectNode obj, String kind, String apiVersion, String version) {
    String bodyVersion = obj.path("apiVersion").asText("");
    String bodyKind = obj.path("kind").asText("");
    if (!bodyKind.isEmpty() && !bodyKind.equals(kind)) {
      throw StatusException.badRequest(bodyKind + " in version \"" + version + "\" cannot be handled as a " + kind
          + ": the kind in the body (" + bodyKind + ") does not match the kind of the URL (" + kind + ")");
    }
    if (!bodyVersion.isEmpty() && !bodyVersion.equals(apiVersion)) {
      throw StatusException.badRequest("the API version in the data (" + bodyVersion
          + ") does not match the expected API version (" + apiVersion + ")");
    }
    if (bodyVersion.isEmpty() || bodyKind.isEmpty()) {
      ObjectNode rest = Json.object();
      rest.setAll(obj);
      rest.remove("apiVersion");
      rest.remove("kind");
      obj.removeAll();
      obj.put("apiVersion", apiVersion).put("kind", kind);
      obj.setAll(rest);
    }
  }

  /** Sets the namespace of a create from the URL, or checks it (kube's message), or clears it for cluster scope. */
  static void createNamespace(ApiRequest r, ObjectNode obj) {
    ObjectNode m = Json.metadata(obj);
    if (!r.type().namespaced()) {
      m.remove("namespace");
      return;
    }
    String ns = m.path("namespace").asText("");
    if (!ns.isEmpty() && !ns.equals(r.namespace())) {
      throw StatusException.badRequest("the namespace of the provided object does not match the namespace sent on"
          + " the request");
    }
    m.put("namespace", r.namespace());
  }

  /** Checks the name and namespace of an update body against the URL (filling an absent namespace). */
  static void updateIdentity(ApiRequest r, ObjectNode obj) {
    ObjectNode m = Json.metadata(obj);
    String name = m.path("name").asText("");
    if (!name.equals(r.name())) {
      throw nameMismatch(name, r.name());
    }
    if (!r.type().namespaced()) {
      m.remove("namespace");
      return;
    }
    checkNamespace(r, m);
    m.put("namespace", r.namespace());
  }

  /**
   * kube's {@code checkName} of an applied object: a configuration that names another object or namespace than the
   * URL is refused (one without a name applies to the URL's object; creating with it is refused by the caller, which
   * knows whether the object exists).
   */
  static void appliedIdentity(ApiRequest r, JsonNode cfg) {
    JsonNode m = cfg.path("metadata");
    JsonNode name = m.get("name");
    if (name != null && name.isTextual() && !name.asText().equals(r.name())) {
      throw nameMismatch(name.asText(), r.name());
    }
    if (r.type().namespaced()) {
      checkNamespace(r, m);
    }
  }

  /** kube's 400 for an object whose name is not the URL's ({@code ""} for one without a name). */
  static StatusException nameMismatch(String name, String urlName) {
    return StatusException.badRequest("the name of the object (" + name + ") does not match the name on the URL ("
        + urlName + ")");
  }

  private static void checkNamespace(ApiRequest r, JsonNode meta) {
    String ns = meta.path("namespace").asText("");
    if (!ns.isEmpty() && !ns.equals(r.namespace())) {
      throw StatusException.badRequest("the namespace of the object (" + ns + ") does not match the namespace on the"
          + " URL (" + r.namespace() + ")");
    }
  }

  /**
   * Decodes a patch document and checks its fields (merge, strategic merge and apply patches;
   * JSON patches are operations and are checked by the writer on the result).
   *
   * @return the document, unknown fields dropped, and the warnings to send
   */
  static PreparedPatch patch(ApiRequest r, String patchType, byte[] body, FieldValidation validation) {
    JsonNode doc = r.codecs().decoder().decodePatch(patchType, body);
    if (!patchType.equals(MediaTypes.APPLY_PATCH)) {
      return checkedFields(r, patchType, doc, validation);
    }
    checkApplied(doc, r.apiVersion(), r.type().kind());
    PreparedPatch checked = checkedFields(r, patchType, doc, validation);
    appliedIdentity(r, doc);
    return checked;
  }

  private static PreparedPatch checkedFields(ApiRequest r, String patchType, JsonNode doc,
                                             FieldValidation validation) {
    if (patchType.equals(MediaTypes.JSON_PATCH) || r.legacy()) {
      return new PreparedPatch(doc, List.of());
    }
    List<String> unknown = r.codecs().fields().unknownPatchFields(TypedModels.of(r.type()).orElse(null), doc);
    if (unknown.isEmpty() || validation == FieldValidation.IGNORE) {
      return new PreparedPatch(doc, List.of());
    }
    List<String> problems = unknown.stream().map(p -> "unknown field \"" + p + "\"").toList();
    if (validation == FieldValidation.STRICT) {
      String kind = r.type().kind();
      if (patchType.equals(MediaTypes.APPLY_PATCH)) {
        throw ServerSideApply.strictFieldError(r.type(), r.apiVersion(), r.namespace(), r.name(), unknown);
      }
      throw StatusException.badRequest(kind + " in version \"" + r.path().version() + "\" cannot be handled as a "
          + kind + ": strict decoding error: " + String.join(", ", problems));
    }
    return new PreparedPatch(doc, problems);
  }

  /**
   * kube's first checks of an apply configuration, in its field manager's order: the configuration must be of the
   * endpoint's group, version and kind, then carry no managedFields (before the fields are checked). An apply in
   * another version than the URL's is refused, not converted: kube's field manager of an endpoint knows one version.
   *
   * @throws StatusException 400 BadRequest
   */
  static void checkApplied(JsonNode doc, String apiVersion, String kind) {
    if (doc instanceof ObjectNode cfg) { // else the writer answers a configuration that is not an object
      io.dekube.core.patch.ServerSideApply.checkType(cfg, apiVersion, kind);
      io.dekube.core.patch.ServerSideApply.checkNoManagedFields(cfg);
    }
  }

  /**
   * A decoded patch.
   *
   * @param document the patch document
   * @param warnings warnings to send
   */
  record PreparedPatch(JsonNode document, List<String> warnings) {
  }
}
