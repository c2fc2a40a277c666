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
 * version, and a mutating webhook's patch, applied in that version, is converted back. Built-in kinds are matched in
 * the addressed version or the stored one and see the stored objects (their legacy versions are not converted
 * here). Reads the registry at each call. Thread-safe.
 */
public final class EquivalentVersions {

  /** A CRD's conversion webhook: {@code object} (of {@code kind}) in {@code apiVersion}. */
  @FunctionalInterface
  public interface Webhooks {
    Future<ObjectNode> convert(CustomKind kind, ObjectNode object, String apiVersion);
  }

  private final ResourceRegistry registry;
  private final Webhooks webhooks;

  private EquivalentVersions(ResourceRegistry registry, Webhooks webhooks) {
    this.registry = registry;
    this.webhooks = webhooks;
  }

  /** The versions of {@code registry}'s kinds (null: built-in kinds only); no conversion webhook is reached. */
  public static EquivalentVersions of(ResourceRegistry registry) {
    return new EquivalentVersions(registry, null);
  }

  /** These versions, with the CRDs' conversion webhooks called through {@code webhooks}. */
  public EquivalentVersions withWebhooks(Webhooks webhooks) {
    return new EquivalentVersions(registry, webhooks);
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
    ResourceType t = a.type();
    List<String> equivalents = custom(t).map(CustomKind::servedVersions).orElse(List.of(t.version()));
    for (R r : rules) {
      for (String v : equivalents) {
        if (!v.equals(a.requestVersion()) && matches.test(r, t.group(), v)) {
          return t.group().isEmpty() ? v : t.group() + "/" + v;
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
    if (apiVersion == null || apiVersion.equals(t.apiVersion()) || kind.isEmpty() || a.objectKind() != null) {
      return Future.succeededFuture(a); // a subresource's own kind (a Scale) is the same in every version
    }
    String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
    ResourceType versioned = new ResourceType(t.group(), version, t.plural(), t.singular(), t.kind(), t.namespaced(),
        t.shortNames(), t.categories(), t.subresources());
    return convert(kind.get(), a.object(), apiVersion).compose(o -> convert(kind.get(), a.oldObject(), apiVersion)
        .map(old -> new AdmissionAttributes(a.operation(), versioned, a.requestApiVersion(), a.subresource(),
            a.namespace(), a.name(), o, old, a.dryRun(), a.options(), a.user(), a.objectKind())));
  }

  /** {@code object} (of {@code stored}'s kind, in another served version) back in the storage version. */
  public Future<ObjectNode> stored(ResourceType stored, ObjectNode object) {
    Optional<CustomKind> kind = custom(stored);
    if (object == null || kind.isEmpty() || stored.apiVersion().equals(object.path("apiVersion").asText())) {
      return Future.succeededFuture(object);
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
