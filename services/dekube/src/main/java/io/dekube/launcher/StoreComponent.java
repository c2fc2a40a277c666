package io.dekube.launcher;

import io.dekube.store.admission.CustomResourceAdmission;
import io.dekube.store.admission.InformedServiceAccounts;
import io.dekube.store.admission.PriorityAdmission;
import io.dekube.store.admission.ResourceQuotaAdmission;
import io.dekube.store.admission.RuntimeClassAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.store.admission.podsecurity.PodSecurityAdmission;
import io.dekube.store.admission.podsecurity.PodSecurityConfig;
import io.dekube.store.cel.CelLoader;
import io.dekube.core.net.ClusterNetwork;
import io.dekube.store.writer.ServiceRanges;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.dekube.core.crd.CrdParser;
import io.dekube.core.crd.CustomKindSync;
import io.dekube.core.informer.Informer;
import java.util.List;

/** The store: the writer verticles that own the request partitions (dekube's etcd). */
final class StoreComponent implements Component {

  @Override
  public List<Flag> flags() {
    return List.of(Flag.of("--writers", "N", "writer verticles in this process (default 1)"),
        Flag.of("--service-cidr", "CIDR", "where Services get their ClusterIPs (default 127.96.0.0/16)"),
        Flag.of("--store-name", "NAME", "names this store's writer slots in the writers' group: a restart with the "
            + "same name takes its partitions back at once; give each store process its own (default store)"),
        Flag.of("--admission-control-config-file", "FILE", "apiserver.config.k8s.io/v1 AdmissionConfiguration: "
            + "its PodSecurity plugin's defaults and exemptions (give every store and apiserver process the same file)"));
  }

  /**
   * The PodSecurity configuration of {@code --admission-control-config-file} (kube's default without it). The
   * writers enforce it and the apiserver warns and audits by it: each process reads the file it is given, so in
   * split mode every {@code dekube store} and {@code dekube apiserver} needs the same file, as each
   * kube-apiserver of a cluster needs its own copy. A file that is not valid stops the start with kube's words.
   */
  static PodSecurityConfig podSecurity(Flags flags) {
    return flags.raw("--admission-control-config-file").map(f -> {
      try {
        return PodSecurityConfig.load(java.nio.file.Path.of(f));
      } catch (IllegalArgumentException e) {
        throw new LaunchException(e.getMessage());
      }
    }).orElse(PodSecurityConfig.DEFAULT);
  }

  /** The service CIDR and NodePort range of {@code --service-cidr}; the apiserver reads it too. */
  static ServiceRanges serviceRanges(Flags flags) {
    return ServiceRanges.defaults().withServiceCidr(flags.string("--service-cidr", ClusterNetwork.SERVICE_CIDR));
  }

  @Override
  public void deploy(LaunchContext ctx) throws Exception {
    int writers = ctx.flags().count("--writers", 1, 1);
    PodSecurityConfig podSecurityConfig = podSecurity(ctx.flags());
    // the DefaultTolerationSeconds flags are the admission's, which runs here: a store of its own reads them too
    ControllerManagerComponent.admission(ctx.flags());
    // the writers admit custom resources of the established CRDs: learn them before answering anything
    Informer crds = ctx.informers().informer(ctx.bootstrap(), ctx.registry().byResourceName(CrdParser.CRDS)
        .orElseThrow());
    CustomKindSync.follow(crds, ctx.registry());
    crds.addHandler(CelLoader.onObjects(CelLoader::hasValidationRules)); // their rules are compiled here
    // the Priority admission of pod creates reads the PriorityClasses, as kube's plugin reads its informer
    Informer priorityClasses = ctx.informers().informer(ctx.bootstrap(), ctx.registry()
        .byGroupPlural("scheduling.k8s.io", "priorityclasses").orElseThrow());
    PriorityAdmission priorities = new PriorityAdmission(priorityClasses::list,
        name -> priorityClasses.get("", name));
    // the RuntimeClass admission of pod creates reads the RuntimeClasses (overhead, scheduling)
    Informer runtimeClasses = ctx.informers().informer(ctx.bootstrap(), ctx.registry()
        .byGroupPlural("node.k8s.io", "runtimeclasses").orElseThrow());
    RuntimeClassAdmission runtimes = new RuntimeClassAdmission(name -> runtimeClasses.get("", name));
    // the ServiceAccount admission refuses pods whose ServiceAccount does not exist, and reads the accounts'
    // automountServiceAccountToken, mountable secrets and pull secrets: from this informer, and after a miss
    // from the store topic's end (a consistent read, on the writer's thread)
    Informer accounts = ctx.informers().informer(ctx.bootstrap(), ctx.registry().byResourceName("serviceaccounts")
        .orElseThrow());
    KubernetesAdmission.serviceAccounts(new InformedServiceAccounts(accounts));
    // the DefaultIngressClass admission gives a new Ingress without a class the default IngressClass
    Informer ingressClasses = ctx.informers().informer(ctx.bootstrap(), ctx.registry()
        .byGroupPlural("networking.k8s.io", "ingressclasses").orElseThrow());
    KubernetesAdmission.ingressClasses(ingressClasses::list);
    // LimitRanger and ResourceQuota read the namespace's LimitRanges and quotas; quota usage is the writer's own
    Informer limitRanges = ctx.informers().informer(ctx.bootstrap(), ctx.registry().byResourceName("limitranges")
        .orElseThrow());
    KubernetesAdmission.limitRanges(limitRanges::list);
    Informer quotas = ctx.informers().informer(ctx.bootstrap(), ctx.registry().byResourceName("resourcequotas")
        .orElseThrow());
    ResourceQuotaAdmission quota = new ResourceQuotaAdmission(quotas::list, java.time.Clock.systemUTC());
    // the DefaultStorageClass admission gives a new PersistentVolumeClaim without a class the default StorageClass
    Informer storageClasses = ctx.informers().informer(ctx.bootstrap(), ctx.registry()
        .byGroupPlural("storage.k8s.io", "storageclasses").orElseThrow());
    KubernetesAdmission.storageClasses(storageClasses::list);
    // PodSecurity enforces the level of each pod's namespace labels (or the configured default level)
    Informer namespaces = ctx.informers().informer(ctx.bootstrap(), ctx.registry().byResourceName("namespaces")
        .orElseThrow());
    PodSecurityAdmission podSecurity = new PodSecurityAdmission(name -> namespaces.get("", name),
        podSecurityConfig);
    // the caches fill side by side, while the writers join their group and rebuild their partitions;
    // the writers answer once all are synced, and a cache that cannot sync fails each writer's start
    io.vertx.core.Future<?> caches = io.vertx.core.Future.all(List.of(crds.start(), priorityClasses.start(),
        runtimeClasses.start(), accounts.start(), ingressClasses.start(), limitRanges.start(), quotas.start(),
        storageClasses.start(), namespaces.start()));
    for (int i = 0; i < writers; i++) {
      WriterConfig config = WriterConfig.defaults(ctx.bootstrap())
          .withGroupInstanceId("dekube-" + ctx.flags().string("--store-name", "store") + "-writer-" + i);
      ctx.deploy(new WriterVerticle(config, ctx.registry(),
          CustomResourceAdmission.chain(ctx.registry(), priorities, runtimes)).withServiceRanges(serviceRanges(ctx.flags()))
          .withValidatingAdmission(podSecurity)
          .withResourceQuota(quota).answeringAfter(caches));
    }
  }
}
