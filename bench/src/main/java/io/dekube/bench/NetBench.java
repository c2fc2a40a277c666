package io.dekube.bench;

import io.dekube.core.net.Backend;
import io.dekube.core.net.ServicePort;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.CertificateIssuer;
import io.dekube.ingress.IngressConfig;
import io.dekube.ingress.IngressProxy;
import io.dekube.ingress.IngressRoutes;
import io.dekube.kubeproxy.userspace.UserspaceProxier;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Requests/s and latency of HTTP GETs with keep-alive, in ONE run, against the same two "pods"
 * (Vert.x servers on pod-like loopback addresses): directly, through a ClusterIP of the userspace
 * kube-proxy, and through the ingress controller (Host header routing). The proxies are the real
 * classes of {@code dekube up}, fed the Service and endpoints directly (no Kafka in the path: the
 * bus only tells the proxies what to do, it never carries the traffic).
 */
public final class NetBench {

  private NetBench() {
  }

  public static void main(String[] args) throws Exception {
    int seconds = intFlag(args, "--seconds", 10);
    int clients = intFlag(args, "--clients", 32);
    Vertx servers = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx proxies = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    Vertx load = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
    int octet = ThreadLocalRandom.current().nextInt(60, 95);
    List<String> pods = List.of("127." + octet + ".250.2", "127." + octet + ".250.3");
    int podPort = 0;
    for (String ip : pods) {
      String body = "pod " + ip + "\n";
      podPort = await(servers.createHttpServer().requestHandler(r -> r.response().end(body)).listen(podPort, ip))
          .actualPort();
    }
    String clusterIp = "127." + octet + ".0.50";
    int svcPort = 18080;
    List<Backend> backends = pods.stream().map(ip -> new Backend(ip, 0, true, "node-1", "", "")).toList();
    int port = podPort;
    backends = backends.stream().map(b -> new Backend(b.ip(), port, true, "node-1", "", "")).toList();
    ServicePort svc = new ServicePort("bench", "web", "", "TCP", svcPort, 0, "ClusterIP", List.of(clusterIp),
        List.of(), List.of(), false, 0, false, false, backends);
    UserspaceProxier proxier = new UserspaceProxier(proxies, "", List.of(), true);
    await(onContext(proxies, () -> proxier.sync(List.of(svc))));
    CertificateIssuer issuer = new CertificateIssuer();
    CertificateBundle ca = issuer.newCa("bench");
    CertificateBundle cert = issuer.newServing(ca, "bench", List.of("localhost"), List.of("127.0.0.1"));
    IngressProxy ingress = new IngressProxy(proxies, new IngressConfig("127.0.0.1", 0, 0, false,
        IngressConfig.CONTROLLER, "dekube", cert.certificatePem(), cert.keyPem()));
    ingress.routes(IngressRoutes.of(List.of(new IngressBuilder().withNewMetadata().withNamespace("bench")
        .withName("web").endMetadata().withNewSpec().addNewRule().withHost("bench.example").withNewHttp()
        .addNewPath().withPath("/").withPathType("Prefix").withNewBackend().withNewService().withName("web")
        .withNewPort().withNumber(svcPort).endPort().endService().endBackend().endPath().endHttp().endRule()
        .endSpec().build()), List.of(), IngressConfig.CONTROLLER));
    ingress.endpoints(List.of(svc));
    await(onContext(proxies, ingress::listen));

    System.out.printf("NetBench: %d s per run, %d concurrent keep-alive clients, 1 event loop each for pods,"
        + " proxies and load%n%n", seconds, clients);
    System.out.println(LatencyRecorder.Result.header().replace("p99 ms |\n", "p99 ms | vs direct |\n")
        .replace("---|---|\n", "---|---|\n").replace("|---|---|---|---|---|---|---|", "|---|---|---|---|---|---|---|---|"));
    List<LatencyRecorder.Result> rows = new ArrayList<>();
    for (int round = 0; round < 2; round++) {
      // round 0 warms every path (JIT, pools), round 1 is measured
      rows.clear();
      int s = round == 0 ? 2 : seconds;
      rows.add(run(load, "direct to the pods", clients, s, pods, podPort, null));
      rows.add(run(load, "ClusterIP (userspace kube-proxy)", clients, s, List.of(clusterIp), svcPort, null));
      rows.add(run(load, "ingress (Host header)", clients, s, List.of("127.0.0.1"), ingress.httpPort(),
          "bench.example"));
    }
    for (LatencyRecorder.Result r : rows) {
      System.out.printf("%s %.0f %% |%n", r.row(), 100.0 * r.perSecond() / rows.get(0).perSecond());
    }
    load.close();
    proxies.close();
    servers.close();
  }

  private static LatencyRecorder.Result run(Vertx vertx, String name, int clients, int seconds, List<String> hosts,
      int port, String hostHeader) throws Exception {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(clients));
    LatencyRecorder rec = new LatencyRecorder();
    AtomicBoolean stop = new AtomicBoolean();
    List<Future<Void>> loops = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      String host = hosts.get(i % hosts.size());
      loops.add(onContext(vertx, () -> loop(client, host, port, hostHeader, rec, stop)));
    }
    Thread.sleep(seconds * 1000L);
    stop.set(true);
    await(Future.join(loops));
    await(client.close());
    return rec.result(name, clients, seconds);
  }

  private static Future<Void> loop(HttpClient client, String host, int port, String hostHeader,
      LatencyRecorder rec, AtomicBoolean stop) {
    Promise<Void> done = Promise.promise();
    next(client, new RequestOptions().setMethod(HttpMethod.GET).setHost(host).setPort(port).setURI("/")
        .putHeader("Host", hostHeader == null ? host : hostHeader), rec, stop, done);
    return done.future();
  }

  private static void next(HttpClient client, RequestOptions options, LatencyRecorder rec, AtomicBoolean stop,
      Promise<Void> done) {
    if (stop.get()) {
      done.tryComplete();
      return;
    }
    long start = System.nanoTime();
    client.request(options).compose(r -> r.send()).compose(r -> r.statusCode() == 200 ? r.body()
        : Future.failedFuture("HTTP " + r.statusCode())).onComplete(ar -> {
          if (ar.succeeded()) {
            rec.record(System.nanoTime() - start);
          } else {
            rec.error();
          }
          next(client, options, rec, stop, done);
        });
  }

  private static <T> Future<T> onContext(Vertx vertx, java.util.function.Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    vertx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  private static <T> T await(Future<T> f) throws Exception {
    return f.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }

  private static int intFlag(String[] args, String name, int fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return fallback;
  }
}
