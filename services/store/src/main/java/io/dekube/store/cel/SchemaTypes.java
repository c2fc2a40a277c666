package io.dekube.store.cel;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.common.collect.ImmutableCollection;
import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import dev.cel.common.types.CelType;
import dev.cel.common.types.CelTypeProvider;
import dev.cel.common.types.ListType;
import dev.cel.common.types.MapType;
import dev.cel.common.types.SimpleType;
import dev.cel.common.types.StructType;
import io.dekube.core.model.Json;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A structural schema as the CEL type of {@code self}, as kube's {@code SchemaDeclType} makes it
 * (k8s.io/apiserver/pkg/cel/common/schemas.go): an object with properties is a struct whose fields are
 * its properties' names escaped ({@link CelNames}; a name that cannot be escaped, or whose schema
 * has no CEL type, is left out), so a rule that names a field the schema lacks does not compile
 * ({@code undefined field 'x'}); the root of the resource and of an
 * {@code x-kubernetes-embedded-resource} also has {@code apiVersion}, {@code kind} and
 * {@code metadata.name}/{@code generateName}; {@code additionalProperties} is {@code map(string, T)},
 * an array {@code list(T)}, {@code x-kubernetes-int-or-string} (or, in built-in kinds' schemas, format
 * {@code int-or-string}) {@code dyn}; strings of format
 * {@code byte}, {@code duration}, {@code date} and {@code date-time} are bytes, durations and
 * timestamps. An object with {@code x-kubernetes-preserve-unknown-fields} exposes only its declared
 * properties, as kube's. Each type carries kube's size bounds (maxItems, maxProperties, maxLength or
 * what a 3 MiB request can hold) for the static cost estimate. Pure; each {@link #of} names its
 * structs afresh, as kube names them uniquely per compilation so that rules cannot depend on them.
 */
public final class SchemaTypes {

  /** kube's {@code DefaultMaxRequestSizeBytes}: the largest request the apiserver takes. */
  static final long MAX_REQUEST_SIZE = 3L * 1024 * 1024;
  private static final long MIN_STRING_SIZE = 2;
  private static final long MIN_DURATION_SIZE = 3;
  private static final long MAX_DURATION_SIZE = 32;
  private static final long DATE_SIZE = 12;
  private static final long MIN_DATETIME_SIZE = 21;
  private static final long MAX_DATETIME_SIZE = 39;
  private static final AtomicLong NAMES = new AtomicLong();

  /**
   * A schema node's CEL type with kube's bounds.
   *
   * @param type        the CEL type
   * @param maxElements the most elements (items, properties, bytes of a string) a value can have
   * @param minSize     the fewest bytes the value takes serialized, to bound lists and maps without limits
   * @param fields      a struct's fields by escaped name (empty otherwise)
   * @param elem        a list's items or a map's values, or null
   */
  public record Decl(CelType type, long maxElements, long minSize, Map<String, Decl> fields, Decl elem) {

    static Decl simple(CelType type, long maxElements, long minSize) {
      return new Decl(type, maxElements, minSize, Map.of(), null);
    }
  }

  /**
   * The declared type of a rule's node and the struct types it refers to.
   *
   * @param self    {@code self}'s type, or null when kube exposes no type for the node
   * @param structs every struct type reachable from it, by name
   */
  public record Declared(Decl self, Map<String, CelType> structs) {

    /** The type provider for a compiler, so that the checker knows the structs' fields. */
    public CelTypeProvider provider() {
      return SchemaTypes.provider(structs);
    }

    /** {@code self}'s CEL type, {@code dyn} where kube exposes none. */
    public CelType type() {
      return self == null ? SimpleType.DYN : self.type();
    }
  }

  private final Map<String, CelType> structs = new LinkedHashMap<>();

  private SchemaTypes() {
  }

  /** A type provider of {@code structs} (by name), for a compiler whose variables name them. */
  public static CelTypeProvider provider(Map<String, CelType> structs) {
    return new CelTypeProvider() {
      @Override
      public ImmutableCollection<CelType> types() {
        return ImmutableList.copyOf(structs.values());
      }

      @Override
      public Optional<CelType> findType(String name) {
        return Optional.ofNullable(structs.get(name));
      }
    };
  }

  /** The type of {@code schema} as {@code self} of a rule on it ({@code resourceRoot}: the resource's root). */
  public static Declared of(JsonNode schema, boolean resourceRoot) {
    SchemaTypes t = new SchemaTypes();
    Decl d = t.decl(schema, resourceRoot || embedded(schema), "selfType" + NAMES.incrementAndGet());
    return new Declared(d, Map.copyOf(t.structs));
  }

  private static boolean embedded(JsonNode s) {
    return s != null && s.path("x-kubernetes-embedded-resource").asBoolean(false);
  }

  private Decl decl(JsonNode s, boolean resourceRoot, String name) {
    if (s == null || !s.isObject()) {
      return null;
    }
    // kube's isXIntOrString: CRDs say it with the extension, built-in kinds' schemas with the format
    if (s.path("x-kubernetes-int-or-string").asBoolean(false) || "int-or-string".equals(s.path("format").asText(""))) {
      long max = s.has("maxLength") ? Math.max(0, s.get("maxLength").asLong()) * 4 : MAX_REQUEST_SIZE - 2;
      return Decl.simple(SimpleType.DYN, max, 1);
    }
    return switch (s.path("type").asText("")) {
      case "array" -> list(s, name);
      case "object" -> s.path("additionalProperties").isObject() ? map(s, name) : object(s, resourceRoot, name);
      case "string" -> string(s);
      case "boolean" -> Decl.simple(SimpleType.BOOL, 0, 4);
      case "number" -> Decl.simple(SimpleType.DOUBLE, 0, 1);
      case "integer" -> Decl.simple(SimpleType.INT, 0, 1);
      default -> null;
    };
  }

  private Decl list(JsonNode s, String name) {
    JsonNode items = s.get("items");
    Decl elem = items == null ? null : decl(items, embedded(items), name + ".@idx");
    if (elem == null) {
      return null;
    }
    long max = s.has("maxItems") ? Math.max(0, s.get("maxItems").asLong())
        : (MAX_REQUEST_SIZE - 2) / (elem.minSize() + 1);
    return new Decl(ListType.create(elem.type()), max, 2, Map.of(), elem);
  }

  private Decl map(JsonNode s, String name) {
    JsonNode values = s.get("additionalProperties");
    Decl elem = decl(values, embedded(values), name + ".@elem");
    if (elem == null) {
      return null;
    }
    long max = s.has("maxProperties") ? Math.max(0, s.get("maxProperties").asLong())
        : (MAX_REQUEST_SIZE - 2) / (elem.minSize() + 6);
    return new Decl(MapType.create(SimpleType.STRING, elem.type()), max, 2, Map.of(), elem);
  }

  private Decl object(JsonNode s, boolean resourceRoot, String name) {
    Map<String, JsonNode> props = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      props.put(e.getKey(), e.getValue());
    }
    if (resourceRoot) {
      withTypeAndObjectMeta(props);
    }
    Set<String> required = new HashSet<>();
    s.path("required").forEach(r -> required.add(r.asText()));
    Map<String, Decl> fields = new LinkedHashMap<>();
    long minSize = 2;
    for (Map.Entry<String, JsonNode> e : props.entrySet()) {
      Optional<String> escaped = CelNames.escape(e.getKey());
      Decl field = decl(e.getValue(), embedded(e.getValue()), name + "." + escaped.orElse("@" + fields.size()));
      if (field == null) {
        continue;
      }
      escaped.ifPresent(n -> fields.put(n, field));
      if (required.contains(e.getKey()) && !e.getValue().has("default")) {
        minSize += e.getKey().length() + field.minSize() + 4;
      }
    }
    Map<String, CelType> fieldTypes = new LinkedHashMap<>();
    fields.forEach((k, v) -> fieldTypes.put(k, v.type()));
    StructType struct = StructType.create(name, ImmutableSet.copyOf(fieldTypes.keySet()),
        f -> Optional.ofNullable(fieldTypes.get(f)));
    structs.put(name, struct);
    return new Decl(struct, Math.max(fields.size(), 0), minSize, Map.copyOf(fields), null);
  }

  /** kube's {@code WithTypeAndObjectMeta}: kind, apiVersion, and metadata with only name and generateName. */
  private static void withTypeAndObjectMeta(Map<String, JsonNode> props) {
    JsonNode meta = props.get("metadata");
    boolean complete = "string".equals(text(props.get("kind"))) && "string".equals(text(props.get("apiVersion")))
        && meta != null && "object".equals(text(meta)) && meta.has("properties")
        && "string".equals(text(meta.path("properties").get("name")))
        && "string".equals(text(meta.path("properties").get("generateName")));
    if (complete) {
      return;
    }
    ObjectNode str = Json.object().put("type", "string");
    props.put("kind", str);
    props.put("apiVersion", str);
    ObjectNode m = Json.object().put("type", "object");
    m.putObject("properties").<ObjectNode>set("name", str).set("generateName", str);
    props.put("metadata", m);
  }

  private static String text(JsonNode s) {
    return s == null ? "" : s.path("type").asText("");
  }

  private static Decl string(JsonNode s) {
    String format = s.path("format").asText("");
    long perRequest = switch (format) {
      case "duration" -> MAX_DURATION_SIZE;
      case "date" -> DATE_SIZE;
      case "date-time" -> MAX_DATETIME_SIZE;
      default -> MAX_REQUEST_SIZE - 2;
    };
    return switch (format) {
      case "byte" -> Decl.simple(SimpleType.BYTES,
          s.has("maxLength") ? Math.max(0, s.get("maxLength").asLong()) : perRequest, MIN_STRING_SIZE);
      case "duration" -> Decl.simple(SimpleType.DURATION, perRequest, MIN_DURATION_SIZE);
      case "date" -> Decl.simple(SimpleType.TIMESTAMP, perRequest, DATE_SIZE);
      case "date-time" -> Decl.simple(SimpleType.TIMESTAMP, perRequest, MIN_DATETIME_SIZE);
      default -> {
        long max;
        if (s.has("maxLength")) {
          max = Math.max(0, s.get("maxLength").asLong()) * 4;
        } else if (s.path("enum").size() > 0) {
          max = 0;
          for (JsonNode e : s.get("enum")) {
            max = Math.max(max, e.isTextual() ? e.textValue().getBytes(StandardCharsets.UTF_8).length
                : 0);
          }
        } else {
          max = perRequest;
        }
        yield Decl.simple(SimpleType.STRING, max, MIN_STRING_SIZE);
      }
    };
  }
}
