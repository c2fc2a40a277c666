package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.crd.schema.SchemaError;
import io.dekube.core.crd.schema.StructuralCheck;
import io.dekube.core.model.Json;
import io.dekube.store.cel.SchemaRules;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code apiextensions.k8s.io/v1} CustomResourceDefinitions, as kube-apiextensions-apiserver's
 * strategy treats them: defaults (singular and listKind names, conversion {@code None}, the
 * {@code customresourcecleanup} finalizer, status.storedVersions) and validation with kube's field
 * paths and wording — name {@code <plural>.<group>}, a dotted group, DNS-label names, scope,
 * versions (exactly one storage version, at least one served, unique DNS-1035 names), a structural
 * {@code openAPIV3Schema} per version whose {@code x-kubernetes-validations} compile, scale subresource
 * paths, the conversion block (strategy, webhook client config, caBundle, review versions), and the immutable
 * group and scope.
 * Pure.
 */
final class CustomResourceDefinitionAdmission implements KindAdmission {

  /** The finalizer the CRD controller removes once every instance is gone. */
  static final String CLEANUP_FINALIZER = "customresourcecleanup.apiextensions.k8s.io";

  @Override
  public void defaults(ObjectNode crd, ObjectNode old) {
    ObjectNode spec = Nodes.obj(crd, "spec");
    ObjectNode names = Nodes.obj(spec, "names");
    String kind = Nodes.text(names, "kind");
    if (!kind.isEmpty()) {
      Nodes.defaultText(names, "singular", kind.toLowerCase());
      Nodes.defaultText(names, "listKind", kind + "List");
    }
    ObjectNode conversion = Nodes.obj(spec, "conversion");
    Nodes.defaultText(conversion, "strategy", "None");
    if ("Webhook".equals(conversion.path("strategy").asText())
        && conversion.path("webhook").path("clientConfig").path("service") instanceof ObjectNode service) {
      Nodes.defaultInt(service, "port", 443);
    }
    for (JsonNode v : spec.path("versions")) {
      if (v instanceof ObjectNode ov) {
        Nodes.defaultBool(ov, "served", false);
        Nodes.defaultBool(ov, "storage", false);
      }
    }
    if (old == null) {
      ObjectNode meta = Json.metadata(crd);
      ArrayNode fins = meta.get("finalizers") instanceof ArrayNode a ? a : meta.putArray("finalizers");
      if (!contains(fins, CLEANUP_FINALIZER)) {
        fins.add(CLEANUP_FINALIZER);
      }
      ObjectNode status = Json.object();
      status.putObject("acceptedNames").put("kind", "").put("plural", "");
      status.putArray("conditions");
      ArrayNode stored = status.putArray("storedVersions");
      for (JsonNode v : spec.path("versions")) {
        if (v.path("storage").asBoolean(false)) {
          stored.add(v.path("name").asText());
        }
      }
      crd.set("status", status);
    } else if (old.has("status")) {
      crd.set("status", old.get("status").deepCopy());
    }
  }

  private static boolean contains(ArrayNode a, String s) {
    for (JsonNode n : a) {
      if (s.equals(n.asText())) {
        return true;
      }
    }
    return false;
  }

  @Override
  public void validate(ObjectNode crd, ObjectNode old, FieldErrors errs) {
    JsonNode spec = crd.path("spec");
    String group = Nodes.text(spec, "group");
    JsonNode names = spec.path("names");
    String plural = Nodes.text(names, "plural");
    String name = Nodes.text(crd.path("metadata"), "name");
    if (!name.equals(plural + "." + group)) {
      errs.invalid("metadata.name", name, "must be spec.names.plural+\".\"+spec.group");
    }
    if (group.isEmpty()) {
      errs.required("spec.group");
    } else {
      Validators.dns1123Subdomain(group).forEach(e -> errs.invalid("spec.group", group, e));
      if (!group.contains(".")) {
        errs.invalid("spec.group", group, "should be a domain with at least one dot");
      }
    }
    validateNames(names, errs);
    String scope = Nodes.text(spec, "scope");
    if (scope.isEmpty()) {
      errs.required("spec.scope");
    } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
      errs.notSupported("spec.scope", spec.get("scope"), List.of("Cluster", "Namespaced"));
    }
    validateVersions(spec.path("versions"), old == null ? null : old.path("spec").path("versions"), errs);
    validateConversion(spec, old, errs);
    if (old != null) {
      immutable(spec, old.path("spec"), "group", errs);
      immutable(spec, old.path("spec"), "scope", errs);
    }
  }

  /**
   * kube's {@code validateCustomResourceConversion}, with the internal type's field paths kube reports
   * ({@code spec.conversion.webhookClientConfig}, {@code spec.conversion.conversionReviewVersions}): strategy None or
   * Webhook; a webhook needs a client config (exactly one of an https url or a service), a caBundle of PEM
   * certificates (an update may keep an invalid one it had, or any while the CRD is not established) and review
   * versions with v1 or v1beta1 (an update may keep a list that had none); None must not name a webhook.
   */
  private static void validateConversion(JsonNode spec, ObjectNode old, FieldErrors errs) {
    JsonNode conversion = spec.path("conversion");
    if (!conversion.isObject()) {
      return;
    }
    String path = "spec.conversion";
    String strategy = Nodes.text(conversion, "strategy");
    JsonNode cc = conversion.path("webhook").get("clientConfig");
    boolean hasClientConfig = cc != null && !cc.isNull();
    JsonNode reviewVersions = conversion.path("webhook").path("conversionReviewVersions");
    if (strategy.isEmpty()) {
      errs.required(path + ".strategy");
    } else if (!strategy.equals("None") && !strategy.equals("Webhook")) {
      errs.notSupported(path + ".strategy", conversion.get("strategy"), List.of("None", "Webhook"));
    }
    if (!strategy.equals("None") && spec.path("preserveUnknownFields").asBoolean(false)) {
      errs.invalid(path + ".strategy", strategy, "must be None if spec.preserveUnknownFields is true");
    }
    if (!strategy.equals("Webhook")) {
      if (hasClientConfig) {
        errs.forbidden(path + ".webhookClientConfig", "should not be set when strategy is not set to Webhook");
      }
      if (reviewVersions.size() > 0) {
        errs.forbidden(path + ".conversionReviewVersions", "should not be set when strategy is not set to Webhook");
      }
      return;
    }
    if (!hasClientConfig) {
      errs.required(path + ".webhookClientConfig", "required when strategy is set to Webhook");
    } else {
      WebhookConfigurationAdmission.clientConfig(cc, path + ".webhookClientConfig", errs);
      String caBundle = cc.path("caBundle").asText("");
      if (!caBundle.isEmpty() && !allowInvalidCaBundle(old)) {
        caBundle(caBundle, path + ".webhookClientConfig.caBundle", errs);
      }
    }
    if (reviewVersions.size() == 0) {
      errs.required(path + ".conversionReviewVersions");
    } else {
      JsonNode oldVersions = old == null ? null : old.path("spec").path("conversion").path("webhook")
          .path("conversionReviewVersions");
      boolean requireKnown = oldVersions == null || knownReviewVersionOrEmpty(oldVersions);
      WebhookConfigurationAdmission.reviewVersions(reviewVersions, path + ".conversionReviewVersions", requireKnown,
          errs);
    }
  }

  private static boolean knownReviewVersionOrEmpty(JsonNode versions) {
    if (versions.size() == 0) {
      return true;
    }
    for (JsonNode v : versions) {
      if (WebhookConfigurationAdmission.REVIEW_VERSIONS.contains(v.asText())) {
        return true;
      }
    }
    return false;
  }

  /** kube's {@code allowInvalidCABundle}: an update of a CRD not yet established, or one whose caBundle was invalid. */
  private static boolean allowInvalidCaBundle(ObjectNode old) {
    if (old == null) {
      return false;
    }
    if (!io.dekube.core.crd.CrdParser.established(old)) {
      return true;
    }
    String before = old.path("spec").path("conversion").path("webhook").path("clientConfig").path("caBundle")
        .asText("");
    if (before.isEmpty()) {
      return false;
    }
    FieldErrors scratch = new FieldErrors();
    caBundle(before, "caBundle", scratch);
    return !scratch.isEmpty();
  }

  /** kube's {@code ValidateCABundle}: the (base64) bytes must be PEM certificates. */
  private static void caBundle(String base64, String path, FieldErrors errs) {
    byte[] pem;
    try {
      pem = java.util.Base64.getMimeDecoder().decode(base64);
    } catch (IllegalArgumentException e) {
      errs.invalid(path, base64, "illegal base64 data");
      return;
    }
    String text = new String(pem, java.nio.charset.StandardCharsets.ISO_8859_1);
    boolean any = false;
    try {
      java.security.cert.CertificateFactory f = java.security.cert.CertificateFactory.getInstance("X.509");
      java.util.regex.Matcher m = java.util.regex.Pattern
          .compile("-----BEGIN CERTIFICATE-----([^-]*)-----END CERTIFICATE-----").matcher(text);
      while (m.find()) {
        f.generateCertificate(new java.io.ByteArrayInputStream(
            java.util.Base64.getMimeDecoder().decode(m.group(1).trim())));
        any = true;
      }
    } catch (java.security.cert.CertificateException | IllegalArgumentException e) {
      any = false;
    }
    if (!any) {
      StringBuilder go = new StringBuilder("[]byte{");
      for (int i = 0; i < pem.length; i++) {
        go.append(i == 0 ? "" : ", ").append(String.format("0x%x", pem[i] & 0xff));
      }
      errs.invalidRendered(path, go.append('}').toString(),
          "data does not contain any valid RSA or ECDSA certificates");
    }
  }

  private static void immutable(JsonNode spec, JsonNode oldSpec, String field, FieldErrors errs) {
    if (!spec.path(field).equals(oldSpec.path(field))) {
      errs.invalid("spec." + field, spec.path(field), "field is immutable");
    }
  }

  private static void validateNames(JsonNode names, FieldErrors errs) {
    for (String f : new String[] {"plural", "singular"}) {
      String v = Nodes.text(names, f);
      if (v.isEmpty()) {
        if (f.equals("plural")) {
          errs.required("spec.names.plural");
        }
        continue;
      }
      Validators.dns1123Label(v).forEach(e -> errs.invalid("spec.names." + f, v, e));
    }
    String kind = Nodes.text(names, "kind");
    if (kind.isEmpty()) {
      errs.required("spec.names.kind");
    } else if (!kind.matches("[A-Za-z]([-A-Za-z0-9]*[A-Za-z0-9])?")) {
      errs.invalid("spec.names.kind", kind, "may have mixed case, but should otherwise match: "
          + "[a-z]([-a-z0-9]*[a-z0-9])?");
    }
    String listKind = Nodes.text(names, "listKind");
    if (!listKind.isEmpty() && listKind.equals(kind)) {
      errs.invalid("spec.names.listKind", listKind, "kind and listKind may not be the same");
    }
    int i = 0;
    for (JsonNode s : names.path("shortNames")) {
      String sn = s.asText();
      String field = "spec.names.shortNames[" + i++ + "]";
      Validators.dns1123Label(sn).forEach(e -> errs.invalid(field, sn, e));
    }
  }

  private static void validateVersions(JsonNode versions, JsonNode oldVersions, FieldErrors errs) {
    if (!versions.isArray() || versions.isEmpty()) {
      errs.required("spec.versions", "must have exactly one version marked as storage version");
      return;
    }
    int storage = 0;
    int served = 0;
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < versions.size(); i++) {
      JsonNode v = versions.get(i);
      String path = "spec.versions[" + i + "]";
      String vname = Nodes.text(v, "name");
      if (vname.isEmpty()) {
        errs.required(path + ".name");
      } else {
        Validators.dns1035Label(vname).forEach(e -> errs.invalid(path + ".name", vname, e));
        if (!seen.add(vname)) {
          errs.duplicate(path + ".name", v.get("name"));
        }
      }
      storage += v.path("storage").asBoolean(false) ? 1 : 0;
      served += v.path("served").asBoolean(false) ? 1 : 0;
      validateSchema(v, path, !unchangedSchema(v, oldVersions), errs);
      validateSelectableFields(v, path + ".selectableFields", errs);
      validateScale(v.path("subresources").path("scale"), path + ".subresources.scale", errs);
    }
    String rendered = renderVersions(versions);
    if (storage != 1) {
      errs.invalidRendered("spec.versions", rendered, "must have exactly one version marked as storage version");
    }
    if (served == 0) {
      errs.invalidRendered("spec.versions", rendered, "must have at least one version marked as served");
    }
  }

  /** Whether an update keeps version {@code v}'s schema as it was (kube's {@code findVersionsWithUnchangedSchemas}). */
  private static boolean unchangedSchema(JsonNode v, JsonNode oldVersions) {
    if (oldVersions == null) {
      return false;
    }
    for (JsonNode o : oldVersions) {
      if (o.path("name").equals(v.path("name"))) {
        return o.path("schema").equals(v.path("schema"));
      }
    }
    return false;
  }

  /**
   * {@code perExpressionCost}: false for a schema an update did not change, whose rules' own costs kube
   * does not hold against it.
   */
  private static void validateSchema(JsonNode v, String path, boolean perExpressionCost, FieldErrors errs) {
    JsonNode schema = v.path("schema").get("openAPIV3Schema");
    String base = path + ".schema.openAPIV3Schema";
    if (schema == null || !schema.isObject()) {
      errs.required(base, "schemas are required");
      return;
    }
    for (SchemaError e : StructuralCheck.check(schema, base)) {
      errs.add(e.reason(), e.field(), e.body());
    }
    for (SchemaError e : SchemaRules.compile(schema, base, perExpressionCost).errors()) {
      errs.add(e.reason(), e.field(), e.body());
    }
  }

  /**
   * kube's {@code ValidateCustomResourceSelectableFields}: each jsonPath resolves, through the
   * version's schema, to a string, boolean or integer field outside {@code metadata}, with no array
   * notation; no two name the same field; at most {@value #MAX_SELECTABLE_FIELDS}.
   */
  private static void validateSelectableFields(JsonNode v, String path, FieldErrors errs) {
    JsonNode fields = v.path("selectableFields");
    JsonNode schema = v.path("schema").get("openAPIV3Schema");
    if (!fields.isArray() || schema == null || !schema.isObject()) {
      return; // a missing schema is already an error of its own
    }
    Set<String> unique = new HashSet<>();
    for (int i = 0; i < fields.size(); i++) {
      String field = path + "[" + i + "].jsonPath";
      String jsonPath = Nodes.text(fields.get(i), "jsonPath");
      if (jsonPath.isEmpty()) {
        errs.required(field);
        continue;
      }
      List<String> resolved = new ArrayList<>();
      JsonNode leaf;
      try {
        leaf = resolveFieldPath(jsonPath, schema, resolved);
      } catch (IllegalArgumentException e) {
        errs.invalid(field, jsonPath, "is an invalid path: " + e.getMessage());
        continue;
      }
      if (!resolved.isEmpty() && resolved.get(0).equals("metadata")) {
        errs.invalid(field, jsonPath, "must not point to fields in metadata");
      }
      String type = leaf.path("type").asText("");
      if (!type.equals("string") && !type.equals("boolean") && !type.equals("integer")) {
        errs.invalid(field, jsonPath, "must point to a field of type string, boolean or integer. "
            + "Enum string fields and strings with formats are allowed.");
      }
      if (!unique.add(String.join(".", resolved))) {
        errs.duplicate(field, fields.get(i).get("jsonPath"));
      }
    }
    if (unique.size() > MAX_SELECTABLE_FIELDS) {
      errs.add("FieldValueTooMany", path, "Too many: " + unique.size() + ": must have at most "
          + MAX_SELECTABLE_FIELDS + " items");
    }
  }

  /** How many distinct selectable fields a version may have. */
  private static final int MAX_SELECTABLE_FIELDS = 8;

  /**
   * The schema a dotted jsonPath ({@code .spec.color}) names, as kube's CEL field-path check walks it
   * without array notation: each {@code .name} is a property, or a key of a map whose
   * {@code additionalProperties} is a schema.
   *
   * @param resolved receives the path's names
   * @throws IllegalArgumentException with kube's reason when the path does not resolve
   */
  private static JsonNode resolveFieldPath(String jsonPath, JsonNode schema, List<String> resolved) {
    List<String> tokens = new ArrayList<>();
    StringBuilder cur = new StringBuilder();
    for (char c : jsonPath.toCharArray()) {
      if (c == '.' || c == '[' || c == ']') {
        if (cur.length() > 0) {
          tokens.add(cur.toString());
          cur.setLength(0);
        }
        tokens.add(String.valueOf(c));
      } else {
        cur.append(c);
      }
    }
    if (cur.length() > 0) {
      tokens.add(cur.toString());
    }
    JsonNode node = schema;
    for (int i = 0; i < tokens.size(); i++) {
      String t = tokens.get(i);
      if (t.equals("[")) {
        throw new IllegalArgumentException("array notation is not allowed");
      }
      if (!t.equals(".")) {
        throw new IllegalArgumentException("expected [ or . but got: " + t);
      }
      if (++i >= tokens.size()) {
        throw new IllegalArgumentException("unexpected end of JSON path");
      }
      String name = tokens.get(i);
      JsonNode props = node.get("properties");
      JsonNode additional = node.get("additionalProperties");
      JsonNode next = props != null && props.isObject() ? props.get(name)
          : additional != null && additional.isObject() ? additional : null;
      if (next == null || !next.isObject() || name.equals(".") || name.equals("[") || name.equals("]")) {
        throw new IllegalArgumentException("does not refer to a valid field");
      }
      resolved.add(name);
      node = next;
    }
    return node;
  }

  private static void validateScale(JsonNode scale, String path, FieldErrors errs) {
    if (!scale.isObject()) {
      return;
    }
    for (String f : new String[] {"specReplicasPath", "statusReplicasPath"}) {
      String p = Nodes.text(scale, f);
      if (p.isEmpty()) {
        errs.required(path + "." + f);
      } else if (!p.startsWith(".spec.") && !p.startsWith(".status.") || p.equals(".spec.") || p.equals(".status.")) {
        errs.invalid(path + "." + f, p, "should be a json path under either .spec or .status");
      }
    }
  }

  /** Go's {@code %#v} of the versions, shortened to their names, served and storage flags. */
  private static String renderVersions(JsonNode versions) {
    List<String> parts = new ArrayList<>();
    for (JsonNode v : versions) {
      parts.add("apiextensions.CustomResourceDefinitionVersion{Name:\"" + Nodes.text(v, "name") + "\", Served:"
          + v.path("served").asBoolean(false) + ", Storage:" + v.path("storage").asBoolean(false) + ", ...}");
    }
    return "[]apiextensions.CustomResourceDefinitionVersion{" + String.join(", ", parts) + "}";
  }
}
