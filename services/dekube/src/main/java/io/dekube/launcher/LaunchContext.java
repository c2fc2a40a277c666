package io.dekube.launcher;

import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.store.StoreApi;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.vertx.core.Future;
import io.vertx.core.Deployable;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;

/**
 * What the components of one {@code dekube up} share: Vert.x, the bus address, the flags, the
 * registry, one {@link StoreClient} and one set of shared informers (so every component reads
 * the same caches), and the list of deployments that {@link Cluster#stop()} undeploys in reverse.
 * Components record what they expose for the ready line with {@link #announce}; each component
 * gets its own view ({@link #forComponent}) so that components started side by side still
 * announce in {@link Components#ALL} order. Thread-safe: components may deploy in parallel.
 */
final class LaunchContext {

  /** What every component's view shares. */
  private static final class Shared {
    final java.util.SortedMap<Integer, StringBuilder> readyParts = new java.util.TreeMap<>();
    StoreClient store;
    io.dekube.store.admission.webhook.BusWebhooks webhooks;
    SharedInformers informers;
    String apiUrl;
    Path kubeconfig;
    io.dekube.core.metrics.OpsHttpServer ops;
    /** The port the cluster DNS of this process answers on, once it listens (0 before, or without one). */
    final java.util.concurrent.atomic.AtomicInteger dnsPort = new java.util.concurrent.atomic.AtomicInteger();
    final java.util.Map<String, String> names = new java.util.HashMap<>();
    /** What each component's {@link Component#prepare} returns, by start-order index; set once. */
    final List<java.util.concurrent.CompletableFuture<Object>> prepared;
    /** The file name of the audit log in the data dir when {@code --audit-log-path} is not given. */
    final String auditLog;
    boolean auditRead;
    io.dekube.apiserver.audit.AuditPolicy auditPolicy;
    io.dekube.apiserver.audit.AuditSink auditSink;

    Shared(List<java.util.concurrent.CompletableFuture<Object>> prepared, String auditLog) {
      this.prepared = List.copyOf(prepared);
      this.auditLog = auditLog;
    }
  }

  private final Vertx vertx;
  private final String bootstrap;
  private final UpOptions options;
  private final ResourceRegistry registry;
  private final List<String> deployments;
  private final Shared shared;
  private final int slot;

  /**
   * {@code prepared}: each component's {@link Component#prepare}, in {@link Components#ALL} order; {@code auditLog}:
   * the audit log's file name in the data dir when {@code --audit-log-path} is not given.
   */
  LaunchContext(Vertx vertx, String bootstrap, UpOptions options, ResourceRegistry registry, List<String> deployments,
                List<java.util.concurrent.CompletableFuture<Object>> prepared, String auditLog) {
    this(vertx, bootstrap, options, registry, deployments, new Shared(prepared, auditLog), 0);
  }

  /**
   * What this component's {@link Component#prepare} returned (waiting for it if it still runs), or
   * null when it was not prepared; a failed preparation throws its cause.
   */
  Object prepared() throws Exception {
    return slot < shared.prepared.size() ? Cluster.join(shared.prepared.get(slot)) : null;
  }

  private LaunchContext(Vertx vertx, String bootstrap, UpOptions options, ResourceRegistry registry,
                        List<String> deployments, Shared shared, int slot) {
    this.vertx = vertx;
    this.bootstrap = bootstrap;
    this.options = options;
    this.registry = registry;
    this.deployments = deployments;
    this.shared = shared;
    this.slot = slot;
  }

  /** The view of the component at {@code index} of the start order: its announcements keep that place. */
  LaunchContext forComponent(int index) {
    return new LaunchContext(vertx, bootstrap, options, registry, deployments, shared, index);
  }

  Vertx vertx() {
    return vertx;
  }

  String bootstrap() {
    return bootstrap;
  }

  UpOptions options() {
    return options;
  }

  Flags flags() {
    return options.flags();
  }

  ResourceRegistry registry() {
    return registry;
  }

  Path dataDir() {
    return options.dataDir();
  }

  /** The process's one StoreClient, started on first use. */
  StoreClient store() throws Exception {
    synchronized (shared) {
      if (shared.store == null) {
        shared.store = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
      }
      return shared.store;
    }
  }

  /**
   * The process's store as {@code user} writes through it: the admission webhooks in front of every
   * write, as the apiserver runs them for its clients.
   */
  StoreApi storeAs(UserInfo user) throws Exception {
    return stores().apply(user);
  }

  /**
   * The process's store for each user ({@link #storeAs}); the webhooks of the process start on first
   * use (their informers replay the configurations, namespaces, services and endpoints). With
   * {@code --audit-policy-file} each user's calls are audited to the process's backends, as kube-apiserver
   * audits the requests of kube's components ({@link io.dekube.apiserver.audit.BusAudit}).
   */
  java.util.function.Function<UserInfo, StoreApi> stores() throws Exception {
    StoreClient client = store();
    io.dekube.store.admission.webhook.BusWebhooks webhooks = webhooks();
    return io.dekube.apiserver.audit.BusAudit.wrap(auditPolicy(), auditSink(), user -> webhooks.as(user, client));
  }

  /**
   * The process's store as {@code user} of a program that is not one of kube's components writes through it, its
   * writes carrying {@code manager}: admitted by the webhooks and policies as {@link #storeAs(UserInfo)}, audited
   * with a policy.
   */
  StoreApi storeAs(UserInfo user, String manager) throws Exception {
    return storeAs(user, manager, null);
  }

  /**
   * As above, the calls audited with the User-Agent {@code agent} (null: the one of {@code user}'s component): a
   * user of several programs, the administrator's kubectl beside kubeadm.
   */
  StoreApi storeAs(UserInfo user, String manager, String agent) throws Exception {
    StoreClient client = store();
    return io.dekube.apiserver.audit.BusAudit.as(auditPolicy(), auditSink(), user, agent,
        webhooks().as(user, manager, client));
  }

  /** The admission webhooks and policies of the process's writers on the bus, started on first use. */
  private io.dekube.store.admission.webhook.BusWebhooks webhooks() throws Exception {
    synchronized (shared) {
      if (shared.webhooks == null) {
        SharedInformers informers = informers();
        shared.webhooks = Cluster.await(io.dekube.store.admission.webhook.BusWebhooks.start(vertx, registry,
            type -> informers.informer(bootstrap, type), new io.dekube.apiserver.conversion.EquivalentBuiltIns()));
      }
      return shared.webhooks;
    }
  }

  /**
   * The process's shared informers as {@code user}'s component asks for them: with a policy, its list and watch of
   * each resource are audited as kube's reflectors' ({@link io.dekube.apiserver.audit.BusAudit#informers}).
   */
  java.util.function.Function<io.dekube.core.model.ResourceType, io.dekube.core.informer.Informer> informersAs(
      UserInfo user) {
    SharedInformers informers = informers();
    return io.dekube.apiserver.audit.BusAudit.informers(auditPolicy(), auditSink(), user,
        type -> informers.informer(bootstrap, type));
  }

  /** The policy of {@code --audit-policy-file}, read once per process; null without one. */
  io.dekube.apiserver.audit.AuditPolicy auditPolicy() {
    readAudit();
    synchronized (shared) {
      return shared.auditPolicy;
    }
  }

  /**
   * The audit backends of the process (null without a policy), opened once: the apiserver's requests and the
   * components' calls share them (one log). The log is {@code <data-dir>/audit.log} by default, the file name the
   * launcher gave for a process without the apiserver ({@code audit-controller-manager.log}): two processes
   * must not rotate one file.
   */
  io.dekube.apiserver.audit.AuditSink auditSink() {
    readAudit();
    synchronized (shared) {
      return shared.auditSink;
    }
  }

  private void readAudit() {
    synchronized (shared) {
      if (!shared.auditRead) {
        shared.auditPolicy = ApiServerComponent.auditPolicy(flags());
        shared.auditSink = ApiServerComponent.auditSink(flags(), dataDir().resolve(shared.auditLog));
        shared.auditRead = true;
      }
    }
  }

  /** The process's shared informers: one per resource, whoever asks. */
  SharedInformers informers() {
    synchronized (shared) {
      if (shared.informers == null) {
        shared.informers = SharedInformers.of(vertx);
      }
      return shared.informers;
    }
  }

  /** Deploys a verticle and remembers it for the ordered stop; blocks until it started. */
  String deploy(Deployable verticle) throws Exception {
    String id = record(vertx.deployVerticle(verticle));
    synchronized (shared) {
      shared.names.put(id, verticle.getClass().getSimpleName());
    }
    return id;
  }

  /** What was deployed as {@code id} (its class), for the stop's log; the id itself when not known. */
  String nameOf(String id) {
    synchronized (shared) {
      return shared.names.getOrDefault(id, id);
    }
  }

  /** Remembers a deployment made some other way (several instances, options). */
  String record(Future<String> deployment) throws Exception {
    String id = Cluster.await(deployment);
    synchronized (deployments) {
      deployments.add(id);
    }
    return id;
  }

  /** The process's ops HTTP server (/metrics, /healthz; components may add operations to it). */
  io.dekube.core.metrics.OpsHttpServer ops() {
    synchronized (shared) {
      return shared.ops;
    }
  }

  void ops(io.dekube.core.metrics.OpsHttpServer server) {
    synchronized (shared) {
      shared.ops = server;
    }
  }

  /** The apiserver's URL and the admin kubeconfig, for the ready line. */
  void apiServer(String url, Path kubeconfigPath) {
    synchronized (shared) {
      shared.apiUrl = url;
      shared.kubeconfig = kubeconfigPath;
    }
  }

  String apiUrl() {
    synchronized (shared) {
      return shared.apiUrl;
    }
  }

  Path kubeconfig() {
    synchronized (shared) {
      return shared.kubeconfig;
    }
  }

  /** Records the port the cluster DNS of this process listens on. */
  void dnsPort(int port) {
    shared.dnsPort.set(port);
  }

  /** The port the cluster DNS of this process listens on, or 0 when it does not run (yet) here. */
  int dnsPort() {
    return shared.dnsPort.get();
  }

  /** Adds "what, where" to the ready line (", 3 nodes (jvm)"), in this component's place. */
  void announce(String part) {
    synchronized (shared) {
      shared.readyParts.computeIfAbsent(slot, k -> new StringBuilder()).append(", ").append(part);
    }
  }

  /** Every component's announcements, in start order. */
  String announced() {
    synchronized (shared) {
      return String.join("", shared.readyParts.values());
    }
  }
}
