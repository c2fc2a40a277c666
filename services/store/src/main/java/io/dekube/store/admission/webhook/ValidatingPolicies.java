package io.dekube.store.admission.webhook;

import io.dekube.core.model.ResourceType;
import io.vertx.core.Future;
import java.util.List;

/**
 * The ValidatingAdmissionPolicies that {@link WebhookAdmission} runs between the mutating and the
 * validating webhooks, as kube-apiserver orders its admission plugins. Called on an event loop;
 * implementations do no blocking I/O.
 */
public interface ValidatingPolicies {

  /** No policies. */
  ValidatingPolicies NONE = new ValidatingPolicies() {
    @Override
    public boolean mayApply(ResourceType type) {
      return false;
    }

    @Override
    public Future<Void> validate(AdmissionAttributes a, List<String> warnings) {
      return Future.succeededFuture();
    }
  };

  /** Whether some policy may concern writes of {@code type} (false: admission may be skipped). */
  boolean mayApply(ResourceType type);

  /**
   * Evaluates the bound policies that match {@code a}: fails with the first denial, adds the
   * {@code Warn} actions' texts to {@code warnings}.
   */
  Future<Void> validate(AdmissionAttributes a, List<String> warnings);
}
