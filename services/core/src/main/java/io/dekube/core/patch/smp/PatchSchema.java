package io.dekube.core.patch.smp;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import java.lang.reflect.Field;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Walks the structure of a built-in kind to find the {@link PatchMeta} of each field: the field
 * types come from the fabric8 model classes (by reflection over their {@code @JsonProperty} fields),
 * the strategies from {@link PatchStrategies}. A custom resource's schema is its CRD's
 * openAPIV3Schema ({@link #serveCustom}): {@code x-kubernetes-list-type}/{@code -list-map-keys} and
 * {@code x-kubernetes-map-type}, which server-side apply honours (lists are atomic unless marked, as
 * in kube). A schema of an unknown type ({@link #UNKNOWN}) has no metadata: maps merge and lists are
 * replaced. Immutable and thread-safe.
 */
public final class PatchSchema {

  /** The schema of anything not modelled (custom resources, free-form maps). */
  public static final PatchSchema UNKNOWN = new PatchSchema(null);

  private static final Map<String, String> PACKAGES = Map.of(
      "", "io.fabric8.kubernetes.api.model",
      "apps", "io.fabric8.kubernetes.api.model.apps",
      "batch", "io.fabric8.kubernetes.api.model.batch.v1",
      "networking.k8s.io", "io.fabric8.kubernetes.api.model.networking.v1",
      "discovery.k8s.io", "io.fabric8.kubernetes.api.model.discovery.v1",
      "coordination.k8s.io", "io.fabric8.kubernetes.api.model.coordination.v1",
      "rbac.authorization.k8s.io", "io.fabric8.kubernetes.api.model.rbac",
      "apiextensions.k8s.io", "io.fabric8.kubernetes.api.model.apiextensions.v1");
  private static final Map<Class<?>, PatchSchema> CACHE = new ConcurrentHashMap<>();
  /** The openAPIV3Schema of each served custom kind, by group/kind. */
  private static final Map<String, JsonNode> CUSTOM = new ConcurrentHashMap<>();
  /** The schema of values that may be anything ({@code additionalProperties: true}). */
  private static final JsonNode ANY = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();

  private final Class<?> type;
  /** The OpenAPI schema of a custom kind's value (null for model-backed schemas). */
  private final JsonNode node;
  private final boolean root;
  private final Map<String, Type> fields = new ConcurrentHashMap<>();

  private PatchSchema(JsonNode node, boolean root) {
    this.type = null;
    this.node = node;
    this.root = root;
  }

  private PatchSchema(Class<?> type) {
    this.type = type;
    this.node = null;
    this.root = false;
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      for (Field f : c.getDeclaredFields()) {
        JsonProperty p = f.getAnnotation(JsonProperty.class);
        if (p != null && !p.value().isEmpty()) {
          fields.putIfAbsent(p.value(), f.getGenericType());
        }
      }
    }
  }

  /** The schema of a kind of the given API group ("" for core), {@link #UNKNOWN} when not modelled. */
  public static PatchSchema forKind(String group, String kind) {
    JsonNode custom = CUSTOM.get(group + "/" + kind);
    if (custom != null) {
      return new PatchSchema(custom, true);
    }
    String pkg = PACKAGES.get(group == null ? "" : group);
    if (pkg == null) {
      return UNKNOWN;
    }
    try {
      return of(Class.forName(pkg + "." + kind));
    } catch (ClassNotFoundException e) {
      return UNKNOWN;
    }
  }

  /** Serves a custom kind's openAPIV3Schema (null: none, anything goes) for {@link #forKind}. */
  public static void serveCustom(String group, String kind, JsonNode openApiV3Schema) {
    if (openApiV3Schema == null || !openApiV3Schema.isObject()) {
      CUSTOM.remove(group + "/" + kind);
    } else {
      CUSTOM.put(group + "/" + kind, openApiV3Schema);
    }
  }

  /** The schema of a model class (fabric8, or a plugin's own Jackson-annotated class). */
  public static PatchSchema of(Class<?> c) {
    return CACHE.computeIfAbsent(c, PatchSchema::new);
  }

  /** The Kubernetes type name ({@code PodSpec}), empty for {@link #UNKNOWN}. */
  public String typeName() {
    return type == null ? "" : type.getSimpleName();
  }

  /** Whether a model backs this schema. */
  public boolean known() {
    return type != null; // a custom kind's schema is no model: strategic merge stays 415 for it, as in kube
  }

  /** The patch metadata of a field of this type. */
  public PatchMeta meta(String field) {
    if (node != null) {
      JsonNode p = property(field);
      if (p == null || !p.path("type").asText().equals("array")) {
        return PatchMeta.NONE;
      }
      List<String> keys = new java.util.ArrayList<>();
      p.path("x-kubernetes-list-map-keys").forEach(k -> keys.add(k.asText()));
      return new PatchMeta("", "", p.path("x-kubernetes-list-type").asText("atomic"), keys);
    }
    return type == null ? PatchMeta.NONE : PatchStrategies.lookup(typeName(), field);
  }

  /** The schema of an object-valued field, or of the elements of a list- or map-valued field. */
  public PatchSchema child(String field) {
    if (node != null) {
      if (root && field.equals("metadata")) {
        return of(io.fabric8.kubernetes.api.model.ObjectMeta.class);
      }
      JsonNode p = mapValues(node) != null ? mapValues(node) : property(field);
      if (p == null) {
        return UNKNOWN;
      }
      return new PatchSchema(p.path("type").asText().equals("array") && p.get("items") != null ? p.get("items") : p,
          false);
    }
    Type t = type == null ? null : fields.get(field);
    return t == null ? UNKNOWN : schemaOf(t);
  }

  /** Whether the field is a free-form map ({@code map[string]X}: labels, data, nodeSelector). */
  public boolean isMap(String field) {
    if (node != null) {
      JsonNode p = property(field);
      return p != null && mapValues(p) != null;
    }
    Type t = type == null ? null : fields.get(field);
    return t instanceof ParameterizedType p && p.getRawType() == Map.class;
  }

  /** Whether this type is one atomic value for server-side apply (a LabelSelector, a key selector). */
  public boolean atomic() {
    if (node != null) {
      return node.path("x-kubernetes-map-type").asText().equals("atomic");
    }
    return type != null && PatchStrategies.atomicStruct(typeName());
  }

  /** A property's schema in a custom kind's OpenAPI schema, or null. */
  private JsonNode property(String field) {
    JsonNode p = node.path("properties").get(field);
    return p != null && p.isObject() ? p : null;
  }

  /** The schema of a map's values ({@code additionalProperties} without {@code properties}), or null. */
  private static JsonNode mapValues(JsonNode schema) {
    JsonNode values = schema.get("additionalProperties");
    if (values == null || schema.has("properties")) {
      return null;
    }
    return values.isObject() ? values : values.asBoolean(false) ? ANY : null;
  }

  /** The element schema when this type is used as a map value container. */
  private static PatchSchema schemaOf(Type t) {
    if (t instanceof ParameterizedType p) {
      Type raw = p.getRawType();
      Type[] args = p.getActualTypeArguments();
      if (raw == List.class && args.length == 1) {
        return schemaOf(args[0]);
      }
      if (raw == Map.class && args.length == 2) {
        return schemaOf(args[1]);
      }
      return UNKNOWN;
    }
    if (t instanceof Class<?> c && !c.getName().startsWith("java.") && !c.isPrimitive() && !c.isEnum()
        && !c.getSimpleName().equals("IntOrString") && !c.getSimpleName().equals("Quantity")) {
      return of(c);
    }
    return UNKNOWN;
  }

  /** The field names this type declares (for tests and the OpenAPI generator). */
  public Optional<Type> fieldType(String field) {
    return Optional.ofNullable(type == null ? null : fields.get(field));
  }
}
