package io.dekube.apiserver.policystatus;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.openapi.OpenApiDocuments;
import io.dekube.core.informer.ObjectCache;
import io.dekube.core.model.Json;
import io.dekube.core.model.ObjectKey;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.patch.Patches;
import io.dekube.core.store.ObjectWrites;
import io.dekube.core.store.WriteOptions;
import io.dekube.store.admission.policy.PolicyTypeChecker;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-controller-manager's {@code validatingadmissionpolicy-status} controller
 * (pkg/controller/validatingadmissionpolicystatus): a ValidatingAdmissionPolicy whose {@code metadata.generation} is
 * above its {@code status.observedGeneration} is type-checked ({@link PolicyTypeChecker}, on a worker thread) and
 * gets {@code status.observedGeneration} = its generation and {@code status.typeChecking} = the warnings
 * ({@code {}} when there are none: its presence says the check ran) by kube's write: a forced server-side apply of
 * those two fields through the status subresource, field manager {@value #NAME}, so the rest of the status stays
 * with its owners and warnings no longer applied go. Once per generation: a policy already observed is left alone, and a deleted one too.
 * Syncs run on the context of the {@code ControllerLoop} that calls {@link #sync}; a failed write is retried by it.
 */
final class PolicyStatusController {

  /** kube's controller name, which is also the field manager of its status writes. */
  static final String NAME = "validatingadmissionpolicy-status-controller";
  private static final Logger LOG = LoggerFactory.getLogger(PolicyStatusController.class);

  private final Vertx vertx;
  private final ResourceRegistry registry;
  private final ObjectCache policies;
  private final ObjectWrites store;
  private final Supplier<Future<OpenApiDocuments>> documents;

  PolicyStatusController(Vertx vertx, ResourceRegistry registry, ObjectCache policies, ObjectWrites store,
                         Supplier<Future<OpenApiDocuments>> documents) {
    this.vertx = vertx;
    this.registry = registry;
    this.policies = policies;
    this.store = store;
    this.documents = documents;
  }

  /** Type-checks and writes the status of the policy {@code key} when its generation was not observed yet. */
  Future<Void> sync(ObjectKey key) {
    ObjectNode policy = policies.get(key);
    if (policy == null || !due(policy)) {
      return Future.succeededFuture();
    }
    return documents.get()
        .compose(docs -> vertx.executeBlocking(() -> PolicyTypeChecker.check(policy, new KindSchemas(registry, docs)),
            false))
        .compose(warnings -> store.patch(policies.type(), "", key.name(), Patches.APPLY,
            applyConfiguration(policies.type(), policy, warnings),
            WriteOptions.none().withFieldManager(NAME).withForce(true).withSubresource("status")).map(written -> {
              LOG.info("ValidatingAdmissionPolicy {} (generation {}) type-checked: {} warning(s)",
                  key.name(), generation(policy), warnings.size());
              return (Void) null;
            }));
  }

  /** kube's test: a generation above the observed one (a policy without status has observed none). */
  static boolean due(JsonNode policy) {
    return generation(policy) > policy.path("status").path("observedGeneration").asLong(0);
  }

  private static long generation(JsonNode policy) {
    return policy.path("metadata").path("generation").asLong(0);
  }

  /** kube's apply configuration of the status: the policy's name, {@code observedGeneration} and {@code typeChecking}. */
  static ObjectNode applyConfiguration(ResourceType type, ObjectNode policy,
                                       List<PolicyTypeChecker.ExpressionWarning> warnings) {
    ObjectNode cfg = Json.object().put("apiVersion", type.apiVersion()).put("kind", type.kind());
    cfg.putObject("metadata").put("name", policy.path("metadata").path("name").asText());
    ObjectNode status = cfg.putObject("status").put("observedGeneration", generation(policy));
    ObjectNode typeChecking = status.putObject("typeChecking");
    if (!warnings.isEmpty()) {
      ArrayNode list = typeChecking.putArray("expressionWarnings");
      warnings.forEach(w -> list.addObject().put("fieldRef", w.fieldRef()).put("warning", w.warning()));
    }
    return cfg;
  }
}
