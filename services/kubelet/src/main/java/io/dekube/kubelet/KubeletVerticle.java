package io.dekube.kubelet;

import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreApi;
import io.dekube.kubelet.netpol.NetworkPolicyEnforcer;
import io.dekube.kubelet.node.NodeAgent;
import io.dekube.kubelet.pod.PodManager;
import io.dekube.kubelet.pod.PodRouter;
import io.dekube.kubelet.runtime.ContainerRuntime;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.ProcessRuntime;
import io.dekube.kubelet.runtime.SimulatedRuntime;
import io.dekube.kubelet.server.KubeletServer;
import io.dekube.kubelet.server.auth.ApiServerEndpoints;
import io.dekube.kubelet.server.auth.KubeletAuthorizer;
import io.dekube.kubelet.server.auth.SubjectAccessReviewer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.util.List;
import java.util.function.Function;

/**
 * One node's kubelet: the Node and its Lease ({@link NodeAgent}), the pods bound to it
 * ({@link PodManager}, fed by the process's {@link PodRouter}) and, for jvm and process nodes, the
 * kubelet API on {@code <node-ip>:<port>} ({@link KubeletServer}), whose bearer tokens are authenticated
 * by TokenReviews and whose requests are authorized by SubjectAccessReviews to an apiserver of the
 * {@code default/kubernetes} Endpoints. Wiring only.
 */
public final class KubeletVerticle extends VerticleBase {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  /** How often pods' token files are rewritten (a token is renewed at 80 % of its life). */
  private static final java.time.Duration TOKEN_REFRESH = java.time.Duration.ofSeconds(60);
  private static final java.util.concurrent.atomic.AtomicBoolean WARM = new java.util.concurrent.atomic.AtomicBoolean();

  private final KubeletConfig config;
  private final StoreApi store;
  private final Function<ResourceType, Informer> informers;
  private final KubeletServer.Tls tls;
  private NodeAgent agent;
  private PodManager pods;
  private KubeletServer server;
  private PodRouter router;
  private ContainerRuntime runtime;
  private io.dekube.core.serviceaccount.TokenSigner tokenSigner;
  private KubeletAuthorizer authorizer;
  private io.dekube.kubelet.server.auth.KubeletTokenAuthenticator tokens;
  private io.dekube.kubelet.server.auth.ReviewClient reviews;
  private io.dekube.kubelet.eviction.EvictionConfig evictionConfig = io.dekube.kubelet.eviction.EvictionConfig.defaults();
  private io.dekube.kubelet.eviction.EvictionManager eviction;
  private io.dekube.kubelet.logs.ContainerLogPolicy logPolicy = io.dekube.kubelet.logs.ContainerLogPolicy.DEFAULTS;
  private io.dekube.kubelet.logs.ContainerLogManager logs;

  /**
   * @param tls the serving certificate, the CA clients must present a certificate of, and the node's own
   *            client certificate for its SubjectAccessReviews; null for nodes without an API (simulated)
   */
  public KubeletVerticle(KubeletConfig config, StoreApi store, Function<ResourceType, Informer> informers,
                         KubeletServer.Tls tls) {
    this.config = config;
    this.store = store;
    this.informers = informers;
    this.tls = tls;
  }

  /**
   * Signs the pods' projected service account tokens with the cluster's key (as the kubelet gets
   * them from the TokenRequest API); without it (and on simulated nodes) the token files stay empty.
   * Call before deploying.
   */
  public KubeletVerticle withTokenSigner(io.dekube.core.serviceaccount.TokenSigner signer) {
    this.tokenSigner = signer;
    return this;
  }

  /**
   * Decides the kubelet API's requests with {@code decider} instead of SubjectAccessReviews to the
   * apiserver (tests without an apiserver). Call before deploying.
   */
  public KubeletVerticle withAuthorizer(KubeletAuthorizer decider) {
    this.authorizer = decider;
    return this;
  }

  /**
   * The node-pressure eviction settings ({@code --eviction-hard}…); kube's defaults without. Call before deploying.
   */
  public KubeletVerticle withEviction(io.dekube.kubelet.eviction.EvictionConfig settings) {
    this.evictionConfig = settings;
    return this;
  }

  /**
   * How the containers' logs are rotated ({@code --container-log-max-size}…); kube's defaults without. Call before
   * deploying.
   */
  public KubeletVerticle withContainerLogs(io.dekube.kubelet.logs.ContainerLogPolicy policy) {
    this.logPolicy = policy;
    return this;
  }

  @Override
  public Future<?> start() {
    Informer podInformer = informer("pods");
    Informer nodeInformer = informer("nodes");
    List<Informer> all = new java.util.ArrayList<>(List.of(podInformer, nodeInformer, informer("services"),
        informer("configmaps"), informer("secrets"), informer("persistentvolumeclaims"), informer("persistentvolumes")));
    // the handler of a pod's RuntimeClass must be this node's runtime
    Informer runtimeClasses = informer("runtimeclasses.node.k8s.io");
    all.add(runtimeClasses);
    runtime = switch (config.runtime()) {
      case "process" -> new ProcessRuntime(vertx, config.allowHostCommands());
      case "simulated" -> new SimulatedRuntime(vertx, config.simulatedDelay());
      case "docker" -> new io.dekube.kubelet.runtime.docker.DockerRuntime(vertx, config.docker(),
          config.nodeName(), () -> podCidr(nodeInformer));
      default -> {
        // NetworkPolicies are enforced where jvm containers get and make connections
        Informer policies = informer("networkpolicies.networking.k8s.io");
        Informer namespaces = informer("namespaces");
        all.add(policies);
        all.add(namespaces);
        yield new JvmRuntime(vertx, new NetworkPolicyEnforcer(vertx, new NetworkPolicyEnforcer.Informers(policies,
            podInformer, namespaces, informer("services"), nodeInformer), config.fallbackPodCidr()));
      }
    };
    pods = new PodManager(vertx, config, runtime, store, new InformerLookup(informer("configmaps"),
        informer("secrets"), informer("services"), informer("persistentvolumeclaims"), informer("persistentvolumes")), () -> podCidr(nodeInformer));
    pods.withRuntimeClasses(name -> runtimeClasses.get("", name));
    if (!"simulated".equals(config.runtime())) { // a simulated node uses nothing: it never comes under pressure
      eviction = evictionManager();
      pods.withEviction(eviction);
    }
    if (tokenSigner != null && !"simulated".equals(config.runtime())) { // nothing reads a simulated pod's files
      Informer accounts = informer("serviceaccounts");
      all.add(accounts);
      pods.withTokens(new io.dekube.kubelet.token.TokenManager(tokenSigner, accounts::get,
          name -> nodeInformer.get("", name), java.time.Clock.systemUTC()), TOKEN_REFRESH);
    }
    if (config.servesApi() && tls != null && authorizer == null) {
      Informer endpoints = informer("endpoints"); // default/kubernetes: where the apiservers are
      all = new java.util.ArrayList<>(all);
      all.add(endpoints);
      // kubeadm's kubelet: webhook authorization (SubjectAccessReviews) and webhook token authentication
      // (TokenReviews), both asked of an apiserver of the default/kubernetes Endpoints
      reviews = io.dekube.kubelet.server.auth.ReviewClient.create(vertx, tls.ca(), tls.client(),
          new ApiServerEndpoints(endpoints));
      authorizer = new SubjectAccessReviewer(reviews);
      tokens = new io.dekube.kubelet.server.auth.TokenReviewAuthenticator(reviews);
    }
    List<Informer> informersToStart = all;
    return runtime.open()
        .compose(o -> Future.all(informersToStart.stream().map(Informer::start).toList()))
        .compose(v -> runtime.retain(boundPods(podInformer)))
        .compose(v -> warmUp())
        .compose(v -> startServer())
        .compose(port -> {
          agent = new NodeAgent(vertx, store, config, port, pods.events(),
              () -> nodeInformer.get("", config.nodeName()));
          if (eviction != null) {
            agent.withPressure(eviction::conditions);
          }
          if (runtime instanceof io.dekube.kubelet.runtime.docker.DockerRuntime docker) {
            agent.withImages(docker::images); // the engine's images, as kube's kubelet lists the CRI's
          }
          return agent.start();
        })
        .onSuccess(v -> {
          if (eviction != null) {
            eviction.start();
          }
          if (!"simulated".equals(config.runtime())) { // a simulated container writes no log
            logs = new io.dekube.kubelet.logs.ContainerLogManager(vertx, logPolicy, this::runningLogs,
                java.time.Clock.systemDefaultZone());
            logs.start();
          }
          router = PodRouter.of(podInformer);
          router.register(config.nodeName(), context, pods);
          if (config.staticPodPath() != null || config.manifestUrl() != null) {
            // after the cached pods, so the mirror pods already in the store are known before the folder is read
            context.runOnContext(x -> pods.withStaticPods(config.staticPodPath(), config.manifestUrl(),
                () -> nodeInformer.get("", config.nodeName())));
          }
        });
  }

  /** The node's eviction manager: its signals measured on a worker ({@link io.dekube.kubelet.eviction.NodeSignals}). */
  private io.dekube.kubelet.eviction.EvictionManager evictionManager() {
    long memory = io.fabric8.kubernetes.api.model.Quantity.getAmountInBytes(
        new io.fabric8.kubernetes.api.model.Quantity(config.memory())).longValue();
    java.nio.file.Path dataDir = config.dataDir();
    return new io.dekube.kubelet.eviction.EvictionManager(vertx, evictionConfig, pods::evictable,
        (measured, disk, now) -> vertx.executeBlocking(() -> io.dekube.kubelet.eviction.NodeSignals.sample(memory,
            dataDir, measured, disk, now), false),
        java.time.Clock.systemUTC(),
        (reason, message) -> pods.events().node(io.dekube.core.event.EventRecorder.WARNING, reason, message),
        () -> {
          if (agent != null) {
            agent.postStatus();
          }
        });
  }

  /**
   * Converts a sample pod once per process on a worker thread: the first conversion of fabric8's
   * model (Jackson 3 introspecting every class of a Pod) takes seconds on a cold JVM, and would
   * otherwise block the event loop of the first pods' kubelet.
   */
  private Future<Void> warmUp() {
    if (!WARM.compareAndSet(false, true)) {
      return Future.succeededFuture();
    }
    return vertx.executeBlocking(() -> {
      var tree = (com.fasterxml.jackson.databind.node.ObjectNode) io.dekube.core.model.Json.MAPPER.readTree(
          "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"warm-up\"},\"spec\":{\"containers\":"
          + "[{\"name\":\"c\",\"image\":\"dekube/pause\",\"resources\":{\"requests\":{\"cpu\":\"1m\"}},"
          + "\"ports\":[{\"containerPort\":1}],\"readinessProbe\":{\"tcpSocket\":{\"port\":1}}}]}}");
      io.dekube.core.model.Typed.from(tree, io.fabric8.kubernetes.api.model.Pod.class);
      return null;
    }, false).<Void>mapEmpty().recover(e -> Future.succeededFuture());
  }

  private Future<Integer> startServer() {
    if (!config.servesApi() || tls == null) {
      return Future.succeededFuture(0);
    }
    server = new KubeletServer(vertx, config, pods, tls, authorizer, tokens).withEviction(evictionConfig)
        .withContainerLogs(logPolicy);
    return server.listen();
  }

  /**
   * The uids of the pods bound to this node that may still run (and of the static pods its mirror pods stand for):
   * what a former kubelet left for them is kept for their workers to adopt.
   */
  private java.util.Set<String> boundPods(Informer pods) {
    java.util.Set<String> uids = new java.util.HashSet<>();
    for (var p : pods.list(p -> config.nodeName().equals(p.path("spec").path("nodeName").asText())
        && !p.path("status").path("phase").asText("").matches("Succeeded|Failed"))) {
      uids.add(p.path("metadata").path("uid").asText());
      String mirrorOf = p.path("metadata").path("annotations").path("kubernetes.io/config.mirror").asText("");
      if (!mirrorOf.isEmpty()) {
        uids.add(mirrorOf);
      }
    }
    return uids;
  }

  private String podCidr(Informer nodes) {
    var node = nodes.get("", config.nodeName());
    String cidr = node == null ? "" : node.path("spec").path("podCIDR").asText("");
    return cidr.isEmpty() ? config.fallbackPodCidr() : cidr;
  }

  private Informer informer(String resource) {
    return informers.apply(REGISTRY.byResourceName(resource).orElseThrow());
  }

  @Override
  public Future<?> stop() {
    if (router != null) {
      router.unregister(config.nodeName());
    }
    if (agent != null) {
      agent.stop();
    }
    if (eviction != null) {
      eviction.stop();
    }
    if (logs != null) {
      logs.stop();
    }
    Future<Void> closed = server == null ? Future.succeededFuture()
        : server.close().compose(v -> authorizer.close())
            .compose(v -> reviews == null ? Future.succeededFuture() : reviews.close());
    return closed.compose(v -> pods.stop()).compose(v -> runtime.close());
  }

  /** The logs of the node's running containers, for the container log manager (on the kubelet's context). */
  private List<io.dekube.kubelet.logs.ContainerLogManager.Target> runningLogs() {
    List<io.dekube.kubelet.logs.ContainerLogManager.Target> out = new java.util.ArrayList<>();
    for (io.dekube.kubelet.pod.PodWorker w : pods.workers()) {
      for (io.dekube.kubelet.pod.ContainerRecord c : w.running()) {
        if (c.logFile() != null) {
          out.add(new io.dekube.kubelet.logs.ContainerLogManager.Target(c.logFile(), c.running()));
        }
      }
    }
    return out;
  }

  /** The kubelet API's port (0 when it serves none). */
  public int port() {
    return server == null ? 0 : server.port();
  }

  public KubeletConfig kubeletConfig() {
    return config;
  }
}
