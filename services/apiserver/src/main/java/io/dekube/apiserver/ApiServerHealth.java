package io.dekube.apiserver;

import io.dekube.apiserver.endpoints.HealthEndpoints;
import io.dekube.apiserver.endpoints.HealthEndpoints.PostStartHook;
import io.vertx.core.Handler;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * kube-apiserver 1.32's health checks, those dekube has a counterpart for, in the order kube lists them:
 * {@code ping}, {@code log}, {@code etcd} (the store: dekube's bus probe; kube's clients and docs name it
 * {@code etcd}, so that is its only name), {@code kms-providers} with KMS v2 providers or the encryption
 * configuration's automatic reload (and its hook {@code poststarthook/start-encryption-provider-config-automatic-reload}), then for
 * {@code /readyz} only {@code etcd-readiness} and
 * {@code informer-sync}, then a {@code poststarthook/<name>} per post-start hook that fails until that part of
 * the apiserver has done its work (the bootstrap RBAC policy written, the CRD informer replayed...),
 * {@code autoregister-completion}, the aggregator's OpenAPI controllers' hooks and, last and for {@code /readyz}
 * only, {@code shutdown}. Kube's hooks with no counterpart here (the identity lease and legacy token controllers,
 * the service IP repair,
 * the storage object count tracker) are not listed. Registered once per apiserver instance, before it listens.
 */
final class ApiServerHealth {

  /** The post-start hooks, in kube-apiserver 1.32's order (the aggregator's last, as its chain registers them). */
  static final List<String> POST_START_HOOKS = List.of(
      "start-apiserver-admission-initializer",
      "generic-apiserver-start-informers",
      "priority-and-fairness-config-consumer",
      "priority-and-fairness-filter",
      "start-apiextensions-informers",
      "start-apiextensions-controllers",
      "crd-informer-synced",
      "start-system-namespaces-controller",
      "rbac/bootstrap-roles",
      "scheduling/bootstrap-system-priority-classes",
      "priority-and-fairness-config-producer",
      "bootstrap-controller",
      "start-kube-aggregator-informers",
      "apiservice-status-local-available-controller",
      "apiservice-status-remote-available-controller",
      "apiservice-registration-controller",
      "apiservice-discovery-controller",
      "kube-apiserver-autoregistration");

  /** kube's hook that starts the encryption configuration's reload controller (with the automatic reload only). */
  static final String RELOAD_HOOK = "start-encryption-provider-config-automatic-reload";

  /** The aggregator's OpenAPI controllers' hooks, which kube-apiserver 1.32 lists after autoregister-completion. */
  static final List<String> OPENAPI_HOOKS = List.of("apiservice-openapi-controller", "apiservice-openapiv3-controller");

  private final Map<String, PostStartHook> hooks = new LinkedHashMap<>();
  private final PostStartHook informersSynced = new PostStartHook();
  private final PostStartHook autoregistered = new PostStartHook();

  private ApiServerHealth() {
  }

  /**
   * Adds the checks to {@code health} (after its {@code ping} and {@code log}).
   *
   * @param store     null while the store answers, else why not; null for no {@code etcd} checks
   * @param stopping  whether the apiserver is shutting down
   */
  static ApiServerHealth register(HealthEndpoints health, Supplier<String> store, BooleanSupplier stopping) {
    ApiServerHealth h = new ApiServerHealth();
    if (store != null) {
      health.addHealthCheck("etcd", store);
      health.addReadyzCheck("etcd-readiness", store);
    }
    if (io.dekube.core.encryption.StoreEncryption.reloading()
        || io.dekube.core.encryption.StoreEncryption.config().hasKms()) {
      // kube with --encryption-provider-config-automatic-reload or KMS v2 providers: one check for every KMS plugin
      // of the configuration in use (a no-op without KMS providers), each failing one named kms-provider-<i>
      health.addHealthCheck("kms-providers", io.dekube.core.encryption.StoreEncryption::kmsHealth);
    }
    health.addReadyzCheck("informer-sync",
        () -> h.informersSynced.isDone() ? null : "the apiserver's informers have not replayed the store yet");
    if (io.dekube.core.encryption.StoreEncryption.reloading()) {
      health.addPostStartHook(RELOAD_HOOK).done(); // the controller runs from the start (StoreEncryption)
    }
    for (String name : POST_START_HOOKS) {
      h.hooks.put(name, health.addPostStartHook(name));
    }
    // kube: a health check that names the local APIServices not registered yet
    health.addHealthCheck("autoregister-completion",
        () -> h.autoregistered.isDone() ? null : "missing APIService: the local group versions are not registered yet");
    for (String name : OPENAPI_HOOKS) {
      h.hooks.put(name, health.addPostStartHook(name));
    }
    health.addReadyzCheck("shutdown", () -> stopping.getAsBoolean() ? "process is shutting down" : null);
    return h;
  }

  /** A handler that marks these post-start hooks done (whatever it is given). */
  <T> Handler<T> done(String... names) {
    return ignored -> {
      for (String name : names) {
        java.util.Objects.requireNonNull(hooks.get(name), name).done();
      }
    };
  }

  /** The informers the apiserver serves and authorizes from have replayed the store. */
  void informersSynced() {
    informersSynced.done();
  }

  /** The local APIServices are registered. */
  void autoregistered() {
    autoregistered.done();
  }
}
