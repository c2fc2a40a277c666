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

  Future<Found> resolve(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a) {
    if (policy.paramKind() == null) {
      List<JsonNode> none = new ArrayList<>();
      none.add(null);
      return Future.succeededFuture(new Found(none, null));
    }
    if (b.paramRef() == null) {
      return Future.succeededFuture(new Found(List.of(), "policy " + policy.name() + " has paramKind but binding "
          + b.name() + " has no paramRef"));
    }
    String apiVersion = policy.paramKind().path("apiVersion").asText("");
    String group = apiVersion.contains("/") ? apiVersion.substring(0, apiVersion.indexOf('/')) : "";
    Optional<ResourceType> type = registry.byGroupKind(group, policy.paramKind().path("kind").asText(""));
    if (type.isEmpty()) {
      return Future.succeededFuture(new Found(List.of(), "failed to find resource referenced by paramKind: '"
          + apiVersion + ", Kind=" + policy.paramKind().path("kind").asText("") + "'"));
    }
    Informer informer = informers.apply(type.get());
    return informer.start().map(v -> find(informer, type.get(), b, a));
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
