package io.dekube.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.conversion.LegacyVersions;
import io.dekube.core.model.Json;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * The OpenAPI v3 documents of every served group-version ({@code api/v1}, {@code apis/apps/v1}, the
 * legacy {@code apis/extensions/v1beta1}, ...), their serialized bytes and hashes, and the index that
 * points at them. Built once from a {@link ResourceRegistry} (CPU-bound: build it off the event loop);
 * immutable and thread-safe afterwards.
 */
public final class OpenApiDocuments {

  /**
   * One served document: its key ({@code apis/apps/v1}), bytes and ETag hash. Only the bytes are kept:
   * the JSON trees took three times their heap, for the rare builds that read them (OpenAPI v2).
   */
  public record Document(String key, byte[] bytes, String hash) {

    /** The document as a JSON tree, parsed from its bytes at each call. */
    public ObjectNode json() {
      try {
        return (ObjectNode) Json.MAPPER.readTree(bytes);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }
  }

  /** Core kinds that are not served yet but whose types kube files under core/v1. */
  private static final List<String> CORE_SEEDS = List.of("PersistentVolumeClaim", "PersistentVolume", "PodTemplate",
      "ReplicationController", "Binding");

  /** The client-java model schemas, while the documents are built; null afterwards. */
  private ModelSchemas models = new ModelSchemas();
  private final Map<String, Document> documents = new TreeMap<>();
  private final Map<String, String> kindSchemas = new LinkedHashMap<>();
  private final byte[] index;

  // no reference to the registry is kept: OpenApiHandler caches the documents per registry, weakly
  private OpenApiDocuments(ResourceRegistry registry) {
    Map<String, List<ResourceType>> byGv = new TreeMap<>();
    List<ResourceType> types = new ArrayList<>(registry.all());
    for (CustomKind k : registry.customKinds()) {
      ResourceType t = k.type();
      for (String v : k.servedVersions()) {
        if (!v.equals(t.version())) {
          types.add(new ResourceType(t.group(), v, t.plural(), t.singular(), t.kind(), t.namespaced(), t.shortNames(),
              t.categories(), k.version(v).map(CustomKind.Version::subresources).orElse(List.of())));
        }
      }
    }
    types.sort(Comparator.comparing((ResourceType t) -> !t.group().isEmpty()).thenComparing(ResourceType::group)
        .thenComparing(ResourceType::plural));
    for (ResourceType t : types) {
      byGv.computeIfAbsent(t.apiVersion(), k -> new ArrayList<>()).add(t);
    }
    seedCore();
    for (var e : byGv.entrySet()) {
      documents.put(key(e.getKey()), build(registry, e.getKey(), e.getValue()));
    }
    for (var legacy : LegacyDocuments.build(this, registry).entrySet()) {
      documents.put(key(legacy.getKey()), legacy.getValue());
    }
    ObjectNode idx = Json.object();
    ObjectNode paths = idx.putObject("paths");
    for (Document d : documents.values()) {
      paths.putObject(d.key()).put("serverRelativeURL", "/openapi/v3/" + d.key() + "?hash=" + d.hash());
    }
    index = toBytes(idx);
    models = null; // only the build reads them
  }

  /** Builds the documents of every resource of the registry plus the legacy versions. */
  public static OpenApiDocuments build(ResourceRegistry registry) {
    return new OpenApiDocuments(registry);
  }

  /** The index document ({@code /openapi/v3}). */
  public byte[] index() {
    return index;
  }

  /** The document under {@code api/v1} or {@code apis/<group>/<version>}. */
  public Optional<Document> document(String key) {
    return Optional.ofNullable(documents.get(key));
  }

  /** Every document, by key. */
  public Map<String, Document> documents() {
    return documents;
  }

  /** The definition name of a kind's schema ({@code io.k8s.api.apps.v1.Deployment}) for an apiVersion. */
  public Optional<String> schemaName(String apiVersion, String kind) {
    return Optional.ofNullable(kindSchemas.get(apiVersion + "/" + kind));
  }

  /** A component schema by definition name, from whichever document holds it. */
  public Optional<JsonNode> schema(String name) {
    for (Document d : documents.values()) {
      JsonNode s = d.json().path("components").path("schemas").get(name);
      if (s != null) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /**
   * A served kind's schema as kube's schema resolver gives it to CEL type checking (ValidatingAdmissionPolicies'
   * {@code status.typeChecking}): every reference resolved ({@link ResolvedRefs}), Quantity a string as in kube's
   * built-in definitions (the v3 documents make it a {@code oneOf}, for kubectl explain); empty when the kind has no
   * schema here. Parses the group-version's document at each call.
   */
  public Optional<JsonNode> resolvedSchema(String apiVersion, String kind) {
    Optional<String> name = schemaName(apiVersion, kind);
    Optional<Document> doc = document(key(apiVersion));
    if (name.isEmpty() || doc.isEmpty()) {
      return Optional.empty();
    }
    JsonNode schemas = doc.get().json().path("components").path("schemas");
    return Optional.ofNullable(ResolvedRefs.resolve(n -> n.equals(SchemaNames.QUANTITY)
        ? Json.object().put("type", "string") : schemas.get(n), name.get()));
  }

  static String key(String apiVersion) {
    return apiVersion.contains("/") ? "apis/" + apiVersion : "api/" + apiVersion;
  }

  ModelSchemas models() {
    return models;
  }

  void registerKind(String apiVersion, String kind, String schemaName) {
    kindSchemas.put(apiVersion + "/" + kind, schemaName);
  }

  private void seedCore() {
    String pkg = SchemaNames.packageOf("", "v1");
    for (String meta : new String[] {"V1Status", "V1DeleteOptions", "V1WatchEvent"}) {
      models.add(ModelSchemas.model(meta), pkg);
    }
    for (String kind : CORE_SEEDS) {
      Class<?> c = ModelSchemas.model("V1" + kind);
      if (c != null) {
        models.add(c, pkg);
      }
    }
  }

  /** Custom resources are named by their reversed group, as kube-apiserver names CRD schemas: {@code com.example.stable.v1.}. */
  private static String customPackage(ResourceType t) {
    List<String> parts = new ArrayList<>(List.of(t.group().split("\\.")));
    java.util.Collections.reverse(parts);
    return String.join(".", parts) + "." + t.version() + ".";
  }

  /** The client-java model of a kind: {@code V1Deployment}, {@code CoreV1Event}. */
  static Class<?> modelOf(String group, String version, String kind) {
    String prefix = SchemaNames.classPrefix(version);
    Class<?> c = ModelSchemas.model(prefix + kind);
    if (c == null && group.isEmpty()) {
      c = ModelSchemas.model("Core" + prefix + kind);
    }
    return c;
  }

  private Document build(ResourceRegistry registry, String apiVersion, List<ResourceType> types) {
    ObjectNode paths = Json.object();
    Set<String> names = new LinkedHashSet<>();
    Map<String, ObjectNode> overrides = new LinkedHashMap<>();
    for (ResourceType t : types) {
      Class<?> model = modelOf(t.group(), t.version(), t.kind());
      Class<?> listModel = modelOf(t.group(), t.version(), t.kind() + "List");
      String pkg = SchemaNames.packageOf(t.group(), t.version());
      String name;
      String listName;
      if (model == null) {
        name = customPackage(t) + t.kind();
        listName = name + "List";
        names.addAll(models.closure(models.nameOf(ModelSchemas.model("V1ObjectMeta"))));
        names.addAll(models.closure(models.nameOf(ModelSchemas.model("V1ListMeta"))));
        names.add(name);
        names.add(listName);
        JsonNode crdSchema = registry.custom(t.resourceName()).flatMap(k -> k.version(t.version()))
            .map(CustomKind.Version::schema).orElse(null);
        overrides.put(name, withGvk(crdSchema == null ? CustomSchemas.object(t.kind())
            : CustomSchemas.fromCrd(t.kind(), crdSchema), t.group(), t.version(), t.kind()));
        overrides.put(listName, withGvk(CustomSchemas.list(t.kind(), name), t.group(), t.version(), t.kind() + "List"));
      } else {
        name = models.add(model, pkg);
        listName = listModel == null ? name : models.add(listModel, pkg);
        names.addAll(models.closure(name));
        names.addAll(models.closure(listName));
        overrides.put(name, withGvk(models.schema(name), t.group(), t.version(), t.kind()));
        overrides.put(listName, withGvk(models.schema(listName), t.group(), t.version(), t.kind() + "List"));
      }
      registerKind(t.apiVersion(), t.kind(), name);
      boolean scale = t.hasSubresource("scale");
      if (scale) {
        String scaleName = models.add(ModelSchemas.model("V1Scale"), SchemaNames.packageOf("autoscaling", "v1"));
        names.addAll(models.closure(scaleName));
        overrides.put(scaleName, withGvk(models.schema(scaleName), "autoscaling", "v1", "Scale"));
      }
      OpenApiPaths.add(paths, new OpenApiPaths.Resource(t.group(), t.version(), t.plural(), t.kind(), t.namespaced(),
          name, listName, t.hasSubresource("status"), scale));
    }
    return document(key(apiVersion), paths, names, overrides);
  }

  Document document(String key, ObjectNode paths, Set<String> names, Map<String, ObjectNode> overrides) {
    ObjectNode doc = Json.object();
    doc.put("openapi", "3.0.0");
    doc.putObject("info").put("title", "Kubernetes").put("version", "v1.32.0");
    doc.set("paths", paths);
    ObjectNode components = doc.putObject("components");
    ObjectNode schemas = components.putObject("schemas");
    Map<String, ObjectNode> builtins = ModelSchemas.builtins();
    Set<String> all = new java.util.TreeSet<>(names);
    for (String meta : new String[] {"V1Status", "V1DeleteOptions"}) {
      all.addAll(models.closure(models.nameOf(ModelSchemas.model(meta))));
    }
    for (String n : all) {
      ObjectNode s = overrides.containsKey(n) ? overrides.get(n) : models.schema(n);
      if (s == null) {
        s = builtins.get(n);
      }
      if (s != null) {
        schemas.set(n, s);
      }
    }
    builtins.forEach((n, s) -> {
      if (!schemas.has(n)) {
        schemas.set(n, s);
      }
    });
    components.putObject("securitySchemes").putObject("BearerToken").put("type", "apiKey")
        .put("description", "Bearer Token authentication").put("name", "authorization").put("in", "header");
    doc.putArray("security").addObject().putArray("BearerToken");
    byte[] bytes = toBytes(doc);
    return new Document(key, bytes, hash(bytes));
  }

  static ObjectNode withGvk(ObjectNode schema, String group, String version, String kind) {
    ObjectNode copy = schema.deepCopy();
    copy.putArray("x-kubernetes-group-version-kind").addObject().put("group", group).put("kind", kind)
        .put("version", version);
    return copy;
  }

  private static byte[] toBytes(ObjectNode doc) {
    return doc.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Upper-case hex SHA-512, as kube-apiserver's {@code hash} query parameter and ETag. */
  public static String hash(byte[] bytes) {
    try {
      return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
