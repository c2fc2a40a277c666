package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.webhook.AdmissionAttributes;
import io.dekube.store.admission.webhook.EquivalentVersions;
import io.dekube.store.admission.webhook.AdmissionCelVars;
import io.dekube.store.admission.webhook.ConfigurationSource;
import io.dekube.store.admission.webhook.ValidatingPolicies;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.store.cel.CelAuthorizer;
import io.dekube.store.cel.CelLoader;
import io.dekube.store.cel.CelValues;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ValidatingAdmissionPolicies enforced for the writes of the apiserver and of the components on the
 * bus, as kube's ValidatingAdmissionPolicy plugin: every binding of a policy whose matchConstraints
 * (and the binding's matchResources) cover the request is evaluated ({@link PolicyEvaluator}) with
 * {@code object}, {@code oldObject}, {@code request}, {@code authorizer}, {@code namespaceObject} and
 * {@code params} (each object its {@code paramRef} names or selects; none found:
 * {@code parameterNotFoundAction}); a failure under {@code Deny} answers kube's {@code ValidatingAdmissionPolicy 'P' with binding 'B' denied request: ...} with the
 * reason's code, under {@code Warn} becomes a {@code Warning} header, under {@code Audit} is logged.
 * Policies and bindings are compiled once per cache version. Runs on an event loop.
 */
public final class PolicyAdmission implements ValidatingPolicies {

  private static final Logger LOG = LoggerFactory.getLogger(PolicyAdmission.class);
  private static final String GROUP = "admissionregistration.k8s.io";

  private record Parsed(long policiesRv, long bindingsRv, List<CompiledPolicy> policies, List<PolicyBinding> bindings) {
  }

  private final ConfigurationSource policyCache;
  private final ConfigurationSource bindingCache;
  private final Function<String, ObjectNode> namespaces;
  private final ParamSource params;
  private final CelAuthorizer authorizer;
  private final EquivalentVersions versions;
  private volatile Parsed parsed = new Parsed(-2, -2, List.of(), List.of());

  PolicyAdmission(ConfigurationSource policies, ConfigurationSource bindings, Function<String, ObjectNode> namespaces,
                  ParamSource params, CelAuthorizer authorizer) {
    this(policies, bindings, namespaces, params, authorizer, EquivalentVersions.of(null));
  }

  PolicyAdmission(ConfigurationSource policies, ConfigurationSource bindings, Function<String, ObjectNode> namespaces,
                  ParamSource params, CelAuthorizer authorizer, EquivalentVersions versions) {
    this.versions = versions;
    this.authorizer = authorizer;
    this.policyCache = policies;
    this.bindingCache = bindings;
    this.namespaces = namespaces;
    this.params = params;
  }

  /**
   * The policies and bindings of {@code registry}'s shared informers, with {@code authorizer} behind
   * the {@code authorizer} variable; completes once their caches replayed.
   */
  public static Future<PolicyAdmission> start(ResourceRegistry registry, Function<ResourceType, Informer> informers,
                                              CelAuthorizer authorizer) {
    return start(registry, informers, authorizer, EquivalentVersions.of(registry));
  }

  /** As above, a custom resource matched and converted in the {@code versions} of its kind (kube's ConvertToGVK). */
  public static Future<PolicyAdmission> start(ResourceRegistry registry, Function<ResourceType, Informer> informers,
                                              CelAuthorizer authorizer, EquivalentVersions versions) {
    Function<String, ConfigurationSource> cache = plural -> ConfigurationSource.of(
        informers.apply(registry.byGroupPlural(GROUP, plural).orElseThrow()));
    Informer namespaces = informers.apply(registry.byResourceName("namespaces").orElseThrow());
    Informer policyInformer = informers.apply(registry.byGroupPlural(GROUP, "validatingadmissionpolicies").orElseThrow());
    policyInformer.addHandler(CelLoader.onObjects(policy -> true)); // every policy is CEL
    ConfigurationSource policies = ConfigurationSource.of(policyInformer);
    ConfigurationSource bindings = cache.apply("validatingadmissionpolicybindings");
    PolicyAdmission p = new PolicyAdmission(policies, bindings, ns -> namespaces.get("", ns),
        new ParamSource(registry, informers), authorizer, versions);
    return Future.all(policies.start(), bindings.start(), namespaces.start()).map(v -> p);
  }

  @Override
  public boolean mayApply(ResourceType type) {
    Parsed p = current();
    return !p.bindings().isEmpty() && p.policies().stream()
        .anyMatch(c -> c.constraints() != null && c.constraints().mayConcern(type.plural()));
  }

  @Override
  public Future<Void> validate(AdmissionAttributes a, List<String> warnings) {
    Parsed p = current();
    Future<Void> chain = Future.succeededFuture();
    for (CompiledPolicy policy : p.policies()) {
      String version = policy.constraints() == null ? null
          : policy.constraints().matchedVersion(a, namespaces, versions);
      if (version == null) {
        continue;
      }
      for (PolicyBinding b : p.bindings()) {
        if (b.policyName().equals(policy.name()) && (b.matchResources() == null
            || b.matchResources().matches(a, namespaces))) {
          // the policy sees the objects in the version its constraints matched (kube's versioned attributes)
          chain = chain.compose(v -> versions.in(a, version)).compose(versioned -> binding(policy, b, versioned,
              warnings));
        }
      }
    }
    return chain;
  }

  /** Evaluates {@code policy} as bound by {@code b}, once per parameter object. */
  private Future<Void> binding(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a, List<String> warnings) {
    return params.resolve(policy, b, a).compose(found -> {
      List<PolicyEvaluator.Failure> failures = new ArrayList<>();
      if (found.error() != null) {
        if (!policy.failOpen()) {
          failures.add(new PolicyEvaluator.Failure(found.error(), "Forbidden"));
        }
      } else {
        Map<String, Object> vars = AdmissionCelVars.of(a, authorizer);
        ObjectNode ns = a.type().namespaced() && !a.namespace().isEmpty() ? namespaces.apply(a.namespace()) : null;
        vars.put("namespaceObject", CelValues.of(ns));
        for (JsonNode param : found.objects()) {
          vars.put("params", CelValues.of(param));
          failures.addAll(PolicyEvaluator.evaluate(policy, vars));
        }
      }
      return act(policy, b, a, failures, warnings);
    });
  }

  private static Future<Void> act(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a,
                                  List<PolicyEvaluator.Failure> failures, List<String> warnings) {
    for (PolicyEvaluator.Failure f : failures) {
      if (b.actions().contains("Warn")) {
        warnings.add("Validation failed for ValidatingAdmissionPolicy '" + policy.name() + "' with binding '" + b.name()
            + "': " + f.message());
      }
      if (b.actions().contains("Audit")) {
        LOG.info("audit: ValidatingAdmissionPolicy {} with binding {} failed for {} {}/{}: {}", policy.name(), b.name(),
            a.type().resourceName(), a.namespace(), a.name(), f.message());
      }
    }
    if (b.actions().contains("Deny") && !failures.isEmpty()) {
      return Future.failedFuture(denied(policy, b, a, failures.get(0)));
    }
    return Future.succeededFuture();
  }

  /** kube's denial: the reason's code, {@code <resource> "<name>" is forbidden: ValidatingAdmissionPolicy ...}. */
  static StatusException denied(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a,
                                PolicyEvaluator.Failure f) {
    String message = "ValidatingAdmissionPolicy '" + policy.name() + "' with binding '" + b.name()
        + "' denied request: " + f.message();
    String resource = a.type().plural() + (a.type().group().isEmpty() ? "" : "." + a.type().group());
    String text = resource + (a.name().isEmpty() ? "" : " \"" + a.name() + "\"") + " is forbidden: " + message;
    int code = switch (f.reason()) {
      case "Unauthorized" -> 401;
      case "Invalid" -> 422;
      case "RequestEntityTooLarge" -> 413;
      default -> 403;
    };
    ObjectNode details = Json.object().put("name", a.name()).put("group", a.type().group())
        .put("kind", a.type().plural());
    details.putArray("causes").addObject().put("message", message);
    return new StatusException(code, f.reason(), text, details);
  }

  private Parsed current() {
    Parsed p = parsed;
    long prv = policyCache.resourceVersion();
    long brv = bindingCache.resourceVersion();
    if (p.policiesRv() != prv || p.bindingsRv() != brv) {
      List<CompiledPolicy> policies = p.policiesRv() == prv ? p.policies() : read(policyCache).stream()
          .map(CompiledPolicy::of).toList();
      List<PolicyBinding> bindings = read(bindingCache).stream().map(PolicyBinding::of).toList();
      p = new Parsed(prv, brv, policies, bindings);
      parsed = p;
    }
    return p;
  }

  private static List<ObjectNode> read(ConfigurationSource cache) {
    List<ObjectNode> objects = new ArrayList<>(cache.items());
    objects.sort(Comparator.comparing(o -> o.path("metadata").path("name").asText("")));
    return objects;
  }
}
