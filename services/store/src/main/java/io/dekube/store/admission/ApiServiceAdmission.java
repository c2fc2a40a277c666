package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * APIServices ({@code apiregistration.k8s.io/v1}), as kube-aggregator's registry validates them: the
 * name is {@code <version>.<group>} (so {@code v1.} for the core group, the only one that may have no
 * group); the group is an RFC 1123 subdomain and the version an RFC 1035 label;
 * {@code groupPriorityMinimum} in 1..20000, {@code versionPriority} in 1..1000; a local APIService (no
 * {@code service}) has neither {@code caBundle} nor {@code insecureSkipTLSVerify}; a service has a
 * namespace, a name and a valid port (default 443), and {@code insecureSkipTLSVerify} excludes a
 * {@code caBundle}. Pure.
 */
final class ApiServiceAdmission implements KindAdmission {

  @Override
  public void defaults(ObjectNode api, ObjectNode old) {
    ObjectNode service = Nodes.objOrNull(api.path("spec"), "service");
    if (service != null) {
      Nodes.defaultInt(service, "port", 443);
    }
  }

  @Override
  public void validate(ObjectNode api, ObjectNode old, FieldErrors errs) {
    JsonNode spec = api.path("spec");
    String group = spec.path("group").asText("");
    String version = spec.path("version").asText("");
    String name = api.path("metadata").path("name").asText("");
    String required = version + "." + group;
    if (!name.isEmpty() && !name.equals(required)) {
      errs.invalid("metadata.name", name, "must be `spec.version+\".\"+spec.group`: \"" + required + "\"");
    }
    if (group.isEmpty() && !version.equals("v1")) {
      errs.required("spec.group", "only v1 may have an empty group and it better be legacy kube");
    }
    if (!group.isEmpty()) {
      Validators.dns1123Subdomain(group).forEach(e -> errs.invalid("spec.group", group, e));
    }
    Validators.dns1035Label(version).forEach(e -> errs.invalid("spec.version", version, e));
    priority(spec, "groupPriorityMinimum", 20000, errs);
    priority(spec, "versionPriority", 1000, errs);
    service(spec, errs);
  }

  private static void priority(JsonNode spec, String field, long max, FieldErrors errs) {
    long value = spec.path(field).asLong(0);
    if (value <= 0 || value > max) {
      errs.invalidRendered("spec." + field, String.valueOf(value), "must be positive and less than " + max);
    }
  }

  private static void service(JsonNode spec, FieldErrors errs) {
    JsonNode service = spec.path("service");
    String caBundle = spec.path("caBundle").asText("");
    boolean insecure = spec.path("insecureSkipTLSVerify").asBoolean(false);
    if (!service.isObject()) {
      if (!caBundle.isEmpty()) {
        errs.invalidRendered("spec.caBundle", "\"" + java.util.Base64.getMimeDecoder().decode(caBundle).length
            + " bytes\"", "local APIServices may not have a caBundle");
      }
      if (insecure) {
        errs.invalidRendered("spec.insecureSkipTLSVerify", "true", "local APIServices may not have insecureSkipTLSVerify");
      }
      return;
    }
    if (service.path("namespace").asText("").isEmpty()) {
      errs.required("spec.service.namespace", "");
    }
    if (service.path("name").asText("").isEmpty()) {
      errs.required("spec.service.name", "");
    }
    JsonNode port = service.path("port");
    if (!Validators.validPort(port)) {
      errs.invalid("spec.service.port", port, "port is not valid: " + Validators.PORT_RANGE);
    }
    if (insecure && !caBundle.isEmpty()) {
      errs.invalidRendered("spec.insecureSkipTLSVerify", "true", "may not be true if caBundle is present");
    }
  }
}
