package io.dekube.kubelet;

import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.auth.SystemUsers;
import io.dekube.core.auth.UserInfo;
import io.dekube.core.store.StoreApi;
import io.dekube.kubelet.server.KubeletServer;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes of one process: deploys a {@link KubeletVerticle} per node config (in parallel batches,
 * so a thousand simulated nodes start in seconds), and stops or restarts one by name
 * ({@code dekube node stop|start}, through {@link #handle} on the ops port:
 * {@code POST /nodes/<name>/stop}, {@code POST /nodes/<name>/start}, {@code GET /nodes/}). Its
 * kubelets are its child deployments: undeploying the fleet stops them all.
 */
public final class NodeFleet extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(NodeFleet.class);
  private static final int BATCH = 50;

  private final List<KubeletConfig> configs;
  private final StoreApi store;
  private final Function<ResourceType, Informer> informers;
  private final ClusterPki pki;
  private final Map<String, KubeletConfig> byName = new LinkedHashMap<>();
  private final Map<String, String> running = new LinkedHashMap<>();
  private final Map<String, KubeletVerticle> verticles = new LinkedHashMap<>();

  public NodeFleet(List<KubeletConfig> configs, StoreApi store, Function<ResourceType, Informer> informers,
                   ClusterPki pki) {
    this.configs = configs;
    this.store = store;
    this.informers = informers;
    this.pki = pki;
    configs.forEach(c -> byName.put(c.nodeName(), c));
  }

  private io.dekube.core.serviceaccount.TokenSigner tokenSigner;
  private io.dekube.kubelet.server.auth.KubeletAuthorizer authorizer;
  private Function<UserInfo, StoreApi> stores;

  /**
   * The apiserver's issuer options the nodes sign their pods' projected tokens with (issuer, API audiences,
   * expirations); kube's defaults without. Call before deploying.
   */
  public NodeFleet withIssuerOptions(io.dekube.core.serviceaccount.IssuerOptions options) {
    this.issuerOptions = options;
    return this;
  }

  private io.dekube.core.serviceaccount.IssuerOptions issuerOptions =
      io.dekube.core.serviceaccount.IssuerOptions.defaults();

  /**
   * Writes of each node through {@code stores.apply(its user)} ({@code system:node:<name>} in
   * {@code system:nodes}), e.g. with the admission webhooks in front; without it every node writes
   * through the store given. Call before deploying.
   */
  public NodeFleet withStores(Function<UserInfo, StoreApi> stores) {
    this.stores = stores;
    return this;
  }

  /**
   * Decides every node's kubelet API requests with {@code decider} instead of SubjectAccessReviews (tests
   * without an apiserver). Call before deploying.
   */
  public NodeFleet withAuthorizer(io.dekube.kubelet.server.auth.KubeletAuthorizer decider) {
    this.authorizer = decider;
    return this;
  }

  private io.dekube.kubelet.eviction.EvictionConfig eviction = io.dekube.kubelet.eviction.EvictionConfig.defaults();

  /** The node-pressure eviction settings of every node ({@code --eviction-hard}…). Call before deploying. */
  public NodeFleet withEviction(io.dekube.kubelet.eviction.EvictionConfig settings) {
    this.eviction = settings;
    return this;
  }

  private io.dekube.kubelet.logs.ContainerLogPolicy logs = io.dekube.kubelet.logs.ContainerLogPolicy.DEFAULTS;

  /** How every node rotates its containers' logs ({@code --container-log-max-size}…). Call before deploying. */
  public NodeFleet withContainerLogs(io.dekube.kubelet.logs.ContainerLogPolicy policy) {
    this.logs = policy;
    return this;
  }

  @Override
  public Future<?> start() {
    if (pki == null) {
      return batch(new ArrayList<>(configs), 0);
    }
    return vertx.executeBlocking(() -> new io.dekube.core.serviceaccount.TokenSigner(
            io.dekube.core.pki.ServiceAccountKey.loadOrCreate(pki.directory()), issuerOptions), false)
        .onSuccess(s -> tokenSigner = s)
        .compose(s -> batch(new ArrayList<>(configs), 0));
  }

  private Future<Void> batch(List<KubeletConfig> all, int from) {
    if (from >= all.size()) {
      return Future.succeededFuture();
    }
    List<Future<Void>> started = new ArrayList<>();
    for (KubeletConfig c : all.subList(from, Math.min(all.size(), from + BATCH))) {
      started.add(startNode(c));
    }
    return Future.all(started).compose(v -> batch(all, from + BATCH));
  }

  private Future<Void> startNode(KubeletConfig c) {
    if (running.containsKey(c.nodeName())) {
      return Future.succeededFuture();
    }
    Future<KubeletServer.Tls> tls = c.servesApi() ? vertx.executeBlocking(() -> tls(pki, c), false)
        : Future.succeededFuture(null);
    return tls.compose(t -> {
      StoreApi own = stores == null ? store : stores.apply(SystemUsers.node(c.nodeName()));
      KubeletVerticle v = new KubeletVerticle(c, own, informers, t).withTokenSigner(tokenSigner)
          .withAuthorizer(authorizer).withEviction(eviction).withContainerLogs(logs);
      return vertx.deployVerticle(v).onSuccess(id -> {
        running.put(c.nodeName(), id);
        verticles.put(c.nodeName(), v);
      });
    }).mapEmpty();
  }

  /**
   * A serving certificate for the node's IP and name and the node's client certificate (kube's node
   * identity: {@code system:node:<name>} in {@code system:nodes}), from the cluster CA. CPU-heavy: call off
   * the event loop.
   */
  public static KubeletServer.Tls tls(ClusterPki pki, KubeletConfig c) {
    CertificateBundle b = pki.issueServingCertificate(c.nodeName(), List.of(c.nodeName(), "localhost"),
        List.of(c.nodeIp()));
    CertificateBundle client = pki.issueClientCertificate(NODE_USER_PREFIX + c.nodeName(), List.of(NODES_GROUP));
    return new KubeletServer.Tls(b, pki.ca().certificate(), client);
  }

  /** kube's node identity: user {@code system:node:<name>}, group {@code system:nodes}. */
  public static final String NODE_USER_PREFIX = "system:node:";
  public static final String NODES_GROUP = SystemUsers.NODES;

  /** Stops a node's kubelet (heartbeats stop; its pods stay as they are). */
  public Future<Void> stopNode(String name) {
    String id = running.remove(name);
    verticles.remove(name);
    if (id == null) {
      return Future.failedFuture(new IllegalArgumentException(byName.containsKey(name) ? "node " + name
          + " is already stopped" : "no node " + name + " in this process"));
    }
    LOG.info("stopping node {}", name);
    return vertx.undeploy(id);
  }

  /** Starts a stopped node's kubelet again. */
  public Future<Void> startNode(String name) {
    KubeletConfig c = byName.get(name);
    if (c == null) {
      return Future.failedFuture(new IllegalArgumentException("no node " + name + " in this process"));
    }
    if (running.containsKey(name)) {
      return Future.failedFuture(new IllegalArgumentException("node " + name + " is already running"));
    }
    LOG.info("starting node {}", name);
    return startNode(c);
  }

  /** The kubelet of a running node (tests). */
  public KubeletVerticle kubelet(String name) {
    return verticles.get(name);
  }

  /** Ops endpoint: {@code POST /nodes/<name>/stop|start}, {@code GET /nodes/} lists nodes and their state. */
  public void handle(HttpServerRequest req) {
    String[] p = req.path().split("/");
    if (p.length == 2 || (p.length == 3 && p[2].isEmpty())) {
      StringBuilder b = new StringBuilder();
      byName.keySet().forEach(n -> b.append(n).append(running.containsKey(n) ? " running\n" : " stopped\n"));
      req.response().putHeader("Content-Type", "text/plain").end(b.toString());
      return;
    }
    if (p.length != 4 || !req.method().name().equals("POST") || !(p[3].equals("stop") || p[3].equals("start"))) {
      req.response().setStatusCode(404).end("use POST /nodes/<name>/stop or /nodes/<name>/start\n");
      return;
    }
    String name = p[2];
    context.runOnContext(v -> (p[3].equals("stop") ? stopNode(name) : startNode(name)).onComplete(ar -> {
      if (ar.succeeded()) {
        req.response().end("node " + name + (p[3].equals("stop") ? " stopped\n" : " started\n"));
      } else {
        req.response().setStatusCode(ar.cause() instanceof IllegalArgumentException ? 409 : 500)
            .end(ar.cause().getMessage() + "\n");
      }
    }));
  }
}
