package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.LabelSelector;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The parameter objects of a binding, as kube resolves {@code paramRef}: the policy's
 * {@code paramKind} from the shared informers (started on first use), by {@code name} or by
 * {@code selector}, in {@code paramRef.namespace} or, for a namespaced kind, the request's
 * namespace; none found is an error under {@code parameterNotFoundAction: Deny} and skips the
 * binding under {@code Allow}. A policy without paramKind gets one null {@code params}.
 */
final class ParamSource {

  /** The objects to evaluate with (null stands for no params), or the error that fails the binding. */
  record Found(List<JsonNode> objects, String error) {
  }

  private final ResourceRegistry registry;
  private final Function<ResourceType, Informer> informers;

  ParamSource(ResourceRegistry registry, Function<ResourceType, Informer> informers) {
    this.registry = registry;
    this.informers = informers;
  }

  /**
   * The policy's own configuration error, as kube's policy source records it for the whole policy (the
   * dispatcher's {@code failed to configure policy: ...}): a paramKind no served kind answers; null when none.
   */
  String configurationError(CompiledPolicy policy) {
    return policy.paramKind() == null || paramType(policy).isPresent() ? null
        : "failed to find resource referenced by paramKind: '" + groupVersion(policy) + ", Kind="
            + policy.paramKind().path("kind").asText("") + "'";
  }

  /**
   * The parameters of {@code b} for the request {@code a}, as kube's {@code CollectParams}: one null without
   * paramKind, and also without a paramRef (kube validates with null params then); an error (the text after
   * kube's {@code failed to configure binding: }) for a paramRef that cannot be used.
   */
  Future<Found> resolve(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a) {
    Optional<ResourceType> type = policy.paramKind() == null ? Optional.empty() : paramType(policy);
    if (b.paramRef() == null || type.isEmpty()) { // an unknown paramKind: the policy's configuration error
      List<JsonNode> none = new ArrayList<>();
      none.add(null);
      return Future.succeededFuture(new Found(none, null));
    }
    boolean namespacedRef = !b.paramRef().path("namespace").asText("").isEmpty();
    if (type.get().namespaced() && !namespacedRef && a.namespace().isEmpty()) {
      return Future.succeededFuture(new Found(List.of(),
          "cannot use namespaced paramRef in policy binding that matches cluster-scoped resources"));
    }
    if (!type.get().namespaced() && namespacedRef) {
      return Future.succeededFuture(new Found(List.of(),
          "paramRef.namespace must not be provided for a cluster-scoped `paramKind`"));
    }
    Informer informer = informers.apply(type.get());
    return informer.start().map(v -> find(informer, type.get(), b, a));
  }

  private Optional<ResourceType> paramType(CompiledPolicy policy) {
    String apiVersion = policy.paramKind().path("apiVersion").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    return registry.byGroupKind(group, policy.paramKind().path("kind").asText(""));
  }

  /** The paramKind's group and version as Go's {@code GroupVersion} prints them in a GVK ({@code /v1} for core). */
  private static String groupVersion(CompiledPolicy policy) {
    String apiVersion = policy.paramKind().path("apiVersion").asText("");
    return apiVersion.contains("/") ? apiVersion : "/" + apiVersion;
  }

  private static Found find(Informer informer, ResourceType type, PolicyBinding b, AdmissionAttributes a) {
    JsonNode ref = b.paramRef();
    String ns = ref.path("namespace").asText("");
    if (type.namespaced() && ns.isEmpty()) {
      ns = a.namespace();
    }
    List<JsonNode> found = new ArrayList<>();
    String name = ref.path("name").asText("");
    if (!name.isEmpty()) {
      ObjectNode o = informer.get(type.namespaced() ? ns : "", name);
      if (o != null) {
        found.add(o);
      }
    } else {
      LabelSelector selector = LabelSelector.fromJson(ref.path("selector"));
      String namespace = ns;
      found.addAll(informer.list(o -> (!type.namespaced() || namespace.equals(o.path("metadata").path("namespace")
          .asText(""))) && selector.matches(o)));
    }
    if (found.isEmpty()) {
      return "Allow".equals(ref.path("parameterNotFoundAction").asText("Deny")) ? new Found(List.of(), null)
          : new Found(List.of(), "no params found for policy binding with `Deny` parameterNotFoundAction");
    }
    return new Found(found, null);
  }
}
