package io.dekube.launcher;

import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.ResourceRegistry;
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
 * Components record what they expose for the ready line with {@link #announce}. Not thread-safe:
 * used by the launcher thread only.
 */
final class LaunchContext {

  private final Vertx vertx;
  private final String bootstrap;
  private final UpOptions options;
  private final ResourceRegistry registry;
  private final List<String> deployments;
  private final StringBuilder readyParts = new StringBuilder();
  private StoreClient store;
  private SharedInformers informers;
  private String apiUrl;
  private Path kubeconfig;
  private io.dekube.core.metrics.OpsHttpServer ops;

  LaunchContext(Vertx vertx, String bootstrap, UpOptions options, ResourceRegistry registry, List<String> deployments) {
    this.vertx = vertx;
    this.bootstrap = bootstrap;
    this.options = options;
    this.registry = registry;
    this.deployments = deployments;
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
    if (store == null) {
      store = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    }
    return store;
  }

  /** The process's shared informers: one per resource, whoever asks. */
  SharedInformers informers() {
    if (informers == null) {
      informers = SharedInformers.of(vertx);
    }
    return informers;
  }

  /** Deploys a verticle and remembers it for the ordered stop; blocks until it started. */
  String deploy(Deployable verticle) throws Exception {
    return record(vertx.deployVerticle(verticle));
  }

  /** Remembers a deployment made some other way (several instances, options). */
  String record(Future<String> deployment) throws Exception {
    String id = Cluster.await(deployment);
    deployments.add(id);
    return id;
  }

  /** The process's ops HTTP server (/metrics, /healthz; components may add operations to it). */
  io.dekube.core.metrics.OpsHttpServer ops() {
    return ops;
  }

  void ops(io.dekube.core.metrics.OpsHttpServer server) {
    this.ops = server;
  }

  /** The apiserver's URL and the admin kubeconfig, for the ready line. */
  void apiServer(String url, Path kubeconfigPath) {
    this.apiUrl = url;
    this.kubeconfig = kubeconfigPath;
  }

  String apiUrl() {
    return apiUrl;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  /** Adds "what, where" to the ready line (", 3 nodes (jvm)"). */
  void announce(String part) {
    readyParts.append(", ").append(part);
  }

  String announced() {
    return readyParts.toString();
  }
}
