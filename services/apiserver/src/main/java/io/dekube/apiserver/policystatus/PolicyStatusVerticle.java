package io.dekube.apiserver.policystatus;

import io.dekube.apiserver.openapi.OpenApiHandler;
import io.dekube.core.auth.SystemUsers;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.controller.ControllerLoop;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.ObjectWrites;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.time.Duration;
import java.util.function.Function;

/**
 * kube-controller-manager's validatingadmissionpolicy-status controller, wiring only: follows the policies'
 * informer with a {@link ControllerLoop} over {@link PolicyStatusController}. Decision: dekube runs it in the
 * apiserver's process, as the CSR signer, not in the controller-manager: it needs CEL and the kinds' OpenAPI
 * schemas, which the apiserver holds (it shares the apiserver's {@code /openapi/v3} documents, built on the first
 * policy, and forgets them when CRDs change). Deploy one per cluster process (two processes checking the same
 * generation write the same status; the second write conflicts and then finds it observed).
 */
public final class PolicyStatusVerticle extends VerticleBase {

  /** Who it writes as: kube-controller-manager's service account of this controller. */
  public static final UserInfo USER = SystemUsers.serviceAccount("kube-system", PolicyStatusController.NAME);

  private final ResourceRegistry registry;
  private final ObjectWrites store;
  private final Function<ResourceType, Informer> informers;
  private ControllerLoop loop;

  public PolicyStatusVerticle(ResourceRegistry registry, ObjectWrites store,
                              Function<ResourceType, Informer> informers) {
    this.registry = registry;
    this.store = store;
    this.informers = informers;
  }

  @Override
  public Future<?> start() {
    ResourceType type = registry.byGroupPlural("admissionregistration.k8s.io", "validatingadmissionpolicies")
        .orElseThrow();
    Informer policies = informers.apply(type);
    OpenApiHandler openApi = new OpenApiHandler(vertx, registry);
    registry.onChange(openApi::invalidate);
    PolicyStatusController controller = new PolicyStatusController(vertx, registry, policies, store,
        openApi::documents);
    loop = new ControllerLoop(vertx, PolicyStatusController.NAME, controller::sync, policies, Duration.ZERO, 1);
    loop.start(); // on this verticle's context: the handlers and the syncs run here
    return policies.start();
  }

  @Override
  public Future<?> stop() {
    return loop == null ? Future.succeededFuture() : loop.stop();
  }
}
