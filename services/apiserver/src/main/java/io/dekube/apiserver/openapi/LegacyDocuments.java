package io.dekube.apiserver.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.conversion.LegacyVersions;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Documents of the old group-versions dekube still serves ({@code apps/v1beta1}, {@code apps/v1beta2},
 * {@code extensions/v1beta1}): each kind's schema is its stored version's, renamed into the old
 * package with the old group-version-kind; the {@code extensions/v1beta1} Ingress gets back its
 * {@code backend}, {@code serviceName} and {@code servicePort}. Pure.
 */
final class LegacyDocuments {

  private LegacyDocuments() {
  }

  static Map<String, OpenApiDocuments.Document> build(OpenApiDocuments docs, ResourceRegistry registry) {
    Map<String, List<LegacyVersions.Entry>> byGv = new TreeMap<>();
    for (LegacyVersions.Entry e : LegacyVersions.all()) {
      byGv.computeIfAbsent(e.groupVersion(), k -> new java.util.ArrayList<>()).add(e);
    }
    Map<String, OpenApiDocuments.Document> out = new LinkedHashMap<>();
    for (var gv : byGv.entrySet()) {
      ObjectNode paths = Json.object();
      Set<String> names = new LinkedHashSet<>();
      Map<String, ObjectNode> overrides = new LinkedHashMap<>();
      for (LegacyVersions.Entry e : gv.getValue()) {
        ResourceType stored = registry.byResourceName(e.storedResourceName()).orElse(null);
        String storedName = stored == null ? null : docs.schemaName(stored.apiVersion(), stored.kind()).orElse(null);
        if (storedName == null) {
          continue;
        }
        String pkg = SchemaNames.packageOf(e.group(), e.version());
        String name = pkg + e.kind();
        String listName = name + "List";
        ModelSchemas models = docs.models();
        names.addAll(models.closure(storedName));
        ObjectNode schema = OpenApiDocuments.withGvk(models.schema(storedName), e.group(), e.version(), e.kind());
        String storedList = storedName + "List";
        ObjectNode list = OpenApiDocuments.withGvk(models.schema(storedList), e.group(), e.version(), e.kind() + "List");
        names.addAll(models.closure(storedList));
        ((ObjectNode) list.path("properties").path("items").path("items")).put("$ref", "#/components/schemas/" + name);
        if (e.kind().equals("Ingress")) {
          ingressV1beta1(schema, pkg, overrides);
        } else if (e.kind().equals("Event")) {
          eventsV1(schema, models);
        }
        overrides.put(name, schema);
        overrides.put(listName, list);
        names.add(name);
        names.add(listName);
        docs.registerKind(e.groupVersion(), e.kind(), name);
        OpenApiPaths.add(paths, new OpenApiPaths.Resource(e.group(), e.version(), e.plural(), e.kind(),
            stored.namespaced(), name, listName, stored.hasSubresource("status"), false));
      }
      names.addAll(overrides.keySet());
      out.put(gv.getKey(), docs.document(OpenApiDocuments.key(gv.getKey()), paths, names, overrides));
    }
    return out;
  }

  /**
   * The events.k8s.io/v1 Event: the core Event's properties under their events.k8s.io names, with the words of
   * the events.k8s.io type (client-java's {@code EventsV1Event}).
   */
  private static void eventsV1(ObjectNode event, ModelSchemas models) {
    if (!(event.get("properties") instanceof ObjectNode props)) {
      return;
    }
    io.dekube.apiserver.conversion.EventConversion.renamedFields().forEach((v1, core) -> {
      com.fasterxml.jackson.databind.JsonNode p = props.remove(core);
      if (p != null) {
        props.set(v1, p);
      }
    });
    Class<?> model = ModelSchemas.model("EventsV1Event");
    if (model != null) {
      event.put("description", models.typeDescription(model));
      props.fields().forEachRemaining(f -> {
        String words = models.fieldDescription(model, f.getKey());
        if (!words.isEmpty() && f.getValue() instanceof ObjectNode p) {
          p.put("description", words);
        }
      });
    }
    event.putArray("required").add("eventTime"); // as kube's events.k8s.io/v1 schema
  }

  /** The extensions/v1beta1 Ingress: {@code spec.backend} and backends of serviceName/servicePort. */
  private static void ingressV1beta1(ObjectNode ingress, String pkg, Map<String, ObjectNode> overrides) {
    String backend = pkg + "IngressBackend";
    ObjectNode b = Json.object().put("description", "IngressBackend describes all endpoints for a given service and port.")
        .put("type", "object");
    ObjectNode props = b.putObject("properties");
    props.putObject("serviceName").put("description", "Specifies the name of the referenced service.").put("type", "string");
    props.putObject("servicePort").put("description", "Specifies the port of the referenced service.")
        .putArray("allOf").addObject().put("$ref", "#/components/schemas/" + SchemaNames.INT_OR_STRING);
    props.putObject("resource").putArray("allOf").addObject()
        .put("$ref", "#/components/schemas/io.k8s.api.core.v1.TypedLocalObjectReference");
    overrides.put(backend, b);

    ObjectNode path = Json.object().put("type", "object");
    ObjectNode pathProps = path.putObject("properties");
    pathProps.putObject("path").put("type", "string").put("description", "Path is matched against the path of an incoming request.");
    pathProps.putObject("pathType").put("type", "string").put("description", "PathType determines the interpretation of the Path matching.");
    pathProps.putObject("backend").putArray("allOf").addObject().put("$ref", "#/components/schemas/" + backend);
    path.putArray("required").add("backend");
    overrides.put(pkg + "HTTPIngressPath", path);

    ObjectNode http = Json.object().put("type", "object");
    ObjectNode paths = http.putObject("properties").putObject("paths").put("type", "array");
    paths.putObject("items").put("$ref", "#/components/schemas/" + pkg + "HTTPIngressPath");
    overrides.put(pkg + "HTTPIngressRuleValue", http);

    ObjectNode rule = Json.object().put("type", "object");
    ObjectNode ruleProps = rule.putObject("properties");
    ruleProps.putObject("host").put("type", "string");
    ruleProps.putObject("http").putArray("allOf").addObject().put("$ref", "#/components/schemas/" + pkg + "HTTPIngressRuleValue");
    overrides.put(pkg + "IngressRule", rule);

    ObjectNode spec = Json.object().put("type", "object");
    ObjectNode specProps = spec.putObject("properties");
    specProps.putObject("backend").putArray("allOf").addObject().put("$ref", "#/components/schemas/" + backend);
    specProps.putObject("ingressClassName").put("type", "string");
    ObjectNode rules = specProps.putObject("rules").put("type", "array");
    rules.putObject("items").put("$ref", "#/components/schemas/" + pkg + "IngressRule");
    ObjectNode tls = specProps.putObject("tls").put("type", "array");
    tls.putObject("items").put("$ref", "#/components/schemas/io.k8s.api.networking.v1.IngressTLS");
    overrides.put(pkg + "IngressSpec", spec);

    ((ObjectNode) ingress.path("properties").path("spec")).putArray("allOf").removeAll().addObject()
        .put("$ref", "#/components/schemas/" + pkg + "IngressSpec");
  }
}
