package io.dekube.store.admission.policy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * ValidatingAdmissionPolicies enforced for the writes of the apiserver and of the components on the
 * bus, as kube's ValidatingAdmissionPolicy plugin: every binding of a policy whose matchConstraints
 * (and the binding's matchResources) cover the request is evaluated ({@link PolicyEvaluator}) with
 * {@code object}, {@code oldObject}, {@code request}, {@code authorizer}, {@code namespaceObject} and
 * {@code params} (each object its {@code paramRef} names or selects; none found:
 * {@code parameterNotFoundAction}); a failure under {@code Deny} answers kube's {@code ValidatingAdmissionPolicy 'P' with binding 'B' denied request: ...} with the
 * reason's code, under {@code Warn} becomes a {@code Warning} header, under {@code Audit} the request's
 * {@code validation.policy.admission.k8s.io/validation_failure} audit annotation; the policies' {@code auditAnnotations}
 * become the request's {@code <policy>/<key>} audit annotations.
 * Policies and bindings are compiled once per cache version. Runs on an event loop.
 */
public final class PolicyAdmission implements ValidatingPolicies {

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

  /**
   * Evaluates every bound policy that matches, as kube's dispatcher: all of them, then the first denial (in policy,
   * binding, parameter and validation order) answers; each policy's audit annotations are published once its bindings
   * ran ({@code <policy>/<key>}, the distinct values of its bindings joined with {@code ", "}).
   */
  @Override
  public Future<Void> validate(AdmissionAttributes a, List<String> warnings) {
    Parsed p = current();
    List<StatusException> denials = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (CompiledPolicy policy : p.policies()) {
      String version = policy.constraints() == null ? null
          : policy.constraints().matchedVersion(a, namespaces, versions);
      if (version == null) {
        continue;
      }
      String configurationError = params.configurationError(policy);
      if (configurationError != null) {
        // kube's dispatcher: the policy's own error denies once, before any binding, whatever their actions
        if (!policy.failOpen() && p.bindings().stream().anyMatch(b -> b.policyName().equals(policy.name()))) {
          denials.add(denied(policy, null, a, new PolicyEvaluator.Failure("failed to configure policy: "
              + configurationError, PolicyEvaluator.NO_REASON)));
        }
        continue;
      }
      Map<String, List<String>> annotations = new LinkedHashMap<>();
      for (PolicyBinding b : p.bindings()) {
        if (b.policyName().equals(policy.name()) && (b.matchResources() == null
            || b.matchResources().matches(a, namespaces))) {
          // the policy sees the objects in the version its constraints matched (kube's versioned attributes)
          chain = chain.compose(v -> versions.in(a, version)).compose(versioned -> binding(policy, b, versioned,
              warnings, denials, annotations));
        }
      }
      chain = chain.andThen(done -> annotations.forEach((key, values) ->
          a.annotations().add(policy.name() + "/" + key, String.join(", ", values))));
    }
    return chain.compose(v -> denials.isEmpty() ? Future.succeededFuture() : Future.failedFuture(denials.get(0)));
  }

  /** Evaluates {@code policy} as bound by {@code b}, once per parameter object. */
  private Future<Void> binding(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a, List<String> warnings,
                               List<StatusException> denials, Map<String, List<String>> annotations) {
    return params.resolve(policy, b, a).map(found -> {
      if (found.error() != null) {
        // kube's addConfigError: denies under Fail whatever the binding's actions
        if (!policy.failOpen()) {
          denials.add(denied(policy, b, a, new PolicyEvaluator.Failure("failed to configure binding: " + found.error(),
              PolicyEvaluator.NO_REASON)));
        }
        return null;
      }
      Map<String, Object> vars = AdmissionCelVars.of(a, authorizer);
      ObjectNode ns = a.type().namespaced() && !a.namespace().isEmpty() ? namespaces.apply(a.namespace()) : null;
      vars.put("namespaceObject", CelValues.of(ns));
      for (JsonNode param : found.objects()) {
        vars.put("params", CelValues.of(param));
        PolicyEvaluator.Evaluation e = PolicyEvaluator.run(policy, vars);
        act(policy, b, a, e.failures(), warnings, denials);
        e.annotations().forEach((key, value) -> {
          List<String> values = annotations.computeIfAbsent(key, k -> new ArrayList<>());
          if (!values.contains(value)) {
            values.add(value);
          }
        });
        // kube: an audit annotation that fails under Fail denies, whatever the binding's actions (reason Invalid)
        e.annotationErrors().forEach(m -> denials.add(denied(policy, b, a, new PolicyEvaluator.Failure(m, "Invalid"))));
      }
      return null;
    });
  }

  /**
   * The binding's validationActions for each failure, as kube's dispatcher: Deny keeps the denial, Warn adds kube's
   * warning, Audit the {@code validation.policy.admission.k8s.io/validation_failure} audit annotation.
   */
  private static void act(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a,
                          List<PolicyEvaluator.Failure> failures, List<String> warnings,
                          List<StatusException> denials) {
    for (PolicyEvaluator.Failure f : failures) {
      for (String action : b.actions()) {
        switch (action) {
          case "Deny" -> denials.add(denied(policy, b, a, f));
          case "Warn" -> warnings.add("Validation failed for ValidatingAdmissionPolicy '" + policy.name()
              + "' with binding '" + b.name() + "': " + f.message());
          case "Audit" -> a.annotations().add(VALIDATION_FAILURE, validationFailure(b, f));
          default -> {
          }
        }
      }
    }
  }

  /** The key of kube's annotation of a failure under the {@code Audit} action. */
  static final String VALIDATION_FAILURE = "validation.policy.admission.k8s.io/validation_failure";

  /**
   * kube's {@code ValidationFailureValue} list of one failure: message, policy, binding, expressionIndex,
   * validationActions, as Go's encoding/json writes it (a request keeps the first one: kube refuses to overwrite it).
   */
  static String validationFailure(PolicyBinding b, PolicyEvaluator.Failure f) {
    ArrayNode list = Json.MAPPER.createArrayNode();
    ObjectNode v = list.addObject().put("message", f.message()).put("policy", b.policyName()).put("binding", b.name())
        .put("expressionIndex", f.index());
    b.actions().forEach(v.putArray("validationActions")::add);
    try {
      return Json.GO.writeValueAsString(list);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * kube's denial: {@code <resource> "<name>" is forbidden: ValidatingAdmissionPolicy 'P' with binding 'B' denied
   * request: ...} ({@code b} null: the policy's own configuration error, without a binding) with the failure's
   * reason, Invalid when it has none (an error), and the code kube's {@code reasonToCode} gives it (422 for any other).
   */
  static StatusException denied(CompiledPolicy policy, PolicyBinding b, AdmissionAttributes a,
                                PolicyEvaluator.Failure f) {
    String message = "ValidatingAdmissionPolicy '" + policy.name() + "'"
        + (b == null ? "" : " with binding '" + b.name() + "'") + " denied request: " + f.message();
    String reason = f.reason() == null || f.reason().isEmpty() ? "Invalid" : f.reason();
    String resource = a.type().plural() + (a.type().group().isEmpty() ? "" : "." + a.type().group());
    String text = resource + (a.name().isEmpty() ? "" : " \"" + a.name() + "\"") + " is forbidden: " + message;
    int code = switch (reason) {
      case "Forbidden" -> 403;
      case "Unauthorized" -> 401;
      case "RequestEntityTooLarge" -> 413;
      default -> 422;
    };
    ObjectNode details = Json.object().put("name", a.name()).put("group", a.type().group())
        .put("kind", a.type().plural());
    details.putArray("causes").addObject().put("message", message);
    return new StatusException(code, reason, text, details);
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
