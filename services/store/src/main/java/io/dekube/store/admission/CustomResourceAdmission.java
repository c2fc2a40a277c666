package io.dekube.store.admission;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.crd.schema.SchemaError;
import io.dekube.core.crd.schema.SchemaPruner;
import io.dekube.core.crd.schema.SchemaValidator;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.store.cel.RuleValidator;
import io.dekube.store.cel.SchemaRules;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Custom resources (kinds served from a schema: CRDs, plugins): a create's status dropped when the kind has the
 * status subresource, pruning of fields the schema does not
 * know (unless {@code x-kubernetes-preserve-unknown-fields}), defaults, then validation against the
 * openAPIV3Schema of the version written in ({@link #inVersion}; the storage version's by default) with kube's field
 * paths and messages (422 Invalid naming the
 * field), then the schema's {@code x-kubernetes-validations} CEL rules ({@link RuleValidator}), compiled
 * once per served schema and kept until the kind's schema changes. Other kinds pass through.
 * Thread-safe; reads the registry at each call, so kinds served later are admitted as soon as the
 * registry serves them.
 */
public final class CustomResourceAdmission implements WriteAdmission {

  /** A schema node (by identity: a new CRD version is a new node) and its compiled rules. */
  private record CompiledRules(JsonNode schema, SchemaRules rules) {
  }

  private final ResourceRegistry registry;
  private final Map<String, CompiledRules> rules;
  /** The {@code group/version} of the writes admitted, null for the storage version. */
  private final String apiVersion;

  public CustomResourceAdmission(ResourceRegistry registry) {
    this(registry, new ConcurrentHashMap<>(), null);
  }

  private CustomResourceAdmission(ResourceRegistry registry, Map<String, CompiledRules> rules, String apiVersion) {
    this.registry = registry;
    this.rules = rules;
    this.apiVersion = apiVersion;
  }

  /**
   * The admission of writes made in {@code apiVersion}: as kube-apiserver's handler of that version, its schema
   * prunes, defaults and validates (and its rules run). With conversion {@code None} the object differs from the
   * storage version's only in its apiVersion, so this is exactly kube's. With a conversion webhook the object here
   * is the webhook's answer in the storage version, which the writer cannot convert back (it calls no webhook, it
   * must not wait on one inside its transaction): such writes are checked against the storage version's schema,
   * as before (decision; README).
   */
  @Override
  public WriteAdmission inVersion(String apiVersion) {
    return new CustomResourceAdmission(registry, rules, apiVersion);
  }

  /** The schema that admits a write of {@code kind}: the request's version's (conversion None), else the storage's. */
  private JsonNode schema(CustomKind kind) {
    if (apiVersion != null && !kind.conversion().webhook()) {
      String group = kind.type().group() + "/";
      if (apiVersion.startsWith(group)) {
        Optional<CustomKind.Version> v = kind.served(apiVersion.substring(group.length()));
        if (v.isPresent()) {
          return v.get().schema();
        }
      }
    }
    return kind.storage().schema();
  }

  /** The writer's whole admission chain: metadata, the built-in kinds, the custom kinds of {@code registry}. */
  public static WriteAdmission chain(ResourceRegistry registry) {
    return new BasicAdmission().andThen(new KubernetesAdmission()).andThen(new CustomResourceAdmission(registry));
  }

  /**
   * The writer's whole admission chain: metadata, pod priority from {@code priorities} (the
   * Priority plugin, before the pod defaults), the built-in kinds, the custom kinds of {@code registry}.
   */
  public static WriteAdmission chain(ResourceRegistry registry, PriorityAdmission priorities) {
    return new BasicAdmission().andThen(priorities).andThen(new KubernetesAdmission())
        .andThen(new CustomResourceAdmission(registry));
  }

  /**
   * The writer's whole admission chain: metadata, pod priority from {@code priorities}, the built-in
   * kinds (their defaults, DefaultTolerationSeconds among them), the RuntimeClass plugin's overhead and
   * scheduling from {@code runtimeClasses} (after them, as in kube's plugin order), the custom kinds of
   * {@code registry}.
   */
  public static WriteAdmission chain(ResourceRegistry registry, PriorityAdmission priorities,
                                     RuntimeClassAdmission runtimeClasses) {
    return new BasicAdmission().andThen(priorities).andThen(new KubernetesAdmission()).andThen(runtimeClasses)
        .andThen(new CustomResourceAdmission(registry));
  }

  @Override
  public ObjectNode admit(ResourceType type, Verb verb, ObjectNode obj, ObjectNode old) {
    if (obj == null || verb == Verb.DELETE || verb == Verb.GET || verb == Verb.LIST) {
      return obj;
    }
    Optional<CustomKind> kind = registry.custom(type.resourceName());
    if (kind.isEmpty()) {
      return obj;
    }
    if (verb == Verb.CREATE) {
      prepareForCreate(type, obj);
    }
    JsonNode schema = schema(kind.get());
    if (schema == null) {
      return obj;
    }
    SchemaPruner.prune(obj, schema);
    SchemaPruner.defaults(obj, schema);
    FieldErrors errs = new FieldErrors();
    for (SchemaError e : SchemaValidator.validate(obj, schema)) {
      errs.add(e.reason(), e.field(), e.body());
    }
    SchemaRules rules = rules(type, schema);
    if (errs.all().stream().anyMatch(e -> e.reason().equals("FieldValueTypeInvalid"))) {
      // kube says so only when there are x-kubernetes-validations rules to skip (its CEL validator is nil otherwise)
      if (!rules.isEmpty()) {
        errs.add("FieldValueInvalid", "<nil>", "Invalid value: \"null\": some validation rules were not checked "
            + "because the object was invalid; correct the existing errors to complete validation");
      }
    } else {
      for (SchemaError e : RuleValidator.validate(rules, obj, verb == Verb.CREATE ? null : old)) {
        errs.add(e.reason(), e.field(), e.body());
      }
    }
    errs.throwIfAny(type, obj.path("metadata").path("name").asText(""));
    return obj;
  }

  /**
   * kube's {@code customResourceStrategy.PrepareForCreate}: with the status subresource a create cannot set the
   * status (it is dropped before validation; generation 1 is the writer's {@code Generation}).
   */
  @Override
  public void prepareForCreate(ResourceType type, ObjectNode obj) {
    if (type.hasSubresource("status") && registry.custom(type.resourceName()).isPresent()) {
      obj.remove("status");
    }
  }

  /** A custom resource's pruning and schema defaults, as kube-apiserver decodes one. */
  @Override
  public ObjectNode defaults(ResourceType type, Verb verb, ObjectNode obj, ObjectNode old) {
    JsonNode schema = obj == null || verb == Verb.DELETE ? null
        : registry.custom(type.resourceName()).map(this::schema).orElse(null);
    if (schema != null) {
      SchemaPruner.prune(obj, schema);
      SchemaPruner.defaults(obj, schema);
    }
    return obj;
  }

  private SchemaRules rules(ResourceType type, JsonNode schema) {
    String key = type.resourceName() + (apiVersion == null ? "" : " " + apiVersion); // one per served schema
    CompiledRules c = rules.get(key);
    if (c == null || c.schema() != schema) {
      c = new CompiledRules(schema, SchemaRules.compile(schema, ""));
      rules.put(key, c);
    }
    return c.rules();
  }
}
