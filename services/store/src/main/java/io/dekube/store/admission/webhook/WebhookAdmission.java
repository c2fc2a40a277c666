package io.dekube.store.admission.webhook;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.Verb;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.CreateFieldSource;
import io.dekube.core.store.CreateFields;
import io.dekube.core.store.Generation;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.admission.PriorityAdmission;
import io.dekube.store.admission.RuntimeClassAdmission;
import io.dekube.store.admission.WriteAdmission;
import io.dekube.store.cel.CelAuthorizer;
import io.dekube.store.cel.CelLoader;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Dynamic admission as kube-apiserver's MutatingAdmissionWebhook and ValidatingAdmissionWebhook
 * plugins do it, before a write goes to the bus (the apiserver's REST writes, and the writes of the
 * bus components through {@link AdmittingStore}): the mutating webhooks one after
 * the other (each sees the object as the ones before it patched it; a webhook with
 * {@code reinvocationPolicy: IfNeeded} is called once more when a later one changed the object),
 * then the validating webhooks side by side. Webhooks and policies see a create's or an update's object
 * with its defaults, as kube decodes it and its built-in mutating plugins fill it (the writer's
 * {@link WriteAdmission#defaults}), before the mutating webhooks and again after them: a policy's
 * {@code object.spec.replicas} is 1 on a Deployment that left it out. The policies and validating webhooks see a
 * create as kube's store hands it to them: with its generated name, uid, creationTimestamp and what the kind's
 * strategy prepares (a pod's qosClass), which the answer carries to the writer. A denial answers kube's
 * {@code admission webhook "NAME" denied the request: ...} with the webhook's code (400 when it gave
 * none below 400); a failed call answers 500 {@code failed calling webhook "NAME": ...} under
 * {@code failurePolicy: Fail} and is skipped under {@code Ignore}. Requests on the webhook
 * configurations themselves are never sent to webhooks, as kube exempts them. Never blocks: calls
 * are Vert.x HTTP requests. Thread-safe.
 */
public final class WebhookAdmission {

  private static final Logger LOG = LoggerFactory.getLogger(WebhookAdmission.class);
  private static final String GROUP = "admissionregistration.k8s.io";
  /** How many names a generated-name create tries (kube's {@code maxNameGenerationCreateAttempts}). */
  static final int GENERATE_NAME_ATTEMPTS = 8;
  private static final Set<String> EXEMPT = Set.of("validatingwebhookconfigurations", "mutatingwebhookconfigurations",
      "validatingadmissionpolicies", "validatingadmissionpolicybindings", "mutatingadmissionpolicies",
      "mutatingadmissionpolicybindings");

  private final WebhookConfigurations configurations;
  private final WebhookMatcher matcher;
  private final WebhookClient client;
  private final ValidatingPolicies policies;
  private final WriteAdmission defaulting;
  private final EquivalentVersions versions;
  private final CreateFieldSource serverFields = CreateFieldSource.system();

  /**
   * The result of admission: the object to write (patched by mutating webhooks), the warnings for the client, and
   * for a create the server fields the policies and validating webhooks saw, for the writer to store (the request
   * option {@code serverFields}; null when none were chosen).
   */
  public record Admitted(ObjectNode object, List<String> warnings, CreateFields serverFields) {

    /** {@code object} as it came, nothing to warn of, no server fields. */
    public static Admitted unchanged(ObjectNode object) {
      return new Admitted(object, List.of(), null);
    }
  }

  /** What the validating stage sees: the attributes, and the server fields filled in for a create (else null). */
  private record Prepared(AdmissionAttributes attributes, CreateFields fields) {
  }

  /**
   * @param vertx      for the HTTP clients
   * @param validating the cache of ValidatingWebhookConfigurations
   * @param mutating   the cache of MutatingWebhookConfigurations
   * @param namespaces a Namespace by name from the cache, or null (for namespace selectors)
   * @param services   where a webhook's Service is reached
   */
  public WebhookAdmission(Vertx vertx, ConfigurationSource validating, ConfigurationSource mutating,
                          Function<String, ObjectNode> namespaces, ServiceResolver services) {
    this(vertx, validating, mutating, namespaces, services, ValidatingPolicies.NONE, CelAuthorizer.NONE,
        (type, verb, n, o) -> n);
  }

  /**
   * As above, with the ValidatingAdmissionPolicies run between the mutating and the validating
   * webhooks, what matchConditions' {@code authorizer} asks, and the {@code defaulting} of the objects
   * they see.
   */
  public WebhookAdmission(Vertx vertx, ConfigurationSource validating, ConfigurationSource mutating,
                          Function<String, ObjectNode> namespaces, ServiceResolver services,
                          ValidatingPolicies policies, CelAuthorizer authorizer, WriteAdmission defaulting) {
    this(vertx, validating, mutating, namespaces, services, policies, authorizer, defaulting,
        EquivalentVersions.of(null));
  }

  /** As above, with the {@code versions} a custom resource is matched and converted in. */
  public WebhookAdmission(Vertx vertx, ConfigurationSource validating, ConfigurationSource mutating,
                          Function<String, ObjectNode> namespaces, ServiceResolver services,
                          ValidatingPolicies policies, CelAuthorizer authorizer, WriteAdmission defaulting,
                          EquivalentVersions versions) {
    this.configurations = new WebhookConfigurations(validating, mutating);
    this.versions = versions;
    this.matcher = new WebhookMatcher(namespaces, authorizer, versions);
    this.client = new WebhookClient(vertx, services);
    this.policies = policies;
    this.defaulting = defaulting;
  }

  /**
   * The webhooks of {@code registry}'s configurations, read from the shared informers; completes
   * once their caches replayed the store.
   */
  public static Future<WebhookAdmission> start(Vertx vertx, io.dekube.core.model.ResourceRegistry registry,
                                               Function<ResourceType, io.dekube.core.informer.Informer> informers,
                                               ServiceResolver services, ValidatingPolicies policies,
                                               CelAuthorizer authorizer) {
    return start(vertx, registry, informers, services, policies, authorizer, EquivalentVersions.of(registry));
  }

  /** As above, with the {@code versions} a custom resource is matched and converted in (its conversion webhooks). */
  public static Future<WebhookAdmission> start(Vertx vertx, io.dekube.core.model.ResourceRegistry registry,
                                               Function<ResourceType, io.dekube.core.informer.Informer> informers,
                                               ServiceResolver services, ValidatingPolicies policies,
                                               CelAuthorizer authorizer, EquivalentVersions versions) {
    Function<String, ConfigurationSource> cache = plural -> {
      io.dekube.core.informer.Informer configs = informers.apply(registry.byGroupPlural(GROUP, plural).orElseThrow());
      configs.addHandler(CelLoader.onObjects(CelLoader::hasMatchConditions));
      return ConfigurationSource.of(configs);
    };
    io.dekube.core.informer.Informer namespaces = informers.apply(registry.byResourceName("namespaces").orElseThrow());
    // the Priority and RuntimeClass plugins fill a new pod's fields before the webhooks and policies see it
    io.dekube.core.informer.Informer priorityClasses = informers.apply(registry
        .byGroupPlural("scheduling.k8s.io", "priorityclasses").orElseThrow());
    io.dekube.core.informer.Informer runtimeClasses = informers.apply(registry
        .byGroupPlural("node.k8s.io", "runtimeclasses").orElseThrow());
    WriteAdmission defaulting = CustomResourceAdmission.chain(registry,
        new PriorityAdmission(priorityClasses::list, name -> priorityClasses.get("", name)),
        new RuntimeClassAdmission(name -> runtimeClasses.get("", name)));
    WebhookAdmission w = new WebhookAdmission(vertx, cache.apply("validatingwebhookconfigurations"),
        cache.apply("mutatingwebhookconfigurations"), ns -> namespaces.get("", ns), services, policies,
        authorizer, defaulting, versions);
    return Future.all(List.of(w.start(), namespaces.start(), priorityClasses.start(), runtimeClasses.start()))
        .map(v -> w);
  }

  /** Starts the configuration caches. */
  public Future<Void> start() {
    return configurations.start();
  }

  /**
   * Whether a write of {@code type} may reach a webhook or a policy at all: the kind is not exempt
   * and some webhook or bound policy has a rule naming its resource (or {@code *}). When false,
   * callers skip the reads admission needs.
   */
  public boolean mayApply(ResourceType type) {
    if (type.group().equals(GROUP) && EXEMPT.contains(type.plural())) {
      return false;
    }
    return policies.mayApply(type) || configurations.mutating().stream().anyMatch(w -> w.mayConcern(type.plural()))
        || configurations.validating().stream().anyMatch(w -> w.mayConcern(type.plural()));
  }

  /**
   * Whether some webhook's rules match {@code operation} on {@code type}'s {@code subresource} ("" for
   * the object) in the stored version (or, with matchPolicy Equivalent, another version of a custom kind), before any
   * selector, or some bound policy may concern the kind:
   * when false, a bus component's write needs neither the current object nor a call.
   */
  public boolean mayApply(ResourceType type, String operation, String subresource) {
    if (!mayApply(type)) {
      return false;
    }
    if (policies.mayApply(type)) {
      return true;
    }
    // a component writes in the stored version; a custom kind's rules may match it in another one (Equivalent)
    AdmissionAttributes a = new AdmissionAttributes(operation, type, type.apiVersion(), subresource, "", "", null, null,
        false, null, null);
    return configurations.mutating().stream().anyMatch(w -> matcher.matchedVersion(w, a) != null)
        || configurations.validating().stream().anyMatch(w -> matcher.matchedVersion(w, a) != null);
  }

  /**
   * Runs the mutating webhooks, the ValidatingAdmissionPolicies, then the validating webhooks that match {@code a}.
   * A create of an object is validated as kube-apiserver's store validates it, once the server fields are filled
   * ({@link #prepared}); the answer carries them.
   */
  public Future<Admitted> admit(AdmissionAttributes a) {
    return admit(a, UnaryOperator.identity());
  }

  /**
   * {@link #admit(AdmissionAttributes)} with what kube's REST handler does between the mutating and the validating
   * admission ({@code beforeValidation}, on the mutated object; it may throw a {@link StatusException}): a
   * TokenRequest's defaults and static validation. Applied also when no webhook or policy applies.
   */
  public Future<Admitted> admit(AdmissionAttributes a, UnaryOperator<ObjectNode> beforeValidation) {
    if (!mayApply(a.type())) {
      try {
        return Future.succeededFuture(Admitted.unchanged(beforeValidation.apply(a.object())));
      } catch (StatusException e) {
        return Future.failedFuture(e);
      }
    }
    List<String> warnings = new ArrayList<>();
    try {
      return mutate(defaulted(a), warnings).map(this::defaulted)
          .map(m -> m.object() == null ? m : m.withObject(beforeValidation.apply(m.object()))).compose(mutated -> {
        Prepared p = prepared(mutated);
        return policies.validate(p.attributes(), warnings).compose(v -> validate(p.attributes(), warnings))
            .map(v -> new Admitted(mutated.object(), List.copyOf(warnings), p.fields()));
      });
    } catch (StatusException e) {
      return Future.failedFuture(e);
    }
  }

  /**
   * Admits the create {@code a} and writes it with {@code write}; when the writer answers that the generated name the
   * validating webhooks and policies saw was taken meanwhile (kube's generate-name conflict), validates the mutated
   * object again with another generated name and writes that, up to {@value #GENERATE_NAME_ATTEMPTS} times, as kube's
   * RetryGenerateName runs its store's create again (the mutating webhooks ran once, before any name was generated).
   * A write admission skips ({@link #mayApply}) goes straight to {@code write}.
   */
  public <T> Future<T> create(AdmissionAttributes a, Function<Admitted, Future<T>> write) {
    return admit(a).compose(admitted -> writeRenaming(a, admitted, write, GENERATE_NAME_ATTEMPTS));
  }

  private <T> Future<T> writeRenaming(AdmissionAttributes a, Admitted admitted, Function<Admitted, Future<T>> write,
                                      int left) {
    return write.apply(admitted).recover(e -> {
      if (left <= 1 || admitted.serverFields() == null || !generateNameConflict(e)) {
        return Future.failedFuture(e);
      }
      List<String> warnings = new ArrayList<>();
      Prepared p;
      try {
        p = prepared(a.withObject(admitted.object()));
      } catch (StatusException se) {
        return Future.failedFuture(se);
      }
      return policies.validate(p.attributes(), warnings).compose(v -> validate(p.attributes(), warnings))
          .compose(v -> writeRenaming(a, new Admitted(admitted.object(), List.copyOf(warnings), p.fields()), write,
              left - 1));
    });
  }

  /** The writer's answer to a create whose generated name was taken: kube's 409 generate-name conflict. */
  static boolean generateNameConflict(Throwable e) {
    return e instanceof StatusException se && se.code() == 409 && "AlreadyExists".equals(se.reason())
        && String.valueOf(se.getMessage()).endsWith("the server was not able to generate a unique name for the object");
  }

  /**
   * What the validating stage sees of {@code a}: for a create of an object (not of a subresource), what kube's
   * store fills after the mutating admission and before it calls the validating one — a uid, the creationTimestamp
   * and a name generated from {@code generateName} ({@link CreateFieldSource}, as the writer makes them), generation
   * 1 where the kind has one, and the kind's {@code PrepareForCreate} ({@link WriteAdmission#prepareForCreate}: a
   * pod's {@code status.qosClass}); the request's name is the generated one, as kube's validating attributes name it.
   * Other writes as they are.
   */
  private Prepared prepared(AdmissionAttributes a) {
    if (!a.operation().equals(AdmissionAttributes.CREATE) || a.object() == null || !a.subresource().isEmpty()
        || a.objectKind() != null) {
      return new Prepared(a, null);
    }
    ObjectNode obj = a.object().deepCopy();
    CreateFields fields = serverFields.fill(obj);
    Generation.onCreate(a.type(), obj);
    defaulting.prepareForCreate(a.type(), obj);
    String name = a.name().isEmpty() ? obj.path("metadata").path("name").asText("") : a.name();
    return new Prepared(a.named(name, obj), fields);
  }

  /**
   * {@code a} with its object defaulted, when it is a create or an update of an object (not of a subresource).
   * A refusal by a built-in plugin (a ServiceAccount not in this process's cache yet) leaves the object as it
   * was: the writer answers it after its own consistent read.
   */
  private AdmissionAttributes defaulted(AdmissionAttributes a) {
    Verb verb = a.operation().equals(AdmissionAttributes.CREATE) ? Verb.CREATE
        : a.operation().equals(AdmissionAttributes.UPDATE) ? Verb.UPDATE : null;
    if (verb == null || a.object() == null || !a.subresource().isEmpty() || a.objectKind() != null) {
      return a;
    }
    try {
      return a.withObject(defaulting.defaults(a.type(), verb, a.object().deepCopy(), a.oldObject()));
    } catch (StatusException e) {
      return a;
    }
  }

  // ---- mutating: one after the other, then once more for IfNeeded webhooks that missed a change

  private Future<AdmissionAttributes> mutate(AdmissionAttributes a, List<String> warnings) {
    List<Webhook> hooks = configurations.mutating();
    if (hooks.isEmpty() || a.object() == null) {
      // a delete has no object to patch: mutating webhooks are still asked, a patch is kube's 500
      return hooks.isEmpty() ? Future.succeededFuture(a) : askInTurn(hooks, a, warnings);
    }
    int[] changesSeen = new int[hooks.size()];
    int[] changes = {0};
    boolean[] called = new boolean[hooks.size()];
    return mutatePass(hooks, a, 0, List.of(), changesSeen, changes, called, warnings).compose(after -> {
      List<Integer> again = new ArrayList<>();
      for (int i = 0; i < hooks.size(); i++) {
        if (called[i] && hooks.get(i).reinvokeIfNeeded() && changesSeen[i] < changes[0]) {
          again.add(i);
        }
      }
      return again.isEmpty() ? Future.succeededFuture(after)
          : mutatePass(hooks, after, 0, again, changesSeen, changes, called, warnings);
    });
  }

  /** Calls hooks[i] (every i from {@code from}, or only those in {@code only} when not empty) in order. */
  private Future<AdmissionAttributes> mutatePass(List<Webhook> hooks, AdmissionAttributes a, int from,
                                                 List<Integer> only, int[] changesSeen, int[] changes,
                                                 boolean[] called, List<String> warnings) {
    for (int i = from; i < hooks.size(); i++) {
      Webhook w = hooks.get(i);
      if ((!only.isEmpty() && !only.contains(i)) || !matcher.selected(w, a)) {
        continue;
      }
      int index = i;
      return versions.in(a, matcher.matchedVersion(w, a)).compose(versioned -> {
        if (!matcher.conditions(w, versioned)) {
          return mutatePass(hooks, a, index + 1, only, changesSeen, changes, called, warnings);
        }
        called[index] = true;
        int round = only.isEmpty() ? 0 : 1;
        boolean[] mutated = {false};
        return callOne(w, versioned, warnings).compose(answer -> {
          if (answer == null) {
            WebhookAnnotations.failedOpen(a.annotations(), round, index, w);
          }
          boolean patches = answer != null && WebhookAnnotations.hasOperations(answer.patch()) && a.object() != null;
          ObjectNode patched = patches ? applyPatch(w, versioned, answer) : null;
          if (patched != null) {
            WebhookAnnotations.patch(a.annotations(), round, index, w, answer.patch());
          } else if (patches) {
            WebhookAnnotations.failedOpen(a.annotations(), round, index, w); // a patch type kube does not apply
          }
          // the patch applies in the webhook's version; the object goes on in the stored one (kube converts back)
          Future<ObjectNode> back = a.objectKind() != null ? Future.succeededFuture(patched)
              : versions.stored(a.type(), patched);
          return back.map(stored -> {
            if (stored != null && !stored.equals(a.object())) {
              changes[0]++;
              mutated[0] = true;
              return a.withObject(stored);
            }
            return a;
          });
        }).andThen(ar -> WebhookAnnotations.mutation(a.annotations(), round, index, w, mutated[0])).compose(next -> {
          changesSeen[index] = changes[0];
          return mutatePass(hooks, next, index + 1, only, changesSeen, changes, called, warnings);
        });
      });
    }
    return Future.succeededFuture(a);
  }

  /** A delete: each matching mutating webhook is asked in turn (a denial stops it); nothing is patched. */
  private Future<AdmissionAttributes> askInTurn(List<Webhook> hooks, AdmissionAttributes a, List<String> warnings) {
    Future<AdmissionAttributes> chain = Future.succeededFuture(a);
    for (int i = 0; i < hooks.size(); i++) {
      Webhook w = hooks.get(i);
      int index = i;
      chain = chain.compose(cur -> matcher.selected(w, cur) ? inVersion(w, cur).compose(v -> v == null
          ? Future.succeededFuture(cur) : callOne(w, v, warnings).map(answer -> {
            if (answer == null) {
              WebhookAnnotations.failedOpen(a.annotations(), 0, index, w);
            } else if (WebhookAnnotations.hasOperations(answer.patch())) {
              // kube's 500, whatever the failurePolicy: there is no object to patch
              throw WebhookErrors.internal("admission webhook \"" + w.name() + "\" attempted to modify the object, "
                  + "which is not supported for this operation");
            }
            return cur;
          }).andThen(ar -> WebhookAnnotations.mutation(a.annotations(), 0, index, w, false)))
          : Future.succeededFuture(cur));
    }
    return chain;
  }

  /**
   * {@code a} in the version {@code w} matched it in (kube's versioned attributes), or null when its matchConditions
   * skip it there.
   */
  private Future<AdmissionAttributes> inVersion(Webhook w, AdmissionAttributes a) {
    return versions.in(a, matcher.matchedVersion(w, a)).map(v -> matcher.conditions(w, v) ? v : null);
  }

  /**
   * The object with a mutating webhook's patch applied; null when its patch type is not one kube applies and the
   * webhook fails open. As kube's dispatcher: an unsupported patch type is a failed call (failurePolicy decides), but
   * a JSON patch that does not apply is the apiserver's 500 whatever the failurePolicy.
   */
  private ObjectNode applyPatch(Webhook w, AdmissionAttributes a, AdmissionReviews.Answer answer) {
    if (!answer.patchType().equals("JSONPatch")) {
      String why = "unsupported patch type \"" + answer.patchType() + "\"";
      if (w.failOpen()) {
        LOG.warn("failed calling webhook {}, failing open (failurePolicy Ignore): {}", w.name(), why);
        return null;
      }
      throw WebhookErrors.callFailed(w, why);
    }
    try {
      return Patches.apply(Patches.JSON, a.object(), answer.patch(), a.type(), WriteOptions.none());
    } catch (StatusException e) {
      throw WebhookErrors.internal(e.getMessage());
    }
  }

  // ---- validating: all at once; the first failure in webhook order answers

  private Future<Void> validate(AdmissionAttributes a, List<String> warnings) {
    List<Webhook> matching = new ArrayList<>();
    for (Webhook w : configurations.validating()) {
      if (matcher.selected(w, a)) {
        matching.add(w);
      }
    }
    if (matching.isEmpty()) {
      return Future.succeededFuture();
    }
    // as kube: which webhooks are called (rules, selectors, matchConditions) is settled before any is called
    List<Future<AdmissionAttributes>> invocations = new ArrayList<>();
    for (Webhook w : matching) {
      invocations.add(inVersion(w, a));
    }
    return Future.join(invocations).transform(decided -> {
      for (Future<AdmissionAttributes> f : invocations) {
        if (f.failed()) {
          return Future.failedFuture(f.cause());
        }
      }
      List<Webhook> called = new ArrayList<>();
      List<AdmissionAttributes> versioned = new ArrayList<>();
      for (int i = 0; i < matching.size(); i++) {
        if (invocations.get(i).result() != null) {
          called.add(matching.get(i));
          versioned.add(invocations.get(i).result());
        }
      }
      return callAll(called, versioned, a.annotations(), warnings);
    });
  }

  /** Calls the validating webhooks side by side; a failed call let pass is annotated with its index among them. */
  private Future<Void> callAll(List<Webhook> hooks, List<AdmissionAttributes> versioned, AuditAnnotations annotations,
                               List<String> warnings) {
    List<List<String>> each = new ArrayList<>();
    List<Future<AdmissionReviews.Answer>> calls = new ArrayList<>();
    for (int i = 0; i < hooks.size(); i++) {
      List<String> own = new ArrayList<>();
      each.add(own);
      Webhook w = hooks.get(i);
      int index = i;
      calls.add(callOne(w, versioned.get(i), own).andThen(ar -> {
        if (ar.succeeded() && ar.result() == null) {
          WebhookAnnotations.failedOpen(annotations, 0, index, w);
        }
      }));
    }
    return Future.join(calls).transform(done -> {
      each.forEach(warnings::addAll);
      for (Future<AdmissionReviews.Answer> f : calls) {
        if (f.failed()) {
          return Future.failedFuture(f.cause());
        }
      }
      return Future.succeededFuture();
    });
  }

  // ---- one call

  /**
   * Asks one webhook. Completes with its answer when it allowed the request, with null when the call
   * failed and the webhook fails open; fails with the denial or the call failure otherwise.
   */
  private Future<AdmissionReviews.Answer> callOne(Webhook w, AdmissionAttributes a, List<String> warnings) {
    if (a.dryRun() && !w.dryRunSafe()) {
      return Future.failedFuture(StatusException.badRequest("admission webhook \"" + w.name()
          + "\" does not support dry run"));
    }
    String uid = UUID.randomUUID().toString();
    Future<AdmissionReviews.Answer> answered;
    try {
      String version = AdmissionReviews.version(w.reviewVersions());
      answered = client.call(w, AdmissionReviews.request(a, uid, version)).map(review -> {
        try {
          return AdmissionReviews.answer(review, uid, w.mutating(), version);
        } catch (IllegalArgumentException e) {
          throw new WebhookClient.CallFailed("received invalid webhook response: " + e.getMessage());
        }
      });
    } catch (IllegalArgumentException e) {
      answered = Future.failedFuture(new WebhookClient.CallFailed(e.getMessage()));
    }
    return answered.transform(ar -> {
      if (ar.failed()) {
        if (!(ar.cause() instanceof WebhookClient.CallFailed)) {
          return Future.failedFuture(ar.cause());
        }
        if (w.failOpen()) {
          LOG.warn("failed calling webhook {}, failing open (failurePolicy Ignore): {}", w.name(),
              ar.cause().getMessage());
          return Future.succeededFuture(null);
        }
        return Future.failedFuture(WebhookErrors.callFailed(w, ar.cause().getMessage()));
      }
      AdmissionReviews.Answer answer = ar.result();
      WebhookAnnotations.answered(a.annotations(), w, answer.auditAnnotations());
      warnings.addAll(answer.warnings());
      return answer.allowed() ? Future.succeededFuture(answer)
          : Future.failedFuture(WebhookErrors.denied(w, answer.status()));
    });
  }
}
