package io.dekube.launcher;

import io.dekube.apiserver.ApiServerConfig;
import io.dekube.apiserver.ApiServerVerticle;
import io.dekube.apiserver.admission.BasicAdmission;
import io.dekube.apiserver.admission.KubernetesAdmission;
import io.dekube.apiserver.pki.ClusterPki;
import io.dekube.apiserver.pki.KubeconfigWriter;
import io.dekube.apiserver.writer.WriterConfig;
import io.dekube.apiserver.writer.WriterVerticle;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;

/**
 * Which verticles {@code dekube up} runs, in order: the writers (the store's owners), then the
 * apiserver. Blocking (certificate generation, waiting for deployments): call from a plain thread.
 */
final class Components {

  /** What the components expose, for the ready line. */
  record Started(String apiUrl, Path kubeconfig) {
  }

  private Components() {
  }

  static Started deploy(Vertx vertx, String bootstrap, UpOptions options, List<String> deployments) throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    for (int i = 0; i < options.writers(); i++) {
      WriterVerticle writer = new WriterVerticle(WriterConfig.defaults(bootstrap), registry,
          new BasicAdmission().andThen(new KubernetesAdmission()));
      deployments.add(Cluster.await(vertx.deployVerticle(writer)));
    }
    Path pkiDir = options.dataDir().resolve("pki");
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir);
    ApiServerConfig config = ApiServerConfig.defaults().withPort(options.apiPort()).withPkiDirectory(pkiDir);
    StoreClient store = Cluster.await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    SharedInformers informers = SharedInformers.of(vertx);
    ApiServerVerticle apiserver = new ApiServerVerticle(config, registry, store,
        type -> informers.informer(bootstrap, type));
    deployments.add(Cluster.await(vertx.deployVerticle(apiserver)));
    String url = KubeconfigWriter.serverUrl("127.0.0.1", apiserver.actualPort());
    Path kubeconfig = KubeconfigWriter.writeAdmin(pki, url, options.dataDir().resolve("kubeconfig"));
    return new Started(url, kubeconfig);
  }
}
