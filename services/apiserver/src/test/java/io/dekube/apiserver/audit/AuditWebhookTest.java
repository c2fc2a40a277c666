package io.dekube.apiserver.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dekube.apiserver.server.TlsServerOptions;
import io.dekube.core.model.Json;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.ClusterPki;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The webhook backend against a real HTTPS server: a kubeconfig with its CA and a client certificate, EventLists
 * in batches or one POST per event, failures retried with back-off and then dropped and counted.
 */
class AuditWebhookTest {

  private static Vertx vertx;
  private static HttpServer server;
  private static ClusterPki pki;
  private static final List<JsonNode> BODIES = Collections.synchronizedList(new ArrayList<>());
  private static final List<String> CLIENTS = Collections.synchronizedList(new ArrayList<>());
  private static final AtomicInteger FAILURES_TO_GIVE = new AtomicInteger();
  private static final AtomicInteger ATTEMPTS = new AtomicInteger();

  @BeforeAll
  static void start(@TempDir Path dir) throws Exception {
    vertx = Vertx.vertx();
    pki = ClusterPki.loadOrCreate(dir.resolve("pki"));
    server = vertx.createHttpServer(TlsServerOptions.create(pki, "127.0.0.1", 0, false)).requestHandler(req ->
        req.body().onSuccess(body -> {
          ATTEMPTS.incrementAndGet();
          try {
            X509Certificate peer = (X509Certificate) req.connection().sslSession().getPeerCertificates()[0];
            CLIENTS.add(peer.getSubjectX500Principal().getName());
          } catch (Exception e) {
            CLIENTS.add("none");
          }
          if (FAILURES_TO_GIVE.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            req.response().setStatusCode(503).end("busy");
            return;
          }
          try {
            BODIES.add(Json.MAPPER.readTree(body.getBytes()));
          } catch (Exception e) {
            req.response().setStatusCode(400).end();
            return;
          }
          req.response().setStatusCode(200).end("{}");
        })).listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  @AfterAll
  static void stop() {
    vertx.close();
  }

  private static Path kubeconfig(Path dir, String server) throws Exception {
    CertificateBundle client = pki.issueClientCertificate("audit-client", List.of());
    Base64.Encoder b64 = Base64.getEncoder();
    return Files.writeString(dir.resolve("webhook.yaml"), """
        apiVersion: v1
        kind: Config
        clusters:
        - name: audit-sink
          cluster:
            server: %s
            certificate-authority-data: %s
        users:
        - name: apiserver
          user:
            client-certificate-data: %s
            client-key-data: %s
        contexts:
        - name: webhook
          context: {cluster: audit-sink, user: apiserver}
        current-context: webhook
        """.formatted(server, b64.encodeToString(pki.ca().certificatePem().getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(client.certificatePem().getBytes(StandardCharsets.UTF_8)),
        b64.encodeToString(client.keyPem().getBytes(StandardCharsets.UTF_8))));
  }

  private static AuditSink webhook(Path config, AuditOptions.Batch batch) {
    return AuditBackends.open(new AuditOptions(AuditOptions.Log.defaults(null), new AuditOptions.Webhook(config,
        Duration.ofMillis(20), AuditOptions.VERSION, batch, AuditOptions.Truncate.defaults())));
  }

  @Test
  void batchesArePostedAsEventListsAndAFailedPostIsRetried(@TempDir Path dir) throws Exception {
    Path config = kubeconfig(dir, "https://127.0.0.1:" + server.actualPort() + "/audit");
    BODIES.clear();
    FAILURES_TO_GIVE.set(2);
    ATTEMPTS.set(0);
    AuditSink sink = webhook(config, new AuditOptions.Batch("batch", 100, 3, Duration.ofMillis(300), true, 10, 15));
    assertFalse(sink.strict());
    for (int i = 0; i < 4; i++) {
      sink.process(AuditBackendsTest.event("ResponseComplete", "Metadata").put("auditID", "id-" + i));
    }
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> BODIES.stream()
        .mapToInt(b -> b.path("items").size()).sum() == 4);
    JsonNode first = BODIES.get(0);
    assertEquals("EventList", first.path("kind").asText());
    assertEquals("audit.k8s.io/v1", first.path("apiVersion").asText());
    assertTrue(first.path("metadata").isObject());
    assertEquals(3, first.path("items").size(), "a batch holds up to --audit-webhook-batch-max-size: " + BODIES);
    assertEquals("id-0", first.path("items").get(0).path("auditID").asText());
    assertFalse(first.path("items").get(0).has("kind"), "items carry no kind of their own");
    assertEquals(1, BODIES.get(1).path("items").size(), "the rest after --audit-webhook-batch-max-wait");
    assertTrue(ATTEMPTS.get() >= 4, "two 503s were retried: " + ATTEMPTS.get());
    assertTrue(CLIENTS.stream().allMatch(c -> c.contains("CN=audit-client")), CLIENTS.toString());
  }

  @Test
  void blockingSendsEachEventAloneAndAnUnreachableServerCostsTheEventsOnly(@TempDir Path dir) throws Exception {
    Path config = kubeconfig(dir, "https://127.0.0.1:" + server.actualPort() + "/blocking");
    BODIES.clear();
    AuditSink blocking = webhook(config, new AuditOptions.Batch("blocking", 10, 400, Duration.ofSeconds(30), true,
        10, 15));
    blocking.process(AuditBackendsTest.event("RequestReceived", "Metadata"));
    blocking.process(AuditBackendsTest.event("ResponseComplete", "Metadata"));
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> BODIES.size() == 2);
    assertTrue(BODIES.stream().allMatch(b -> b.path("items").size() == 1), BODIES.toString());

    int closed;
    try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    Path unreachable = Files.createDirectories(dir.resolve("down"));
    AuditSink down = webhook(kubeconfig(unreachable, "https://127.0.0.1:" + closed + "/"),
        new AuditOptions.Batch("batch", 10, 400, Duration.ofMillis(100), true, 10, 15));
    double errors = AuditMetrics.errors("webhook");
    long started = System.nanoTime();
    down.process(AuditBackendsTest.event("ResponseComplete", "Metadata"));
    assertTrue(System.nanoTime() - started < TimeUnit.MILLISECONDS.toNanos(100), "process never waits");
    // 5 attempts, 20 ms, 30 ms, 45 ms, 67 ms apart (+20 % jitter), then dropped and counted
    Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> AuditMetrics.errors("webhook") == errors + 1);
  }

  /**
   * The stop waits for every queued event, a webhook's retries included, as kube-apiserver's stop waits for its audit
   * backends: two 503s 7 s, then 10.5 s apart (+20 % jitter) hold it past the 10 s dekube used to give.
   */
  @Test
  void theStopWaitsForTheWebhooksRetries(@TempDir Path dir) throws Exception {
    Path config = kubeconfig(dir, "https://127.0.0.1:" + server.actualPort() + "/stop");
    BODIES.clear();
    FAILURES_TO_GIVE.set(2);
    AuditSink sink = AuditBackends.open(new AuditOptions(AuditOptions.Log.defaults(null), new AuditOptions.Webhook(
        config, Duration.ofSeconds(7), AuditOptions.VERSION, new AuditOptions.Batch("blocking", 10, 400,
        Duration.ofSeconds(30), true, 10, 15), AuditOptions.Truncate.defaults())));
    sink.process(AuditBackendsTest.event("ResponseComplete", "Metadata").put("auditID", "the-last-one"));
    long started = System.nanoTime();
    AuditBackends.shutdown();
    assertTrue(System.nanoTime() - started > TimeUnit.SECONDS.toNanos(17), "two back-offs waited for");
    assertEquals(1, BODIES.size(), BODIES.toString());
    assertEquals("the-last-one", BODIES.get(0).path("items").get(0).path("auditID").asText());
  }
}
