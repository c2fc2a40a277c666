package io.dekube.apiserver;

import io.dekube.apiserver.auth.AuthenticationHandler;
import io.dekube.apiserver.authz.Authorization;
import io.dekube.apiserver.authz.CelRbacAuthorizer;
import io.dekube.apiserver.auth.AuthenticatorChain;
import io.dekube.apiserver.auth.Authenticators;
import io.dekube.apiserver.auth.ServiceAccountIssuerDiscovery;
import io.dekube.apiserver.auth.ServiceAccountTokenAuthenticator;
import io.dekube.core.pki.ServiceAccountKey;
import io.dekube.core.serviceaccount.TokenSigner;
import io.dekube.core.serviceaccount.TokenVerifier;
import io.dekube.store.admission.policy.PolicyAdmission;
import io.dekube.store.admission.webhook.WatchedServices;
import io.dekube.store.admission.webhook.WebhookAdmission;
import io.dekube.apiserver.aggregator.Aggregator;
import io.dekube.apiserver.aggregator.AutoRegistration;
import io.dekube.apiserver.discovery.DiscoveryHandler;
import io.dekube.apiserver.codec.Codecs;
import io.dekube.apiserver.crd.CrdController;
import io.dekube.apiserver.crd.CustomVersions;
import io.dekube.store.admission.webhook.ConversionWebhook;
import io.dekube.store.admission.webhook.EquivalentVersions;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.crd.CustomKindSync;
import io.dekube.apiserver.codec.proto.ProtobufDecoder;
import io.dekube.apiserver.conversion.LegacyVersionConverter;
import io.dekube.apiserver.openapi.OpenApiHandler;
import io.dekube.apiserver.openapi.v2.OpenApiV2Handler;
import io.dekube.apiserver.rest.RestApi;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceType;
import io.dekube.core.net.SystemService;
import io.dekube.core.store.FieldManagedStore;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.StoreClient;
import java.util.List;
import java.util.function.Function;
import io.dekube.apiserver.endpoints.HealthEndpoints;
import io.dekube.apiserver.endpoints.MetricsEndpoint;
import io.dekube.apiserver.metrics.RequestMetrics;
import io.dekube.apiserver.metrics.RequestMetricsFilter;
import io.dekube.apiserver.endpoints.VersionEndpoint;
import io.dekube.core.pki.ClusterPki;
import io.dekube.apiserver.server.TlsServerOptions;
import io.dekube.apiserver.server.RequestBodyHandler;
import io.dekube.apiserver.server.StatusFailureHandler;
import io.dekube.core.model.ResourceRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The apiserver's HTTPS front, wiring only: loads the PKI and credential files (on a worker
 * thread), builds the router — Status errors, authentication, the 3 MiB body limit, /version,
 * health, /metrics, discovery, then the REST API — and listens.
 *
 * <p>Deploy one instance per process ({@code vertx.deployVerticle(new ApiServerVerticle(config,
 * registry))}); the PKI directory is created on first start and reused afterwards.
 */
public final class ApiServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(ApiServerVerticle.class);

  private final ApiServerConfig config;
  private final ResourceRegistry registry;
  private final HealthEndpoints health = new HealthEndpoints();
  private volatile boolean stopping;
  private volatile HttpServer server;
  private volatile Authorization authorization;
  private volatile Aggregator aggregator;
  private volatile WebhookAdmission webhooks;

  private final StoreClient store;
  /**
   * The apiserver's own calls (its bootstrap and controllers), as kube's loopback client makes them: audited as
   * {@code system:apiserver} when a policy is set ({@link #withAudit}).
   */
  private StoreApi loopback;
  /** The same writes with kube-apiserver's field manager. */
  private StoreApi own;
  private final Function<ResourceType, Informer> informers;
  private boolean aggregatorRouting;

  /**
   * @param config    where and how to serve
   * @param registry  the served resources
   * @param store     writes go through it to the writers
   * @param informers the shared informer of each resource: the watch cache GET, LIST and WATCH read
   */
  public ApiServerVerticle(ApiServerConfig config, ResourceRegistry registry, StoreClient store,
                           Function<ResourceType, Informer> informers) {
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.loopback = store;
    this.own = FieldManagedStore.withManager(store, FieldManagedStore.KUBE_APISERVER);
    this.informers = informers;
  }

  /**
   * The ClusterIP of the {@code default/kubernetes} Service this apiserver keeps (the first address
   * of the service CIDR; default 127.96.0.1). Call before deploying.
   */
  public ApiServerVerticle withKubernetesServiceIp(String clusterIp) {
    this.kubernetesClusterIp = clusterIp;
    return this;
  }

  /**
   * kube-apiserver's {@code --enable-aggregator-routing}: true sends an aggregated API's requests to an endpoint of its
   * Service, false (kube's default) to the Service's ClusterIP, which kube-proxy must serve where the apiserver runs.
   * The first apiserver of a process decides for its aggregator. Call before deploying.
   */
  public ApiServerVerticle withAggregatorRouting(boolean toEndpoints) {
    this.aggregatorRouting = toEndpoints;
    return this;
  }

  /** The port the server listens on (the chosen one when configured with port 0); -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  /** The health endpoints, for components that add their own checks before start. */
  public HealthEndpoints health() {
    return health;
  }

  /**
   * The store's probe for the {@code etcd} and {@code etcd-readiness} checks: null while the store answers, else
   * why not (the bus monitor's). Without one the apiserver lists no {@code etcd} check. Call before deploying.
   */
  public ApiServerVerticle withStoreHealth(java.util.function.Supplier<String> failure) {
    this.storeHealth = failure;
    return this;
  }

  private java.util.function.Supplier<String> storeHealth;

  private String kubernetesClusterIp = io.dekube.core.net.ClusterNetwork.KUBERNETES_SERVICE_IP;
  private List<io.dekube.core.informer.HandlerRegistration> kept = List.of();

  @Override
  public Future<?> start() {
    ApiServerHealth hooks = ApiServerHealth.register(health, storeHealth, () -> stopping);
    // the PKI files need nothing from the store: read them while the system namespaces are written
    Future<Security> files = vertx.executeBlocking(this::loadSecurity);
    return SystemNamespaces.ensure(own, registry)
        .onSuccess(hooks.done("start-system-namespaces-controller"))
        .compose(v -> {
          // with the namespaces in place the rest is independent: priority classes, CRDs, the RBAC
          // policy and the caches tokens are checked against start side by side
          Future<Authorization> authz = Authorization.start(vertx, registry, loopback,
              as(io.dekube.core.auth.SystemUsers.serviceAccount("kube-system", "clusterrole-aggregation-controller")),
              informers)
              .onSuccess(a -> authorization = a).onSuccess(hooks.done("rbac/bootstrap-roles"));
          Future<Void> crds = customResources(hooks);
          Future<Void> local = crds.compose(c -> AutoRegistration.startOnce(vertx, registry, own, informers))
              .onSuccess(hooks.done("kube-apiserver-autoregistration")).onSuccess(r -> hooks.autoregistered());
          // the aggregator needs only the PKI: its informers (APIServices, Services, Endpoints) sync
          // beside the RBAC ones instead of after them
          Future<Aggregator> aggregation = files.compose(security ->
              Aggregator.startOnce(vertx, registry, own, informers, security.pki(), aggregatorRouting))
              .onSuccess(a -> aggregator = a)
              .onSuccess(hooks.done("start-kube-aggregator-informers", "apiservice-status-local-available-controller",
                  "apiservice-status-remote-available-controller", "apiservice-registration-controller",
                  "apiservice-discovery-controller", "apiservice-openapi-controller", "apiservice-openapiv3-controller"));
          // admission webhooks reach their services as the aggregator reaches its backends
          // ... after the ValidatingAdmissionPolicies, which it runs between its mutating and validating webhooks
          CelRbacAuthorizer celAuthorizer = new CelRbacAuthorizer(
              () -> authorization == null ? null : authorization.authorizer());
          // ... which see a custom resource in the version their rules matched, converted by its CRD's webhook too
          // (a built-in kind's other served versions too: autoscaling/v1 HorizontalPodAutoscalers)
          EquivalentVersions versions = EquivalentVersions.of(registry).withWebhooks((kind, object, apiVersion) ->
              conversions().convert(kind, object, apiVersion))
              .withBuiltIns(new io.dekube.apiserver.conversion.EquivalentBuiltIns());
          Future<PolicyAdmission> policies = PolicyAdmission.start(registry, informers, celAuthorizer, versions);
          Future<WebhookAdmission> admission = Future.all(aggregation, policies).compose(all -> WebhookAdmission.start(
              vertx, registry, informers, new WatchedServices(aggregation.result()::view), policies.result(),
              celAuthorizer, versions))
              .onSuccess(w -> webhooks = w).onSuccess(hooks.done("start-apiserver-admission-initializer"));
          return Future.all(List.of(
              SystemPriorityClasses.ensure(own, registry)
                  .onSuccess(hooks.done("scheduling/bootstrap-system-priority-classes")),
              SystemRuntimeClasses.ensure(own, registry),
              io.dekube.apiserver.flowcontrol.FlowControlBootstrap.ensure(loopback, registry)
                  .onSuccess(hooks.done("priority-and-fairness-config-producer")),
              flowControl().onSuccess(hooks.done("priority-and-fairness-config-consumer", "priority-and-fairness-filter")),
              crds, local, authz, files,
              tokenObjects().onSuccess(hooks.done("generic-apiserver-start-informers")), aggregation, admission))
              .onSuccess(all -> hooks.informersSynced()).map(all -> files.result());
        })
        .compose(security -> listen(security.pki(), router(security)))
        .onSuccess(s -> LOG.info("apiserver listening on https://{}:{}", config.host(), s.actualPort()))
        .onSuccess(s -> {
          SystemService kubernetes = KubernetesService.of(kubernetesClusterIp, config.host(), s.actualPort());
          bootstrapController(kubernetes, hooks.done("bootstrap-controller"));
          kept = kubernetes.keep(informers, own, registry);
        });
  }

  /** Writes the {@code default/kubernetes} Service and its endpoints, again every second until that worked. */
  private void bootstrapController(SystemService kubernetes, io.vertx.core.Handler<Void> done) {
    kubernetes.ensure(own, registry).onSuccess(done).onFailure(e -> {
      LOG.warn("cannot write the default/kubernetes Service (again in 1 s): {}", e.toString());
      if (!stopping) {
        vertx.setTimer(1000, t -> bootstrapController(kubernetes, done));
      }
    });
  }

  private volatile io.dekube.apiserver.flowcontrol.FlowControl flowControl;
  private volatile ConversionWebhook conversions;

  /**
   * The CRDs' conversion webhooks (REST bodies and answers, admission's versioned objects): they reach their services
   * as the admission webhooks and the aggregator do, so only once the aggregator started.
   */
  private ConversionWebhook conversions() {
    ConversionWebhook c = conversions;
    if (c == null) {
      c = new ConversionWebhook(new io.dekube.store.admission.webhook.WebhookClient(vertx,
          new WatchedServices(aggregator::view)));
      conversions = c;
    }
    return c;
  }

  /** API priority and fairness: one per process, shared by the instances. */
  private Future<Void> flowControl() {
    return io.dekube.apiserver.flowcontrol.FlowControl.startOnce(vertx, registry, loopback, informers)
        .onSuccess(f -> flowControl = f).mapEmpty();
  }

  /** Serves the established CRDs (now and as they come and go) and runs the CRD controller. */
  private Future<Void> customResources(ApiServerHealth hooks) {
    Informer crds = informers.apply(registry.byResourceName(CrdParser.CRDS).orElseThrow());
    CrdController.startOnce(vertx, registry, store, loopback, informers);
    CustomKindSync.follow(crds, registry);
    hooks.done("start-apiextensions-controllers").handle(null);
    Future<Void> started = crds.start();
    hooks.done("start-apiextensions-informers").handle(null);
    return started.onSuccess(hooks.done("crd-informer-synced"));
  }

  @Override
  public Future<?> stop() {
    stopping = true;
    kept.forEach(io.dekube.core.informer.HandlerRegistration::remove);
    return server == null ? Future.succeededFuture() : server.close();
  }

  private record Security(ClusterPki pki, AuthenticatorChain chain, io.dekube.core.pki.CertificateBundle kubeletClient,
                          ServiceAccountKey saKey, io.dekube.apiserver.auth.TokenReviewer tokens) {
  }

  /**
   * The key material read once for the process ({@link ApiServerKeys#load}); without it each
   * instance reads its own when it starts. Call before deploying.
   */
  public ApiServerVerticle withKeys(ApiServerKeys keys) {
    this.keys = keys;
    return this;
  }

  private ApiServerKeys keys;

  /**
   * Audit ({@code --audit-policy-file}, {@code --audit-log-*}, {@code --audit-webhook-*}): the requests' events at
   * the levels of {@code policy}, handed to {@code sink} (the log and the webhook). Without it requests only get
   * their {@code Audit-Id}.
   */
  public ApiServerVerticle withAudit(io.dekube.apiserver.audit.AuditPolicy policy,
                                     io.dekube.apiserver.audit.AuditSink sink) {
    this.audit = new io.dekube.apiserver.audit.AuditHandler(policy, sink);
    this.auditPolicy = policy;
    this.auditSink = sink;
    this.loopback = io.dekube.apiserver.audit.BusAudit.as(policy, sink, io.dekube.apiserver.audit.BusAudit.LOOPBACK,
        store);
    this.own = FieldManagedStore.withManager(loopback, FieldManagedStore.KUBE_APISERVER);
    return this;
  }

  private io.dekube.apiserver.audit.AuditPolicy auditPolicy;
  private io.dekube.apiserver.audit.AuditSink auditSink;

  /** The store as {@code user} calls it, audited as the apiserver audits requests (no policy: the store itself). */
  private StoreApi as(io.dekube.core.auth.UserInfo user) {
    return io.dekube.apiserver.audit.BusAudit.as(auditPolicy, auditSink, user, store);
  }

  private io.dekube.apiserver.audit.AuditHandler audit = new io.dekube.apiserver.audit.AuditHandler(null, null);

  /**
   * The PodSecurity configuration ({@code --admission-control-config-file}) the warnings follow: the writers
   * enforce the same one. kube's default without it.
   */
  public ApiServerVerticle withPodSecurity(io.dekube.store.admission.podsecurity.PodSecurityConfig config) {
    this.podSecurity = config;
    return this;
  }

  private io.dekube.store.admission.podsecurity.PodSecurityConfig podSecurity =
      io.dekube.store.admission.podsecurity.PodSecurityConfig.DEFAULT;

  /**
   * kube-apiserver's {@code --service-account-issuer}, {@code --api-audiences},
   * {@code --service-account-max-token-expiration}, {@code --service-account-extend-token-expiration} and
   * {@code --service-account-jwks-uri}: who signs and which tokens are accepted. kubeadm's issuer without it.
   */
  public ApiServerVerticle withServiceAccountIssuer(io.dekube.core.serviceaccount.IssuerOptions options) {
    this.issuerOptions = options;
    return this;
  }

  private io.dekube.core.serviceaccount.IssuerOptions issuerOptions =
      io.dekube.core.serviceaccount.IssuerOptions.defaults();

  /** Blocking: PKI files (unless given) and credential files. */
  private Security loadSecurity() {
    ApiServerKeys k = keys != null ? keys : ApiServerKeys.load(config);
    ClusterPki pki = k.pki();
    ServiceAccountKey saKey = k.saKey();
    TokenVerifier verifier = new TokenVerifier(java.util.List.of(saKey.publicKey()), issuerOptions.issuers(),
        issuerOptions.apiAudiences());
    ServiceAccountTokenAuthenticator serviceAccounts = new ServiceAccountTokenAuthenticator(verifier,
        new ServiceAccountTokenAuthenticator.Objects() {
          @Override
          public com.fasterxml.jackson.databind.node.ObjectNode serviceAccount(String namespace, String name) {
            return cached("serviceaccounts", namespace, name);
          }

          @Override
          public com.fasterxml.jackson.databind.node.ObjectNode pod(String namespace, String name) {
            return cached("pods", namespace, name);
          }

          @Override
          public com.fasterxml.jackson.databind.node.ObjectNode secret(String namespace, String name) {
            return cached("secrets", namespace, name);
          }

          @Override
          public com.fasterxml.jackson.databind.node.ObjectNode node(String name) {
            return cached("nodes", "", name);
          }
        }, java.time.Clock.systemUTC());
    io.dekube.apiserver.auth.TokenFileAuthenticator tokenFile = config.tokenAuthFile() == null ? null
        : io.dekube.apiserver.auth.TokenFileAuthenticator.load(config.tokenAuthFile());
    // TokenReviews run the same bearer-token authenticators as requests do
    io.dekube.apiserver.auth.TokenReviewer tokens = new io.dekube.apiserver.auth.TokenReviewer(
        tokenFile == null ? java.util.List.of() : java.util.List.of(tokenFile), serviceAccounts);
    return new Security(pki, Authenticators.chain(pki.ca().certificate(), tokenFile, serviceAccounts,
        config.basicAuthFile()), k.kubeletClient(), saKey, tokens);
  }

  private static final java.util.List<String> TOKEN_OBJECTS = java.util.List.of("serviceaccounts", "pods", "secrets",
      "nodes");

  /** Starts the caches ServiceAccount tokens are checked against. */
  private Future<Void> tokenObjects() {
    return Future.all(TOKEN_OBJECTS.stream().map(r -> registry.byResourceName(r).map(t -> informers.apply(t).start())
        .orElse(Future.succeededFuture())).toList()).mapEmpty();
  }

  private com.fasterxml.jackson.databind.node.ObjectNode cached(String resource, String namespace, String name) {
    return registry.byResourceName(resource).map(t -> informers.apply(t).get(namespace, name)).orElse(null);
  }

  private Router router(Security security) {
    AuthenticatorChain chain = security.chain();
    Router router = Router.router(vertx);
    new StatusFailureHandler(config.maxRequestBodyBytes()).install(router);
    // kube-apiserver's request metrics: every request, from its arrival to its response's end
    RequestMetricsFilter requestMetrics = new RequestMetricsFilter(RequestMetrics.shared(),
        (group, resource) -> registry.byGroupPlural(group, resource).isPresent());
    requestMetrics.mountFirst(router);
    // kube's audit runs around authentication: a failed one is audited too
    router.route().handler(audit);
    router.route().handler(new AuthenticationHandler(chain));
    // kube's audit filter proper: RequestReceived once the user is known (a blocking-strict backend holds the request)
    router.route().handler(audit.received());
    router.route().handler(new RequestBodyHandler(config.maxRequestBodyBytes()));
    // priority and fairness between impersonation and authorization, as in kube's handler chain
    authorization.mountFilters(router, flowControl.filter());
    requestMetrics.mountAfterAuthorization(router);
    flowControl.mountDebug(router);
    new VersionEndpoint().mount(router);
    health.mount(router);
    new MetricsEndpoint().mount(router);
    // kube-aggregator: requests of aggregated group versions go to their servers, before local discovery and REST
    aggregator.proxy().mount(router);
    new DiscoveryHandler(registry, () -> config.host() + ":" + actualPort())
        .withAggregated(aggregator::groups, aggregator::generation).mount(router);
    OpenApiHandler openApi = new OpenApiHandler(vertx, registry).withAggregated(aggregator.openApi()).mount(router);
    new OpenApiV2Handler(vertx, openApi).mount(router);
    registry.onChange(openApi::invalidate);
    Codecs codecs = Codecs.jsonOnly().withProtobuf(ProtobufDecoder::decode)
        .withVersions(new CustomVersions(registry, new LegacyVersionConverter(registry), conversions()));
    authorization.mountReviews(router, security.tokens());
    ServiceAccountIssuerDiscovery.mount(router, issuerOptions, security.saKey().publicKey(), security.saKey().keyId(),
        () -> config.host() + ":" + actualPort());
    new io.dekube.apiserver.rest.ComponentStatuses(vertx, registry, store, informers).mount(router);
    // NamespaceLifecycle: start() created the system namespaces, as kube-apiserver's bootstrap does
    new RestApi(vertx, registry, store, informers, codecs).withNamespaceLifecycle().withPodSecurity(podSecurity)
        .withTokenSigner(new TokenSigner(security.saKey(), issuerOptions))
        .withKubeletClients(KubeletClients.http(vertx, security.pki(), security.kubeletClient()),
            KubeletClients.webSocket(vertx, security.pki(), security.kubeletClient()))
        .withWebhooks(webhooks)
        .mount(router);
    return router;
  }

  private Future<HttpServer> listen(ClusterPki pki, Router router) {
    return io.dekube.core.net.Bind.named(vertx.createHttpServer(TlsServerOptions.create(pki, config.host(), config.port(),
            config.http2())).requestHandler(router).listen(), "the apiserver (--api-port)", config.host(), config.port())
        .onSuccess(s -> server = s);
  }
}
