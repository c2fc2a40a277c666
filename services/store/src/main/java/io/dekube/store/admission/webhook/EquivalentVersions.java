package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.model.CustomKind;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.vertx.core.Future;
import java.util.List;
import java.util.Optional;

/**
 * The versions a custom resource is admitted in, as kube-apiserver's admission does it for a CRD: rules match the
 * version the client addressed, else (matchPolicy {@code Equivalent}) the first other served version of the CRD
 * (rules in order, versions in the CRD's order, as kube's {@code EquivalentResourcesFor}); a webhook or a policy
 * matched in another version than the storage one gets the objects converted to it ({@code ConvertToGVK}: conversion
 * {@code None} changes the apiVersion, {@code Webhook} asks the CRD's conversion webhook), its review names that
 * version, and a mutating webhook's patch, applied in that version, is converted back. Built-in kinds are matched the
 * same way over their stored version and the others they are served in ({@link BuiltInVersions}: {@code autoscaling/v1}
 * and {@code v2} HorizontalPodAutoscalers), their objects converted by the apiserver's conversions. Reads the registry
 * at each call. Thread-safe.
 */
public final class EquivalentVersions {

  /** A CRD's conversion webhook: {@code object} (of {@code kind}) in {@code apiVersion}. */
  @FunctionalInterface
  public interface Webhooks {
    Future<ObjectNode> convert(CustomKind kind, ObjectNode object, String apiVersion);
  }

  /**
   * The other versions a built-in resource is served in (kube's equivalent resources: the same storage, as
   * {@code autoscaling/v1} and {@code v2} HorizontalPodAutoscalers) and the conversions to and from them. Pure.
   */
  public interface BuiltInVersions {

    /** None: built-in kinds are matched and seen in their stored version only. */
    BuiltInVersions NONE = new BuiltInVersions() {
      @Override
      public List<String> others(ResourceType stored) {
        return List.of();
      }

      @Override
      public ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object) {
        return object;
      }

      @Override
      public ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode object) {
        return object;
      }
    };

    /** The {@code group/version}s {@code stored} is served in besides its own, in the order rules try them. */
    List<String> others(ResourceType stored);

    /** {@code object} (of {@code stored}'s version) in {@code apiVersion}; may change {@code object}. */
    ObjectNode fromStored(ResourceType stored, String apiVersion, ObjectNode object);

    /** {@code object} (in {@code apiVersion}) in {@code stored}'s version; may change {@code object}. */
    ObjectNode toStored(ResourceType stored, String apiVersion, ObjectNode object);
  }

  private final ResourceRegistry registry;
  private final Webhooks webhooks;
  private final BuiltInVersions builtIns;

  private EquivalentVersions(ResourceRegistry registry, Webhooks webhooks, BuiltInVersions builtIns) {
    this.registry = registry;
    this.webhooks = webhooks;
    this.builtIns = builtIns;
  }

  /** The versions of {@code registry}'s kinds (null: built-in kinds only); no conversion webhook is reached. */
  public static EquivalentVersions of(ResourceRegistry registry) {
    return new EquivalentVersions(registry, null, BuiltInVersions.NONE);
  }

  /** These versions, with the CRDs' conversion webhooks called through {@code webhooks}. */
  public EquivalentVersions withWebhooks(Webhooks webhooks) {
    return new EquivalentVersions(registry, webhooks, builtIns);
  }

  /** These versions, with the built-in resources' other served versions and their conversions. */
  public EquivalentVersions withBuiltIns(BuiltInVersions builtIns) {
    return new EquivalentVersions(registry, webhooks, builtIns);
  }

  /** The {@code group/version}s a resource is served in: a CRD's served versions, a built-in's stored one first. */
  private List<String> equivalents(ResourceType t) {
    Optional<CustomKind> custom = custom(t);
    if (custom.isPresent()) {
      return custom.get().servedVersions().stream().map(v -> t.group().isEmpty() ? v : t.group() + "/" + v).toList();
    }
    List<String> out = new java.util.ArrayList<>();
    out.add(t.apiVersion());
    out.addAll(builtIns.others(t));
    return out;
  }

  private static String groupOf(String apiVersion) {
    int slash = apiVersion.indexOf('/');
    return slash < 0 ? "" : apiVersion.substring(0, slash);
  }

  private static String versionOf(String apiVersion) {
    return apiVersion.substring(apiVersion.indexOf('/') + 1);
  }

  private Optional<CustomKind> custom(ResourceType type) {
    return registry == null ? Optional.empty() : registry.custom(type.resourceName());
  }

  /**
   * The group/version in which {@code rules} match {@code a} (kube's matchPolicy), null when none does.
   *
   * @param matches whether a rule matches {@code a} in a group and version
   * @param exact   {@code matchPolicy: Exact}: the addressed version only
   */
  public <R> String matched(AdmissionAttributes a, List<R> rules, boolean exact, RuleMatch<R> matches) {
    for (R r : rules) {
      if (matches.test(r, a.requestGroup(), a.requestVersion())) {
        return a.requestApiVersion();
      }
    }
    if (exact) {
      return null;
    }
    for (R r : rules) {
      for (String v : equivalents(a.type())) {
        if (!v.equals(a.requestApiVersion()) && matches.test(r, groupOf(v), versionOf(v))) {
          return v;
        }
      }
    }
    return null;
  }

  /** Whether a rule matches in a group and version. */
  @FunctionalInterface
  public interface RuleMatch<R> {
    boolean test(R rule, String group, String version);
  }

  /** {@code matched} over a webhook's rules. */
  String matched(AdmissionAttributes a, List<Webhook.Rule> rules, boolean exact) {
    return matched(a, rules, exact, (r, g, v) -> r.matches(a.operation(), g, v, a.type().plural(), a.subresource(),
        a.type().namespaced()));
  }

  /**
   * {@code a} as a webhook or policy matched in {@code apiVersion} sees it: a custom kind's objects converted to that
   * version (copies) and its type naming it; {@code a} itself for the storage version, a built-in kind or null.
   */
  public Future<AdmissionAttributes> in(AdmissionAttributes a, String apiVersion) {
    ResourceType t = a.type();
    Optional<CustomKind> kind = custom(t);
    if (apiVersion == null || apiVersion.equals(t.apiVersion()) || a.objectKind() != null) {
      return Future.succeededFuture(a); // a subresource's own kind (a Scale) is the same in every version
    }
    ResourceType versioned = new ResourceType(groupOf(apiVersion), versionOf(apiVersion), t.plural(), t.singular(),
        t.kind(), t.namespaced(), t.shortNames(), t.categories(), t.subresources());
    if (kind.isEmpty()) {
      if (!builtIns.others(t).contains(apiVersion)) {
        return Future.succeededFuture(a);
      }
      // a built-in kind's other version (kube's ConvertToGVK through its scheme): copies converted here
      ObjectNode o = a.object() == null ? null : builtIns.fromStored(t, apiVersion, a.object().deepCopy());
      ObjectNode old = a.oldObject() == null ? null : builtIns.fromStored(t, apiVersion, a.oldObject().deepCopy());
      return Future.succeededFuture(new AdmissionAttributes(a.operation(), versioned, a.requestApiVersion(),
          a.subresource(), a.namespace(), a.name(), o, old, a.dryRun(), a.options(), a.user(), a.objectKind(),
          a.annotations()));
    }
    return convert(kind.get(), a.object(), apiVersion).compose(o -> convert(kind.get(), a.oldObject(), apiVersion)
        .map(old -> new AdmissionAttributes(a.operation(), versioned, a.requestApiVersion(), a.subresource(),
            a.namespace(), a.name(), o, old, a.dryRun(), a.options(), a.user(), a.objectKind(),
            a.annotations())));
  }

  /** {@code object} (of {@code stored}'s kind, in another served version) back in the storage version. */
  public Future<ObjectNode> stored(ResourceType stored, ObjectNode object) {
    Optional<CustomKind> kind = custom(stored);
    String apiVersion = object == null ? "" : object.path("apiVersion").asText();
    if (object == null || stored.apiVersion().equals(apiVersion)) {
      return Future.succeededFuture(object);
    }
    if (kind.isEmpty()) {
      return Future.succeededFuture(builtIns.others(stored).contains(apiVersion)
          ? builtIns.toStored(stored, apiVersion, object) : object);
    }
    return convert(kind.get(), object, stored.apiVersion());
  }

  private Future<ObjectNode> convert(CustomKind kind, ObjectNode object, String apiVersion) {
    if (object == null || apiVersion.equals(object.path("apiVersion").asText())) {
      return Future.succeededFuture(object);
    }
    if (!kind.conversion().webhook()) {
      ObjectNode copy = object.deepCopy();
      copy.put("apiVersion", apiVersion);
      return Future.succeededFuture(copy);
    }
    if (webhooks == null) {
      return Future.failedFuture(new StatusException(500, "", "conversion webhook for "
          + ConversionWebhook.gvk(object.path("apiVersion").asText(""), kind.type().kind()) + " failed: webhook conversion is not "
          + "available here (dekube converts in the apiserver)"));
    }
    return webhooks.convert(kind, object.deepCopy(), apiVersion);
  }

}
