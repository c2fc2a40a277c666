package io.dekube.apiserver.rest;

import io.dekube.store.admission.podsecurity.PodSecurityConfig;

import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.rest.backend.ObjectCache;
import io.dekube.apiserver.rest.backend.InformerCache;
import io.dekube.apiserver.rest.backend.ObjectStore;
import io.dekube.apiserver.rest.backend.StoreClientStore;
import io.dekube.apiserver.rest.watch.WatchConfig;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * The Kubernetes REST API over the store: {@code /api/v1/...} and {@code /apis/<group>/<version>/...}
 * for every registered resource (and legacy versions through the codecs), with get, list, watch,
 * create, update, patch, delete, deletecollection and the status, scale, binding, eviction and
 * finalize subresources. Reads and watches are served from the watch cache (one
 * {@link ObjectCache} per resource), writes go to the writer ({@link ObjectStore}).
 * {@link #mount} adds two routes; paths that are not resource paths (discovery, /version...) are
 * passed on to later routes. Handlers run on the request's event loop and never block it.
 */
public final class RestApi {

  private final Vertx vertx;
  private final ResourceRegistry registry;
  private final Resolver resolver;
  private final Function<ResourceType, ObjectCache> caches;
  private final ReadPoint readPoint;
  private final ReadHandler reads;
  private final WriteHandler writes;
  private final ScaleHandler scale;
  private final PodSubresources pods;
  private WatchConfig watchConfig = WatchConfig.DEFAULT;
  private KubeletProxy kubelets;
  private ServiceProxy proxies;
  private TokenRequests tokens;

  /**
   * The REST API over the bus.
   *
   * @param vertx     the Vert.x instance (timers)
   * @param registry  the served resources
   * @param store     writes
   * @param informers the shared informer of each resource: the apiserver's watch cache (started on first use)
   * @param codecs    body decoding, field validation, legacy versions
   */
  public RestApi(Vertx vertx, ResourceRegistry registry, StoreApi store, Function<ResourceType, Informer> informers,
                 Codecs codecs) {
    this(vertx, registry, new StoreClientStore(store), cachesOf(informers), codecs);
  }

  private static Function<ResourceType, ObjectCache> cachesOf(Function<ResourceType, Informer> informers) {
    Map<String, ObjectCache> made = new ConcurrentHashMap<>();
    return t -> made.computeIfAbsent(t.resourceName(), k -> new InformerCache(informers.apply(t)));
  }

  /**
   * The REST API over any backend (tests: an in-memory store and caches).
   *
   * @param vertx    the Vert.x instance (timers)
   * @param registry the served resources
   * @param store    writes
   * @param caches   the watch cache of each resource; called per request, so return the same cache each time
   * @param codecs   body decoding, field validation, legacy versions
   */
  public static RestApi over(Vertx vertx, ResourceRegistry registry, ObjectStore store,
                             Function<ResourceType, ObjectCache> caches, Codecs codecs) {
    return new RestApi(vertx, registry, store, caches, codecs);
  }

  private RestApi(Vertx vertx, ResourceRegistry registry, ObjectStore store, Function<ResourceType, ObjectCache> caches,
                  Codecs codecs) {
    this.vertx = vertx;
    this.registry = registry;
    this.resolver = new Resolver(registry, codecs);
    this.caches = caches;
    this.readPoint = new ReadPoint(vertx);
    this.reads = new ReadHandler(caches, readPoint);
    this.writes = new WriteHandler(store, caches, reads);
    this.scale = new ScaleHandler(store, reads, writes::admission);
    registry.byResourceName("namespaces").ifPresent(ns -> registry.byResourceName("pods").ifPresent(
        po -> writes.podSecurity(new PodSecurityHeaders(ns, po, caches, PodSecurityConfig.DEFAULT))));
    this.pods = new PodSubresources(store, reads, new Evictions(store, caches, registry, java.time.Clock.systemUTC()),
        writes::admission);
  }

  /**
   * Checks creates of namespaced objects as kube's NamespaceLifecycle admission does: 404 when the
   * namespace does not exist, 403 when it is being deleted; a pod created in a new namespace waits for
   * the namespace's {@code default} ServiceAccount (kube's ServiceAccount admission). Off by default: turn it on where the
   * cluster creates {@code default}, {@code kube-system}, {@code kube-public} and
   * {@code kube-node-lease} at start, as kube-apiserver does.
   */
  public RestApi withNamespaceLifecycle() {
    DefaultServiceAccountWait defaultAccount = registry.byResourceName("serviceaccounts")
        .map(sa -> new DefaultServiceAccountWait(vertx, sa, caches)).orElse(null);
    registry.byResourceName("namespaces")
        .ifPresent(ns -> writes.namespaceLifecycle(new NamespaceLifecycle(ns, caches, defaultAccount)));
    return this;
  }

  /**
   * Warns of PodSecurity violations under {@code config} ({@code --admission-control-config-file}): the default
   * levels of unlabelled namespaces, the exempt namespaces and runtime classes.
   */
  public RestApi withPodSecurity(PodSecurityConfig config) {
    registry.byResourceName("namespaces").ifPresent(ns -> registry.byResourceName("pods").ifPresent(
        po -> writes.podSecurity(new PodSecurityHeaders(ns, po, caches, config))));
    return this;
  }

  /**
   * Serves {@code pods/log}, {@code exec}, {@code attach} and {@code portforward} by proxying to the
   * kubelet of the pod's node with these clients (TLS to the kubelet API, a client certificate of the
   * cluster CA); without it they answer 503.
   */
  public RestApi withKubeletClients(io.vertx.core.http.HttpClient http, io.vertx.core.http.WebSocketClient ws) {
    registry.byResourceName("nodes").ifPresent(nodes -> kubelets = new KubeletProxy(http, ws, caches, nodes,
        writes::admission));
    return this;
  }

  /**
   * Serves {@code serviceaccounts/token} (TokenRequest) with this signer; tokens name its API audiences
   * unless the request names others. Without it the subresource answers 503.
   */
  public RestApi withTokenSigner(io.dekube.core.serviceaccount.TokenSigner signer) {
    tokens = new TokenRequests(reads, caches, registry, signer, writes::admission);
    return this;
  }

  /**
   * Calls the admission webhooks ({@code admissionregistration.k8s.io/v1} configurations) before
   * creates, updates, patches and deletes go to the writer, as kube-apiserver's MutatingAdmissionWebhook
   * and ValidatingAdmissionWebhook plugins do.
   */
  public RestApi withWebhooks(io.dekube.store.admission.webhook.WebhookAdmission admission) {
    writes.webhooks(admission);
    return this;
  }

  /** Server-side apply with the same checks and admission as {@code PATCH} (for the ingest consumer). */
  public ServerSideApply serverSideApply() {
    return writes.serverSideApply();
  }

  /** Uses other watch tuning (bookmark interval, timeouts); for tests. */
  public RestApi withWatchConfig(WatchConfig config) {
    this.watchConfig = config;
    return this;
  }

  /** Adds the routes for {@code /api/*} and {@code /apis/*}. */
  public void mount(Router router) {
    router.route("/api/*").handler(this::handle);
    router.route("/apis/*").handler(this::handle);
  }

  private void handle(RoutingContext ctx) {
    Optional<ApiPath> path = ApiPath.parse(ctx.request().path());
    if (path.isEmpty()) {
      ctx.next();
      return;
    }
    try {
      ApiPath p = path.get();
      if (p.group().isEmpty() && p.resource().equals("bindings") && p.namespace() != null && !p.named()
          && p.version().equals("v1")) {
        require(ctx.request().method(), HttpMethod.POST, () -> pods.bindByBody(resolver.resolve(ctx,
            new ApiPath("", "v1", p.namespace(), "pods", null, null, false))));
        return;
      }
      dispatch(resolver.resolve(ctx, p));
    } catch (StatusException e) {
      if (e.code() == 413) {
        ctx.response().putHeader("Connection", "close");
      }
      Responses.fail(ctx, e, Responses.pretty(ctx));
    } catch (RuntimeException e) {
      Responses.fail(ctx, e, Responses.pretty(ctx));
    }
  }

  private void dispatch(ApiRequest r) {
    HttpMethod m = r.ctx().request().method();
    String sub = r.path().subresource();
    if (r.path().watchPrefix() && !m.equals(HttpMethod.GET)) {
      throw WriteHandler.methodNotAllowed();
    }
    if (sub != null) {
      subresource(r, m, sub);
    } else if (r.path().named()) {
      named(r, m);
    } else {
      collection(r, m);
    }
  }

  private void collection(ApiRequest r, HttpMethod m) {
    if (m.equals(HttpMethod.GET)) {
      ListOptions o = ListOptions.parse(r::query, r.path().watchPrefix());
      if (o.watch()) {
        watch(r, o, o.fieldSelector());
      } else {
        reads.list(r, o);
      }
    } else if (m.equals(HttpMethod.POST)) {
      writes.create(r);
    } else if (m.equals(HttpMethod.DELETE)) {
      writes.deleteCollection(r);
    } else {
      throw WriteHandler.methodNotAllowed();
    }
  }

  private void named(ApiRequest r, HttpMethod m) {
    if (m.equals(HttpMethod.GET)) {
      ListOptions o = ListOptions.parse(r::query, r.path().watchPrefix());
      if (o.watch()) {
        String byName = "metadata.name=" + r.name();
        watch(r, o, o.fieldSelector().isEmpty() ? byName : o.fieldSelector() + "," + byName);
      } else {
        reads.get(r).onComplete(ar -> {
          if (ar.failed()) {
            Responses.fail(r.ctx(), ar.cause(), r.pretty());
          } else {
            Responses.object(r, 200, ar.result());
          }
        });
      }
    } else if (m.equals(HttpMethod.PUT)) {
      writes.update(r, false);
    } else if (m.equals(HttpMethod.PATCH)) {
      writes.patch(r, null);
    } else if (m.equals(HttpMethod.DELETE)) {
      writes.delete(r);
    } else {
      throw WriteHandler.methodNotAllowed();
    }
  }

  private void watch(ApiRequest r, ListOptions o, String fieldSelector) {
    Selection sel = Selection.of(r, o.labelSelector(), fieldSelector);
    new WatchSession(r, o, sel, caches.apply(r.type()), readPoint, vertx, watchConfig).start();
  }

  private void subresource(ApiRequest r, HttpMethod m, String sub) {
    switch (sub) {
      case "status", "approval" -> status(r, m);
      case "scale" -> {
        if (m.equals(HttpMethod.GET)) {
          scale.get(r);
        } else if (m.equals(HttpMethod.PUT)) {
          scale.put(r);
        } else if (m.equals(HttpMethod.PATCH)) {
          scale.patch(r);
        } else {
          throw WriteHandler.methodNotAllowed();
        }
      }
      case "binding" -> require(m, HttpMethod.POST, () -> pods.bind(r));
      case "ephemeralcontainers" -> ephemeralContainers(r, m);
      case "eviction" -> require(m, HttpMethod.POST, () -> pods.evict(r));
      case "finalize" -> require(m, HttpMethod.PUT, () -> pods.finalizeNamespace(r));
      case "token" -> {
        if (tokens == null || !r.type().plural().equals("serviceaccounts")) {
          throw unavailable(r, sub);
        }
        require(m, HttpMethod.POST, () -> tokens.create(r));
      }
      case "proxy" -> {
        if (!r.type().group().isEmpty() || !Set.of("pods", "services", "nodes").contains(r.type().plural())) {
          throw unavailable(r, sub);
        }
        proxies().handle(r);
      }
      case "log", "exec", "attach", "portforward" -> {
        if (kubelets == null || !r.type().plural().equals("pods")) {
          throw unavailable(r, sub);
        }
        kubelets.handle(r, sub);
      }
      default -> throw unavailable(r, sub);
    }
  }

  /** The pods/services/nodes proxy, with its clients made on first use (https: kube's proxy does not verify pods). */
  private ServiceProxy proxies() {
    if (proxies == null) {
      proxies = new ServiceProxy(vertx.createHttpClient(), vertx.createHttpClient(new io.vertx.core.http.HttpClientOptions()
          .setSsl(true).setTrustAll(true).setVerifyHost(false)), kubelets, caches, registry, writes::admission);
    }
    return proxies;
  }

  private void status(ApiRequest r, HttpMethod m) {
    if (m.equals(HttpMethod.GET)) {
      reads.get(r).onComplete(ar -> {
        if (ar.failed()) {
          Responses.fail(r.ctx(), ar.cause(), r.pretty());
        } else {
          Responses.object(r, 200, ar.result());
        }
      });
    } else if (m.equals(HttpMethod.PUT)) {
      writes.update(r, true);
    } else if (m.equals(HttpMethod.PATCH)) {
      writes.patch(r, "status");
    } else {
      throw WriteHandler.methodNotAllowed();
    }
  }

  /** {@code pods/ephemeralcontainers}: the pod; PUT and PATCH change only its ephemeral containers. */
  private void ephemeralContainers(ApiRequest r, HttpMethod m) {
    if (!r.type().plural().equals("pods") || r.name().isEmpty()) {
      throw unavailable(r, "ephemeralcontainers");
    }
    if (m.equals(HttpMethod.GET)) {
      status(r, m);
    } else if (m.equals(HttpMethod.PUT)) {
      writes.update(r, false, "ephemeralcontainers");
    } else if (m.equals(HttpMethod.PATCH)) {
      writes.patch(r, "ephemeralcontainers");
    } else {
      throw WriteHandler.methodNotAllowed();
    }
  }

  private static void require(HttpMethod actual, HttpMethod expected, Runnable action) {
    if (!actual.equals(expected)) {
      throw WriteHandler.methodNotAllowed();
    }
    action.run();
  }

  /** 503 for subresources served by components not built yet (log, exec, attach, portforward, proxy, token). */
  private static StatusException unavailable(ApiRequest r, String sub) {
    return new StatusException(503, "ServiceUnavailable", r.type().plural() + "/" + sub + " is not available: no "
        + (r.type().plural().equals("pods") ? "kubelet serves " : "backend serves ") + r.type().singular() + " "
        + (r.namespace().isEmpty() ? "" : r.namespace() + "/") + r.name() + " yet");
  }
}
