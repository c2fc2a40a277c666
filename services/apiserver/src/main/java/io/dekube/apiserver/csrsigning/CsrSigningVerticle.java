package io.dekube.apiserver.csrsigning;

import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import java.nio.file.Path;
import java.util.function.Function;

/**
 * The CSR signer for {@code kubernetes.io/kube-apiserver-client} (kube-controller-manager's
 * csrsigning), wiring only: loads the cluster CA on a worker, then follows the informer of
 * certificatesigningrequests. Deploy one per cluster process (signing twice is harmless: the
 * second write conflicts).
 */
public final class CsrSigningVerticle extends VerticleBase {

  private final Path pkiDirectory;
  private final ResourceRegistry registry;
  /** Who it writes as: kube-controller-manager's certificate controller. */
  public static final io.dekube.core.auth.UserInfo USER = io.dekube.core.auth.SystemUsers.serviceAccount("kube-system",
      "certificate-controller");

  private final StoreApi store;
  private final Function<ResourceType, Informer> informers;

  public CsrSigningVerticle(Path pkiDirectory, ResourceRegistry registry, StoreApi store,
                            Function<ResourceType, Informer> informers) {
    this.pkiDirectory = pkiDirectory;
    this.registry = registry;
    this.store = store;
    this.informers = informers;
  }

  @Override
  public Future<?> start() {
    ResourceType csrs = registry.byResourceName("certificatesigningrequests.certificates.k8s.io").orElseThrow();
    return vertx.executeBlocking(() -> ClusterPki.loadOrCreate(pkiDirectory).ca(), false).compose(ca -> {
      Informer informer = informers.apply(csrs);
      new CsrSigningController(vertx, csrs, store, new CsrSigner(ca)).follow(informer);
      return informer.start();
    });
  }
}
