package io.dekube.launcher;

import io.dekube.apiserver.ApiServerConfig;
import io.dekube.apiserver.ApiServerVerticle;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.pki.KubeconfigWriter;
import io.dekube.core.bus.BusMonitor;
import io.dekube.core.informer.SharedInformers;
import java.nio.file.Path;
import java.util.List;

/** The apiserver: the HTTPS front over the StoreClient and shared informers; writes the admin kubeconfig. */
final class ApiServerComponent implements Component {

  @Override
  public List<Flag> flags() {
    return List.of(Flag.of("--api-port", "N", "apiserver HTTPS port (default 6443)"));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    Path pkiDir = ctx.dataDir().resolve("pki");
    ClusterPki pki = ClusterPki.loadOrCreate(pkiDir);
    ApiServerConfig config = ApiServerConfig.defaults().withPort(ctx.options().apiPort()).withPkiDirectory(pkiDir);
    SharedInformers informers = ctx.informers();
    String bootstrap = ctx.bootstrap();
    ApiServerVerticle apiserver = new ApiServerVerticle(config, ctx.registry(), ctx.store(),
        type -> informers.informer(bootstrap, type))
        .withKubernetesServiceIp(StoreComponent.serviceRanges(ctx).firstAddress());
    BusMonitor bus = BusMonitor.find(bootstrap);
    if (bus != null) {
      apiserver.health().addReadinessCheck("kafka", bus::failure);
    }
    ctx.deploy(apiserver);
    String url = KubeconfigWriter.serverUrl("127.0.0.1", apiserver.actualPort());
    ctx.apiServer(url, KubeconfigWriter.writeAdmin(pki, url, ctx.dataDir().resolve("kubeconfig")));
  }
}
