package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/** networking.k8s.io/v1 Ingresses: rules, paths with a pathType, and backends naming a service port. */
final class IngressAdmission implements KindAdmission {

  static final List<String> PATH_TYPES = List.of("Exact", "ImplementationSpecific", "Prefix");
  static final String DEFAULT_CLASS = "ingressclass.kubernetes.io/is-default-class";
  static final String CLASS_ANNOTATION = "kubernetes.io/ingress.class";

  /** The stored IngressClasses (set by the launcher from an informer); none without it. */
  static volatile Supplier<List<? extends JsonNode>> classes = List::of;

  @Override
  public void defaults(ObjectNode ing, ObjectNode old) {
    ObjectNode spec = Nodes.obj(ing, "spec");
    Nodes.obj(Nodes.obj(ing, "status"), "loadBalancer");
    if (old == null && !spec.hasNonNull("ingressClassName")
        && !ing.path("metadata").path("annotations").has(CLASS_ANNOTATION)) {
      defaultClass(classes.get()).ifPresent(name -> spec.put("ingressClassName", name));
    }
  }

  /**
   * kube's DefaultIngressClass admission: the IngressClass annotated
   * {@code ingressclass.kubernetes.io/is-default-class: "true"}; of several, the newest (then by name).
   */
  static Optional<String> defaultClass(List<? extends JsonNode> all) {
    return all.stream()
        .filter(c -> "true".equals(c.path("metadata").path("annotations").path(DEFAULT_CLASS).asText()))
        .max(Comparator.comparing((JsonNode c) -> c.path("metadata").path("creationTimestamp").asText(""))
            .thenComparing(c -> c.path("metadata").path("name").asText(""), Comparator.reverseOrder()))
        .map(c -> c.path("metadata").path("name").asText());
  }

  @Override
  public void validate(ObjectNode ing, ObjectNode old, FieldErrors errs) {
    JsonNode spec = ing.path("spec");
    boolean hasDefault = spec.get("defaultBackend") instanceof ObjectNode;
    List<ObjectNode> rules = Nodes.objects(spec, "rules");
    if (!hasDefault && rules.isEmpty()) {
      errs.invalidRendered("spec", "networking.IngressSpec{...}", "either `defaultBackend` or `rules` must be specified");
    }
    if (hasDefault) {
      backend(spec.get("defaultBackend"), "spec.defaultBackend", errs);
    }
    int i = 0;
    for (ObjectNode rule : rules) {
      String p = "spec.rules[" + i++ + "]";
      String host = Nodes.text(rule, "host");
      if (!host.isEmpty()) {
        String check = host.startsWith("*.") ? host.substring(2) : host;
        Validators.dns1123Subdomain(check).forEach(e -> errs.invalid(p + ".host", host, e));
      }
      JsonNode http = rule.get("http");
      if (http == null) {
        continue;
      }
      List<ObjectNode> paths = Nodes.objects(http, "paths");
      if (paths.isEmpty()) {
        errs.required(p + ".http.paths");
      }
      int j = 0;
      for (ObjectNode path : paths) {
        path(path, p + ".http.paths[" + j++ + "]", errs);
      }
    }
  }

  private static void path(ObjectNode path, String p, FieldErrors errs) {
    JsonNode type = path.get("pathType");
    String value = Nodes.text(path, "path");
    if (type == null || type.asText().isEmpty()) {
      errs.required(p + ".pathType", "pathType must be specified");
    } else if (!PATH_TYPES.contains(type.asText())) {
      errs.notSupported(p + ".pathType", type, PATH_TYPES);
    } else if (!type.asText().equals("ImplementationSpecific") || !value.isEmpty()) {
      if (!value.startsWith("/")) {
        errs.invalid(p + ".path", value, "must be an absolute path");
      }
    }
    backend(path.get("backend"), p + ".backend", errs);
  }

  private static void backend(JsonNode backend, String p, FieldErrors errs) {
    if (!(backend instanceof ObjectNode b)) {
      errs.required(p);
      return;
    }
    JsonNode svc = b.get("service");
    boolean resource = b.get("resource") instanceof ObjectNode;
    if (svc == null && !resource) {
      errs.invalidRendered(p, "", "one backend (`service` or `resource`) must be specified");
      return;
    }
    if (svc != null && resource) {
      errs.invalidRendered(p, "", "cannot set both `service` and `resource` backends");
    }
    if (svc != null) {
      if (Nodes.text(svc, "name").isEmpty()) {
        errs.required(p + ".service.name");
      }
      JsonNode port = svc.path("port");
      boolean hasName = !Nodes.text(port, "name").isEmpty();
      boolean hasNumber = port.has("number") && port.get("number").asInt() != 0;
      if (hasName && hasNumber) {
        errs.invalid(p + ".service.port", port, "cannot set both port name & port number");
      } else if (!hasName && !hasNumber) {
        errs.required(p + ".service.port", "port name or number is required");
      } else if (hasNumber && !Validators.validPort(port.get("number"))) {
        errs.invalid(p + ".service.port.number", port.get("number"), Validators.PORT_RANGE);
      }
    }
  }
}
