package io.dekube.bench;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.apiserver.ApiServerConfig;
import io.dekube.apiserver.ApiServerVerticle;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.informer.SharedInformers;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.store.StoreClient;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Creates through the apiserver over HTTPS (bearer token, HTTP/1.1 keep-alive, a connection
 * pool as large as the client count): the same loops as {@link StoreClientBench}, one HTTP
 * POST per create, so the figure's distance from the StoreClient one is the HTTP layer's cost.
 */
final class HttpsCreateBench {

  private static final String TOKEN = "bench-token";

  private HttpsCreateBench() {
  }

  /**
   * Deploys {@code instances} apiserver verticles over {@code store}, sharing one set of informers and
   * one port (the first picks a free one, the others listen on it: Vert.x spreads the connections
   * over their event loops); returns the port.
   */
  static int deployApiServer(Vertx vertx, String bootstrap, StoreClient store, Path dir, int instances)
      throws Exception {
    Path tokens = Files.writeString(dir.resolve("tokens.csv"), TOKEN + ",bench,bench-uid,\"system:masters\"\n");
    ApiServerConfig config = ApiServerConfig.defaults().withPort(0).withPkiDirectory(dir.resolve("pki"))
        .withTokenAuthFile(tokens).withHttp2(false);
    SharedInformers informers = SharedInformers.of(vertx);
    ResourceRegistry registry = ResourceRegistry.builtIn();
    int port; // Vert.x shares a port between servers that ask for the same one, so not 0
    try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
      port = free.getLocalPort();
    }
    for (int i = 0; i < Math.max(1, instances); i++) {
      ApiServerVerticle apiserver = new ApiServerVerticle(config.withPort(port), registry, store,
          type -> informers.informer(bootstrap, type));
      StoreBench.await(vertx.deployVerticle(apiserver));
      port = apiserver.actualPort();
    }
    return port;
  }

  /**
   * One HTTPS client for every run, its pool as large as the most clients: connections (and their TLS
   * handshakes) are made once, as a real client keeps them, not per run.
   */
  static HttpClient client(Vertx vertx, Path pkiDir, int maxClients) {
    return vertx.createHttpClient(new HttpClientOptions().setSsl(true)
        .setTrustOptions(new PemTrustOptions().addCertPath(ClusterPki.loadOrCreate(pkiDir).caCertificateFile()
            .toString())).setVerifyHost(false), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(maxClients));
  }

  /** As {@link StoreClientBench#run}, through HTTPS; {@code churn} deletes each created object (untimed). */
  static LatencyRecorder.Result run(Vertx vertx, HttpClient http, int port, String namespace, ObjectNode template,
                                    int clients, Duration duration, boolean churn) throws Exception {
    LatencyRecorder rec = new LatencyRecorder();
    AtomicLong seq = new AtomicLong();
    AtomicLong running = new AtomicLong(clients);
    Promise<Void> done = Promise.promise();
    long start = System.nanoTime();
    long end = start + duration.toNanos();
    String path = "/api/v1/namespaces/" + namespace + "/configmaps";
    vertx.runOnContext(v -> {
      for (int i = 0; i < clients; i++) {
        loop(http, port, path, template, rec, seq, end, churn, () -> {
          if (running.decrementAndGet() == 0) {
            done.complete();
          }
        });
      }
    });
    done.future().toCompletionStage().toCompletableFuture().get();
    double seconds = (System.nanoTime() - start) / 1e9;
    return rec.result("HTTPS POST create", clients, seconds);
  }

  private static void loop(HttpClient http, int port, String path, ObjectNode template, LatencyRecorder rec,
                           AtomicLong seq, long end, boolean churn, Runnable finished) {
    if (System.nanoTime() >= end) {
      finished.run();
      return;
    }
    ObjectNode obj = template.deepCopy();
    String name = "https-" + seq.incrementAndGet();
    Json.metadata(obj).put("name", name);
    Buffer body = Buffer.buffer(obj.toString());
    long t0 = System.nanoTime();
    send(http, port, HttpMethod.POST, path, body)
        .onComplete(ar -> {
          boolean created = ar.succeeded() && ar.result() == 201;
          if (created) {
            rec.record(System.nanoTime() - t0);
          } else {
            rec.error();
          }
          Runnable next = () -> loop(http, port, path, template, rec, seq, end, churn, finished);
          if (churn && created) {
            send(http, port, HttpMethod.DELETE, path + "/" + name, null).onComplete(d -> next.run());
          } else {
            next.run();
          }
        });
  }

  /** One authenticated request; its status code once the whole response has arrived. */
  private static io.vertx.core.Future<Integer> send(HttpClient http, int port, HttpMethod method, String uri,
                                                    Buffer body) {
    return http.request(new RequestOptions().setMethod(method).setHost("127.0.0.1").setPort(port).setURI(uri)
            .putHeader("Authorization", "Bearer " + TOKEN).putHeader("Content-Type", "application/json"))
        .compose(req -> body == null ? req.send() : req.send(body))
        .compose(res -> res.body().map(b -> res.statusCode()));
  }
}
