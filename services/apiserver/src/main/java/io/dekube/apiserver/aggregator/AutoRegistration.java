package io.dekube.apiserver.aggregator;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.discovery.ApiCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.WriteOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * kube-apiserver's autoregister controller: keeps an APIService for every group version the
 * apiserver serves ({@link LocalApiServices}) — created when missing, at start and whenever the
 * served kinds change (a CRD comes) — and deletes the automanaged {@code true} ones of CRD groups no
 * longer served. Creates are idempotent (a 409 is success), so several apiservers agree. Runs on
 * the apiserver's context; never blocks.
 */
public final class AutoRegistration {

  private static final Logger LOG = LoggerFactory.getLogger(AutoRegistration.class);

  private final Vertx vertx;
  private final ResourceRegistry registry;
  private final StoreApi store;
  private final Informer apiServices;
  private final ResourceType type;

  public AutoRegistration(Vertx vertx, ResourceRegistry registry, StoreApi store, Informer apiServices) {
    this.vertx = vertx;
    this.registry = registry;
    this.store = store;
    this.apiServices = apiServices;
    this.type = apiServices.type();
  }

  private static final java.util.Map<ResourceRegistry, Future<Void>> STARTED = new java.util.WeakHashMap<>();

  /**
   * Starts the registration once per registry (process): several apiserver instances of one
   * process share it. Completes when the first pass is written.
   */
  public static Future<Void> startOnce(Vertx vertx, ResourceRegistry registry, StoreApi store,
                                       java.util.function.Function<ResourceType, Informer> informers) {
    synchronized (STARTED) {
      return STARTED.computeIfAbsent(registry, r -> new AutoRegistration(vertx, r, store,
          informers.apply(r.byGroupPlural("apiregistration.k8s.io", "apiservices").orElseThrow())).start());
    }
  }

  /** Registers the served group versions now (completes when written) and follows the registry. */
  public Future<Void> start() {
    registry.onChange(() -> vertx.runOnContext(v -> sync()));
    return apiServices.start().compose(v -> sync());
  }

  /** One pass: create the missing local APIServices, delete the stale CRD ones. */
  Future<Void> sync() {
    ApiCatalog catalog = ApiCatalog.of(registry);
    List<ObjectNode> wanted = LocalApiServices.wanted(catalog, LocalApiServices.customGroups(registry.customKinds()));
    Set<String> names = wanted.stream().map(a -> a.path("metadata").path("name").asText()).collect(Collectors.toSet());
    List<Future<?>> writes = new ArrayList<>();
    for (ObjectNode api : wanted) {
      if (apiServices.get("", api.path("metadata").path("name").asText()) == null) {
        writes.add(store.create(type, "", api, WriteOptions.none()).recover(AutoRegistration::conflictIsDone));
      }
    }
    for (ObjectNode existing : apiServices.list()) {
      String name = existing.path("metadata").path("name").asText();
      if ("true".equals(existing.path("metadata").path("labels").path(LocalApiServices.AUTOMANAGED).asText())
          && !names.contains(name)) {
        LOG.info("delete APIService {}: its group is no longer served", name);
        writes.add(store.delete(type, "", name, WriteOptions.none()).recover(e -> e instanceof StatusException s
            && s.code() == 404 ? Future.succeededFuture() : Future.failedFuture(e)));
      }
    }
    return Future.join(writes).<Void>mapEmpty()
        .onFailure(e -> LOG.warn("cannot register the local APIServices: {}", e.toString()));
  }

  private static Future<ObjectNode> conflictIsDone(Throwable e) {
    return e instanceof StatusException s && s.code() == 409 ? Future.succeededFuture() : Future.failedFuture(e);
  }
}
