package io.dekube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.NodeFleet;
import io.dekube.kubelet.pod.PodIpAllocator;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/**
 * {@code bench/run pods}: pod startup, create → Running as the store shows it, for pods with
 * {@code nodeName} preset (no scheduler): {@code --pods 100} over {@code --nodes 3} jvm nodes
 * (image registry.k8s.io/pause:3.10, a built-in alias). {@code bench/run nodes}: {@code --nodes 1000} simulated nodes and
 * {@code --pods 10000} pods in one JVM beside the store and the apiserver; reports the time until
 * all run, the heap after a GC and the process CPU while idle for {@code --idle 30} seconds.
 */
public final class PodStartupBench {

  private static final ResourceRegistry REGISTRY = ResourceRegistry.builtIn();
  private static final ResourceType PODS = REGISTRY.byResourceName("pods").orElseThrow();
  /** The first create the store refused, shown when pods never run. */
  private static final java.util.concurrent.atomic.AtomicReference<Throwable> FIRST_FAILURE =
      new java.util.concurrent.atomic.AtomicReference<>();
  private static final ResourceType NAMESPACES = REGISTRY.byResourceName("namespaces").orElseThrow();

  private PodStartupBench() {
  }

  public static void main(String[] args) throws Exception {
    boolean simulated = args.length > 0 && args[0].equals("nodes");
    int nodes = simulated ? 1000 : 3;
    int pods = simulated ? 10_000 : 100;
    int idle = 30;
    int rounds = simulated ? 1 : 2;
    boolean scheduled = java.util.Arrays.asList(args).contains("--scheduler");
    args = java.util.Arrays.stream(args).filter(a -> !a.equals("--scheduler")).toArray(String[]::new);
    for (int i = 1; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--pods" -> pods = Integer.parseInt(args[i + 1]);
        case "--idle" -> idle = Integer.parseInt(args[i + 1]);
        case "--rounds" -> rounds = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    Path data = Files.createTempDirectory("dekube-bench-pods");
    EmbeddedKafka broker = EmbeddedKafka.builder().dataDir(data.resolve("kafka")).build().start();
    String bootstrap = broker.bootstrapServers();
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, REGISTRY.all(), (short) 1);
    }
    Vertx vertx = Vertx.vertx();
    StoreBench.await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), REGISTRY,
        new BasicAdmission().andThen(new KubernetesAdmission()))));
    StoreClient store = StoreBench.await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    if (simulated) {
      HttpsCreateBench.deployApiServer(vertx, bootstrap, store, data, 1);
    }
    for (String ns : List.of("bench", "kube-node-lease")) {
      ObjectNode n = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
      Json.metadata(n).put("name", ns);
      StoreBench.await(store.create(NAMESPACES, "", n, WriteOptions.none()).recover(e -> Future.succeededFuture()));
    }
    // What the controller-manager (not run here) gives a namespace and the kubelets need to mount a pod's
    // kube-api-access volume: the default ServiceAccount and the root CA's ConfigMap.
    ClusterPki pki = ClusterPki.loadOrCreate(data.resolve("pki"));
    ObjectNode sa = Json.object().put("apiVersion", "v1").put("kind", "ServiceAccount");
    Json.metadata(sa).put("name", "default").put("namespace", "bench");
    StoreBench.await(store.create(REGISTRY.byResourceName("serviceaccounts").orElseThrow(), "bench", sa,
        WriteOptions.none()));
    ObjectNode ca = Json.object().put("apiVersion", "v1").put("kind", "ConfigMap");
    Json.metadata(ca).put("name", "kube-root-ca.crt").put("namespace", "bench");
    ca.putObject("data").put("ca.crt", Files.readString(pki.caCertificateFile()));
    StoreBench.await(store.create(REGISTRY.byResourceName("configmaps").orElseThrow(), "bench", ca,
        WriteOptions.none()));
    SharedInformers informers = SharedInformers.of(vertx);
    Informer podInformer = informers.informer(bootstrap, PODS);
    StoreBench.await(podInformer.start());
    ThreadLocalRandom r = ThreadLocalRandom.current();
    String prefix = "127." + r.nextInt(2, 100) + "." + r.nextInt(2, 250) + ".";
    String cidr = "127." + r.nextInt(100, 240) + ".0.0/16";
    List<KubeletConfig> configs = new ArrayList<>();
    for (int i = 1; i <= nodes; i++) {
      configs.add(KubeletConfig.defaults(String.format("bench-node-%04d", i), prefix + (i % 250 + 1), data)
          .withRuntime(simulated ? "simulated" : "jvm").withKubeletPort(simulated ? -1 : 0)
          .withFallbackPodCidr(PodIpAllocator.nthSubnet(cidr, i)));
    }
    long t0 = System.nanoTime();
    StoreBench.await(vertx.deployVerticle(new NodeFleet(configs, store, t -> informers.informer(bootstrap, t),
        pki)));
    System.out.printf("%d %s nodes registered in %.1f s%n", nodes, simulated ? "simulated" : "jvm",
        (System.nanoTime() - t0) / 1e9);
    if (scheduled) { // --scheduler: pods without nodeName, placed by the default scheduler
      StoreBench.await(vertx.deployVerticle(new io.dekube.scheduler.SchedulerVerticle(
          io.dekube.scheduler.SchedulerConfig.defaults().withLeaderElect(false), REGISTRY, store,
          t -> informers.informer(bootstrap, t))));
    }
    if ((long) rounds * pods > 110L * nodes) {
      throw new IllegalArgumentException(rounds + " rounds of " + pods + " pods do not fit " + nodes + " nodes of 110 "
          + "pods (pods of earlier rounds stay)");
    }
    String kind = (simulated ? "simulated" : "jvm") + (scheduled ? ", through the scheduler" : "");
    System.out.println(LatencyRecorder.Result.header());
    for (int round = 1; round <= rounds; round++) {
      Stages st = new Stages();
      var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpu0 = os.getProcessCpuTime();
      long all = runPods(vertx, store, podInformer, scheduled ? null : configs, pods, st, "r" + round + "-");
      String label = kind + (rounds > 1 ? ", round " + round : "");
      System.out.println(st.reply.result("create->reply " + label, nodes, all / 1e9).row());
      System.out.println(st.seen.result("create->informer sees it " + label, nodes, all / 1e9).row());
      System.out.println(st.status.result("create->first status " + label, nodes, all / 1e9).row());
      System.out.println(st.running.result("create->Running " + label, nodes, all / 1e9).row());
      System.out.printf("(round %d: %d pods Running in %.1f s, process CPU %.1f ms per pod (broker, writer and "
          + "kubelets), load average %.2f)%n", round, pods, all / 1e9, (os.getProcessCpuTime() - cpu0) / 1e6 / pods,
          os.getSystemLoadAverage());
    }
    if (simulated) {
      idleFigures(idle);
    }
    System.exit(0);
  }

  /** Where the time of a pod's start-up goes: the create's reply, the informer's add, the first status, Running. */
  private static final class Stages {
    final LatencyRecorder reply = new LatencyRecorder();
    final LatencyRecorder seen = new LatencyRecorder();
    final LatencyRecorder status = new LatencyRecorder();
    final LatencyRecorder running = new LatencyRecorder();
    final Map<String, Boolean> seenOnce = new ConcurrentHashMap<>();
    final Map<String, Boolean> statusOnce = new ConcurrentHashMap<>();
  }

  /**
   * Creates the pods (64 in flight), round-robin over the nodes (none set when {@code nodes} is null:
   * the scheduler places them); answers the time until all run.
   */
  private static long runPods(Vertx vertx, StoreClient store, Informer informer, List<KubeletConfig> nodes, int count,
                              Stages st, String prefix) throws Exception {
    LatencyRecorder rec = st.running;
    Map<String, Long> created = new ConcurrentHashMap<>();
    Map<String, Long> createdAt = new ConcurrentHashMap<>();
    CountDownLatch running = new CountDownLatch(count);
    informer.addHandler(new InformerHandler() {
      @Override
      public void onAdd(ObjectNode object) {
        seen(object);
      }

      @Override
      public void onUpdate(ObjectNode oldObject, ObjectNode newObject) {
        seen(newObject);
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
      }

      private void seen(ObjectNode pod) {
        String n = pod.path("metadata").path("name").asText();
        Long t0 = createdAt.get(n);
        if (t0 != null && st.seenOnce.putIfAbsent(n, true) == null) {
          st.seen.record(System.nanoTime() - t0);
        }
        if (t0 != null && pod.path("status").has("containerStatuses") && st.statusOnce.putIfAbsent(n, true) == null) {
          st.status.record(System.nanoTime() - t0);
        }
        if ("Running".equals(pod.path("status").path("phase").asText())) {
          Long t = created.remove(pod.path("metadata").path("name").asText());
          if (t != null) {
            rec.record(System.nanoTime() - t);
            running.countDown();
          }
        }
      }
    });
    Semaphore inFlight = new Semaphore(64);
    long start = System.nanoTime();
    for (int i = 0; i < count; i++) {
      String name = prefix + "pod-" + i;
      ObjectNode pod = (ObjectNode) Json.MAPPER.readTree(("{'apiVersion':'v1','kind':'Pod','metadata':{'name':'"
          + name + "','namespace':'bench'},'spec':{" + (nodes == null ? "" : "'nodeName':'"
          + nodes.get(i % nodes.size()).nodeName() + "',") + "'containers':[{'name':'c','image':'registry.k8s.io/pause:3.10'}]}}").replace('\'', '"'));
      inFlight.acquire();
      long t = System.nanoTime();
      created.put(name, t);
      createdAt.put(name, t);
      vertx.runOnContext(v -> store.create(PODS, "bench", pod, WriteOptions.none())
          .onComplete(ar -> {
            st.reply.record(System.nanoTime() - t);
            inFlight.release();
            if (ar.failed() && FIRST_FAILURE.compareAndSet(null, ar.cause())) {
              System.err.println("a create failed: " + ar.cause());
            }
          }));
    }
    if (!running.await(10, TimeUnit.MINUTES)) {
      throw new IllegalStateException(running.getCount() + " pods never ran"
          + (FIRST_FAILURE.get() == null ? "" : "; the first failed create: " + FIRST_FAILURE.get()));
    }
    return System.nanoTime() - start;
  }

  private static void idleFigures(int seconds) throws Exception {
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    Thread.sleep(2000);
    System.gc();
    long heap = mem.getHeapMemoryUsage().getUsed();
    var os = (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    long cpu0 = os.getProcessCpuTime();
    long wall0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    double cpu = (os.getProcessCpuTime() - cpu0) / (double) (System.nanoTime() - wall0);
    System.out.printf("heap used after GC: %.0f MiB; idle CPU over %d s: %.2f cores (%.0f%% of one core)%n",
        heap / 1048576.0, seconds, cpu, cpu * 100);
  }
}
