package io.dekube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.bus.TopicCatalog;
import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.informer.InformerHandler;
import io.dekube.core.informer.InformerOptions;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.store.StoreClient;
import io.dekube.core.store.StoreClientOptions;
import io.dekube.core.store.WriteOptions;
import io.dekube.kafka.EmbeddedKafka;
import io.dekube.scheduler.SchedulerConfig;
import io.dekube.scheduler.SchedulerVerticle;
import io.dekube.store.admission.BasicAdmission;
import io.dekube.store.admission.KubernetesAdmission;
import io.dekube.store.writer.WriterConfig;
import io.dekube.store.writer.WriterVerticle;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;

/**
 * {@code bench/run scheduler}, after kube's scheduler_perf: N Node objects (no kubelets: the
 * scheduler only needs them stored, as scheduler_perf's fake nodes), then P pods created as fast as
 * the store takes them (256 in flight) while the scheduler binds them. Reports pods/s from the
 * first create to the last bind seen by an informer, create→bind latency p50/p99, and the store's
 * create rate in the same run.
 */
public final class SchedulerBench {

  private SchedulerBench() {
  }

  public static void main(String[] args) throws Exception {
    int nodes = 500;
    int pods = 5_000;
    int inFlight = 256;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--nodes" -> nodes = Integer.parseInt(args[i + 1]);
        case "--pods" -> pods = Integer.parseInt(args[i + 1]);
        case "--in-flight" -> inFlight = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown flag " + args[i]);
      }
    }
    String loadBefore = RunProbe.loadAverage();
    Path data = Files.createTempDirectory("dekube-bench-sched");
    EmbeddedKafka broker = EmbeddedKafka.builder().dataDir(data).build().start();
    Vertx vertx = Vertx.vertx();
    String line;
    try {
      line = run(vertx, broker.bootstrapServers(), nodes, pods, inFlight);
    } finally {
      StoreBench.await(vertx.close());
      broker.close();
    }
    System.out.println();
    System.out.printf("bench/run scheduler, %d cores, load average before %s, after %s%n",
        Runtime.getRuntime().availableProcessors(), loadBefore, RunProbe.loadAverage());
    System.out.println(line);
    System.exit(0);
  }

  private static String run(Vertx vertx, String bootstrap, int nodeCount, int podCount, int inFlight)
      throws Exception {
    ResourceRegistry registry = ResourceRegistry.builtIn();
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
      TopicCatalog.load().ensureTopics(bootstrap, admin, registry.all(), (short) 1);
    }
    StoreBench.await(vertx.deployVerticle(new WriterVerticle(WriterConfig.defaults(bootstrap), registry,
        new BasicAdmission().andThen(new KubernetesAdmission()))));
    StoreClient client = StoreBench.await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    ResourceType podsType = registry.byResourceName("pods").orElseThrow();
    ResourceType nodesType = registry.byResourceName("nodes").orElseThrow();
    String ns = "bench-sched";
    ObjectNode nsObj = Json.object().put("apiVersion", "v1").put("kind", "Namespace");
    Json.metadata(nsObj).put("name", ns);
    StoreBench.await(client.create(registry.byResourceName("namespaces").orElseThrow(), "", nsObj, WriteOptions.none()));
    createAll(client, nodeCount, inFlight, i -> client.create(nodesType, "", node(i), WriteOptions.none()));
    System.out.printf("%d nodes stored%n", nodeCount);
    SharedInformers informers = SharedInformers.of(vertx);
    StoreClient schedulerClient = StoreBench.await(StoreClient.start(vertx, StoreClientOptions.of(bootstrap)));
    StoreBench.await(vertx.deployVerticle(new SchedulerVerticle(SchedulerConfig.defaults().withLeaderElect(false),
        registry, schedulerClient, t -> informers.informer(bootstrap, t))));
    Map<String, Long> sent = new ConcurrentHashMap<>();
    LatencyRecorder latency = new LatencyRecorder();
    CountDownLatch bound = new CountDownLatch(podCount);
    AtomicLong lastBind = new AtomicLong();
    Informer watch = Informer.create(vertx, bootstrap, podsType, InformerOptions.defaults());
    StoreBench.await(watch.start());
    HandlerRegistration reg = watch.addHandler(new InformerHandler() {
      @Override
      public void onAdd(ObjectNode o) {
        seen(o);
      }

      @Override
      public void onUpdate(ObjectNode old, ObjectNode o) {
        if (old.path("spec").path("nodeName").asText("").isEmpty()) {
          seen(o);
        }
      }

      private void seen(ObjectNode o) {
        if (o.path("spec").path("nodeName").asText("").isEmpty()) {
          return;
        }
        Long t0 = sent.remove(o.path("metadata").path("name").asText());
        if (t0 != null) {
          long now = System.nanoTime();
          latency.record(now - t0);
          lastBind.set(now);
          bound.countDown();
        }
      }

      @Override
      public void onDelete(ObjectNode last, long rv) {
      }
    });
    RunProbe probe = RunProbe.start();
    long start = System.nanoTime();
    long createsDone = createAll(client, podCount, inFlight, i -> {
      sent.put("pod-" + i, System.nanoTime());
      return client.create(podsType, ns, pod(ns, i), WriteOptions.none());
    });
    double createSeconds = (createsDone - start) / 1e9;
    boolean all = bound.await(15, TimeUnit.MINUTES);
    double seconds = (lastBind.get() - start) / 1e9;
    reg.remove();
    LatencyRecorder.Result r = latency.result("create->bind", 0, seconds);
    return String.format("%d nodes, %d pods%s: %.0f pods/s scheduled (first create -> last bind %.1f s); "
        + "create->bind p50 %.0f ms, p99 %.0f ms; store took the %d creates at %.0f/s (%.1f s); CPU %s",
        nodeCount, podCount, all ? "" : " (NOT ALL BOUND: " + bound.getCount() + " left)",
        (podCount - bound.getCount()) / seconds, seconds, r.p50Ms(), r.p99Ms(), podCount, podCount / createSeconds,
        createSeconds, String.format("%.2f", probe.cpuMsPerOp(podCount)) + " ms per pod");
  }

  /** Runs {@code count} writes with {@code inFlight} at once; answers when the last was acknowledged (nanos). */
  private static long createAll(StoreClient client, int count, int inFlight,
                                java.util.function.IntFunction<Future<ObjectNode>> write) throws Exception {
    Semaphore permits = new Semaphore(inFlight);
    CountDownLatch done = new CountDownLatch(count);
    AtomicLong last = new AtomicLong();
    AtomicLong errors = new AtomicLong();
    for (int i = 0; i < count; i++) {
      permits.acquire();
      write.apply(i).onComplete(ar -> {
        if (ar.failed() && errors.incrementAndGet() <= 3) {
          System.err.println("write failed: " + ar.cause());
        }
        last.set(System.nanoTime());
        permits.release();
        done.countDown();
      });
    }
    done.await(10, TimeUnit.MINUTES);
    return last.get();
  }

  private static ObjectNode node(int i) {
    ObjectNode n = Json.object().put("apiVersion", "v1").put("kind", "Node");
    String name = String.format("sim-node-%05d", i);
    ObjectNode meta = Json.metadata(n).put("name", name);
    meta.putObject("labels").put("kubernetes.io/hostname", name)
        .put("topology.kubernetes.io/zone", "zone-" + (i % 3));
    ObjectNode status = n.putObject("status");
    for (String k : List.of("capacity", "allocatable")) {
      status.putObject(k).put("cpu", "32").put("memory", "256Gi").put("pods", "110");
    }
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True");
    return n;
  }

  private static ObjectNode pod(String ns, int i) {
    ObjectNode p = Json.object().put("apiVersion", "v1").put("kind", "Pod");
    Json.metadata(p).put("name", "pod-" + i).put("namespace", ns).putObject("labels").put("app", "bench");
    ObjectNode c = p.putObject("spec").putArray("containers").addObject().put("name", "c").put("image", "dekube/web");
    c.putObject("resources").putObject("requests").put("cpu", "100m").put("memory", "100Mi");
    return p;
  }
}
