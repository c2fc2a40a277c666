package io.dekube.apiserver.aggregator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.discovery.ServedGroup;
import io.dekube.apiserver.openapi.AggregatedSpecs;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.net.ApiServiceBackends;
import io.dekube.core.net.ServiceWatch;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * kube-aggregator inside the apiserver, once per process: follows the APIServices and the Services
 * with their endpoints, keeps each APIService's {@code Available} condition
 * ({@link AvailabilityController}), knows the resources of the aggregated group versions for
 * discovery ({@link #groups}) and proxies their requests ({@link ProxyHandler}). Shared by the
 * apiserver instances of the process; its state is read from any event loop.
 */
public final class Aggregator {

  /** The user kube-aggregator's discovery checks act as. */
  static final String CHECK_USER = "system:kube-aggregator";

  private static final Map<ResourceRegistry, Future<Aggregator>> STARTED = new WeakHashMap<>();

  private final Informer apiServices;
  private final BackendClients clients;
  private final boolean toEndpoints;
  private final Map<String, JsonNode> resources = new ConcurrentHashMap<>();
  private final AtomicLong generation = new AtomicLong();
  private final Map<String, String> fingerprints = new ConcurrentHashMap<>();
  private volatile ServiceWatch.View view;
  private volatile AvailabilityController availability;
  private final AggregatedOpenApi openApi = new AggregatedOpenApi(this);

  private Aggregator(Informer apiServices, BackendClients clients, boolean toEndpoints) {
    this.apiServices = apiServices;
    this.clients = clients;
    this.toEndpoints = toEndpoints;
  }

  /**
   * Starts the aggregator of {@code registry}'s process once (later calls get the same one); issues
   * the front-proxy client certificate from {@code pki} on a worker thread.
   *
   * @param toEndpoints kube-apiserver's {@code --enable-aggregator-routing}: requests go to an endpoint of the
   *                    APIService's Service, else (kube's default) to its ClusterIP
   */
  public static Future<Aggregator> startOnce(Vertx vertx, ResourceRegistry registry, StoreApi store,
                                             Function<ResourceType, Informer> informers, ClusterPki pki,
                                             boolean toEndpoints) {
    synchronized (STARTED) {
      return STARTED.computeIfAbsent(registry, r -> start(vertx, r, store, informers, pki, toEndpoints));
    }
  }

  private static Future<Aggregator> start(Vertx vertx, ResourceRegistry registry, StoreApi store,
                                          Function<ResourceType, Informer> informers, ClusterPki pki,
                                          boolean toEndpoints) {
    Informer apis = informers.apply(registry.byGroupPlural("apiregistration.k8s.io", "apiservices").orElseThrow());
    Future<CertificateBundle> cert = vertx.executeBlocking(() ->
        pki.issueClientCertificate("front-proxy-client", List.of()));
    return Future.all(cert, apis.start()).compose(v -> {
      Aggregator a = new Aggregator(apis, new BackendClients(vertx, cert.result()), toEndpoints);
      a.availability = new AvailabilityController(vertx, store, apis, a);
      return ServiceWatch.start(vertx, registry, informers, a::viewChanged).map(w -> {
        a.view = w.view();
        apis.addHandler(a.handler());
        return a;
      });
    });
  }

  /**
   * Services or endpoints changed somewhere: checks again only the APIServices whose own Service
   * changed (its existence, type, ports or ready endpoints), so a rollout elsewhere costs no
   * discovery requests.
   */
  private void viewChanged(ServiceWatch.View v) {
    view = v;
    if (availability == null) {
      return;
    }
    for (ObjectNode api : remote()) {
      String name = name(api);
      String now = fingerprint(api, v);
      if (!now.equals(fingerprints.put(name, now))) {
        availability.check(name);
      }
    }
  }

  /** What of {@code view} the APIService's availability depends on. */
  static String fingerprint(JsonNode api, ServiceWatch.View view) {
    String ns = api.path("spec").path("service").path("namespace").asText();
    String svc = api.path("spec").path("service").path("name").asText();
    StringBuilder b = new StringBuilder();
    view.services().stream().filter(s -> ns.equals(s.getMetadata().getNamespace())
        && svc.equals(s.getMetadata().getName())).forEach(s -> b.append(s.getSpec().getType()).append('|')
        .append(s.getSpec().getExternalName()).append('|'));
    view.ports().stream().filter(p -> ns.equals(p.namespace()) && svc.equals(p.name()))
        .forEach(p -> b.append(p.port()).append(p.readyBackends()).append(';'));
    return b.toString();
  }

  private InformerHandler handler() {
    return new InformerHandler() {
      @Override
      public void onAdd(ObjectNode api) {
        availability.check(name(api));
        generation.incrementAndGet();
        openApi.changed();
      }

      @Override
      public void onUpdate(ObjectNode old, ObjectNode api) {
        if (!old.path("spec").equals(api.path("spec"))) {
          availability.check(name(api));
        }
        generation.incrementAndGet();
        if (!old.path("spec").equals(api.path("spec"))
            || !java.util.Objects.equals(ApiServiceConditions.current(old), ApiServiceConditions.current(api))) {
          openApi.changed();
        }
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
        resources.remove(name(last));
        fingerprints.remove(name(last));
        generation.incrementAndGet();
        openApi.changed();
      }
    };
  }

  static String name(JsonNode api) {
    return api.path("metadata").path("name").asText();
  }

  /** The APIService of a group version, or null. */
  ObjectNode apiService(String group, String version) {
    return apiServices.get("", LocalApiServices.name(group, version));
  }

  /** The non-local APIServices. */
  List<ObjectNode> remote() {
    return apiServices.list(a -> !ApiServiceBackends.local(a));
  }

  /** Where a request of {@code api} goes now (its Service's ClusterIP, or a random ready endpoint). */
  ApiServiceBackends.Resolution resolve(JsonNode api) {
    return ApiServiceBackends.resolve(api, view, n -> ThreadLocalRandom.current().nextInt(n), toEndpoints);
  }

  /** The Services and their endpoints as the aggregator sees them now (null before the first view). */
  public ServiceWatch.View view() {
    return view;
  }

  BackendClients clients() {
    return clients;
  }

  /** Records the backend's {@code APIResourceList} of an APIService (null: none, it failed). */
  void discovered(String apiService, JsonNode list) {
    JsonNode before = list == null ? resources.remove(apiService) : resources.put(apiService, list);
    if (before == null ? list != null : !before.equals(list)) {
      generation.incrementAndGet();
    }
  }

  /** The aggregated groups, for discovery. */
  public List<ServedGroup> groups() {
    return AggregatedGroups.of(remote(), resources);
  }

  /** Changes whenever {@link #groups} may have changed. */
  public long generation() {
    return generation.get();
  }

  /** The OpenAPI of the aggregated API servers, for the apiserver's OpenAPI handlers. */
  public AggregatedSpecs openApi() {
    return openApi;
  }

  /** The handler of {@code /apis/<group>/<version>[/...]}: proxies non-local APIServices, passes on the rest. */
  public ProxyHandler proxy() {
    return new ProxyHandler(this);
  }
}
