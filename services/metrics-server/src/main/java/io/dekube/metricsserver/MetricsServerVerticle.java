package io.dekube.metricsserver;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.Json;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.model.StatusException;
import io.dekube.core.pki.CertificateBundle;
import io.dekube.core.pki.ClusterPki;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemTrustOptions;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The built-in metrics server, wiring only: issues its serving certificate (for
 * {@code metrics-server.kube-system.svc} and its address) and its kubelet client certificate from the
 * cluster CA, listens over HTTPS for the apiserver's front proxy, registers its Service, Endpoints
 * and APIService ({@link Registration}), and scrapes every kubelet once per resolution
 * ({@link Scraper}) into the {@link MetricsStore} that {@link MetricsApi} answers from. Only the
 * apiserver's front-proxy client certificate is accepted: the apiserver authenticated and
 * authorized the request before proxying it, as with metrics-server's requestheader
 * authentication.
 */
public final class MetricsServerVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(MetricsServerVerticle.class);
  /** The client certificate the apiserver's aggregation proxy presents. */
  static final String FRONT_PROXY = "front-proxy-client";
  private static final String PREFIX = "/apis/" + MetricsApi.GROUP + "/" + MetricsApi.VERSION;

  private final MetricsServerConfig config;
  private final ResourceRegistry registry;
  private final StoreApi store;
  private final Function<ResourceType, Informer> informers;
  private final ClusterPki pki;
  private final MetricsStore metrics = new MetricsStore();
  private HttpServer server;
  private HttpClient kubelets;
  private long timer = -1;
  private long registrationRetry = -1;
  private volatile boolean stopped;

  public MetricsServerVerticle(MetricsServerConfig config, ResourceRegistry registry, StoreApi store,
                               Function<ResourceType, Informer> informers, ClusterPki pki) {
    this.config = config;
    this.registry = registry;
    this.store = store;
    this.informers = informers;
    this.pki = pki;
  }

  private record Certificates(CertificateBundle serving, CertificateBundle client) {
  }

  @Override
  public Future<?> start() {
    Informer nodes = informers.apply(registry.byResourceName("nodes").orElseThrow());
    Informer pods = informers.apply(registry.byResourceName("pods").orElseThrow());
    Future<Certificates> certs = vertx.executeBlocking(() -> new Certificates(
        pki.issueServingCertificate(Registration.NAME, List.of(Registration.NAME + "." + Registration.NAMESPACE + ".svc",
            Registration.NAME + "." + Registration.NAMESPACE, Registration.NAME), List.of(config.host())),
        pki.issueClientCertificate(Registration.USER, List.of())));
    MetricsApi api = new MetricsApi(metrics, nodes::list, ns -> ns.isEmpty() ? pods.list() : pods.list(ns));
    return Future.all(certs, nodes.start(), pods.start())
        .compose(v -> listen(certs.result().serving(), api))
        .map(s -> {
          register(new Registration(store, registry), s.actualPort(), null);
          return s;
        })
        .compose(s -> available().map(s))
        .onSuccess(s -> {
          kubelets = vertx.createHttpClient(new HttpClientOptions().setSsl(true).setConnectTimeout(5000)
              .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem())))
              .setKeyCertOptions(keyCert(certs.result().client())));
          Scraper scraper = new Scraper(kubelets, metrics, nodes::list, config.resolution().toMillis());
          boolean[] busy = {false};
          Runnable round = () -> {
            if (!busy[0]) {
              busy[0] = true;
              scraper.scrapeAll().onComplete(ar -> busy[0] = false);
            }
          };
          round.run();
          timer = vertx.setPeriodic(config.resolution().toMillis(), t -> round.run());
          LOG.info("metrics server listening on https://{}:{} (APIService {}, resolution {} s)", config.host(),
              s.actualPort(), Registration.API_SERVICE, config.resolution().toSeconds());
        });
  }

  /**
   * Writes metrics-server's manifests ({@link Registration}) for this server at {@code port}, again every 5 s while
   * they fail — the store not there yet, an admission webhook or policy refusing the administrator's apply —, logging
   * each new reason. Decision: in kube a refused {@code kubectl apply -f components.yaml} prints the apiserver's error
   * and the administrator applies it again; dekube's metrics server has nobody to tell but its log, so it tries again.
   */
  private void register(Registration registration, int port, String lastFailure) {
    registration.register(config.host(), port, pki.ca().certificatePem())
        .onFailure(e -> {
          String failure = e.toString();
          if (!failure.equals(lastFailure)) {
            LOG.warn("cannot write metrics-server's objects ({}); trying again every 5 s", failure);
          }
          if (!stopped) {
            registrationRetry = vertx.setTimer(5_000, t -> register(registration, port, failure));
          }
        })
        .onSuccess(v -> {
          if (lastFailure != null) {
            LOG.info("metrics-server's objects written");
          }
        });
  }

  /**
   * Completes once the apiserver's aggregator found this server available (so the launcher's ready line
   * comes with a working {@code kubectl top}), or after {@link #AVAILABLE_WAIT_MS} with a warning.
   */
  private Future<Void> available() {
    Informer apis = informers.apply(registry.byGroupPlural("apiregistration.k8s.io", "apiservices").orElseThrow());
    io.vertx.core.Promise<Void> done = io.vertx.core.Promise.promise();
    long started = System.nanoTime();
    apis.start().onComplete(ar -> vertx.setPeriodic(0, 100, t -> {
      ObjectNode api = apis.get("", Registration.API_SERVICE);
      boolean ok = api != null && java.util.stream.StreamSupport.stream(api.path("status").path("conditions")
          .spliterator(), false).anyMatch(c -> "Available".equals(c.path("type").asText())
          && "True".equals(c.path("status").asText()));
      if (ok || System.nanoTime() - started > AVAILABLE_WAIT_MS * 1_000_000) {
        vertx.cancelTimer(t);
        if (!ok) {
          LOG.warn("APIService {} is not available after {} s: kubectl get apiservice {} says why",
              Registration.API_SERVICE, AVAILABLE_WAIT_MS / 1000, Registration.API_SERVICE);
        }
        done.tryComplete();
      }
    }));
    return done.future();
  }

  static final long AVAILABLE_WAIT_MS = 10_000;

  /** The port it listens on; -1 before start. */
  public int actualPort() {
    return server == null ? -1 : server.actualPort();
  }

  private Future<HttpServer> listen(CertificateBundle serving, MetricsApi api) {
    HttpServerOptions o = new HttpServerOptions().setHost(config.host()).setPort(config.port()).setSsl(true)
        .setKeyCertOptions(keyCert(serving)).setClientAuth(ClientAuth.REQUIRED)
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(pki.ca().certificatePem())));
    return vertx.createHttpServer(o).requestHandler(req -> handle(req, api)).listen().onSuccess(s -> server = s);
  }

  private void handle(HttpServerRequest req, MetricsApi api) {
    String path = req.path();
    if (path.equals("/healthz") || path.equals("/readyz") || path.equals("/livez")) {
      req.response().end("ok");
      return;
    }
    try {
      if (!FRONT_PROXY.equals(clientName(req)) || req.getHeader("X-Remote-User") == null) {
        throw new StatusException(401, "Unauthorized", "Unauthorized");
      }
      if (req.method() != HttpMethod.GET) {
        throw new StatusException(405, "MethodNotAllowed", "the server does not allow this method on the requested "
            + "resource");
      }
      if (path.equals("/openapi/v2")) {
        // what kube's generic apiserver serves for metrics-server's OpenAPIConfig (it has no v3 one: 404 below)
        send(req, 200, MetricsOpenApi.document());
        return;
      }
      if (!path.equals(PREFIX) && !path.startsWith(PREFIX + "/")) {
        throw new StatusException(404, "NotFound", "the server could not find the requested resource");
      }
      ObjectNode answer = api.get(path.substring(PREFIX.length()), req.getParam("labelSelector"));
      boolean table = MetricsTable.wanted(req.getHeader("Accept")) && !"APIResourceList".equals(answer.path("kind").asText());
      send(req, 200, table ? MetricsTable.of(answer) : answer);
    } catch (StatusException e) {
      send(req, e.code(), e.toStatus());
    }
  }

  private static String clientName(HttpServerRequest req) {
    try {
      X509Certificate cert = (X509Certificate) req.connection().sslSession().getPeerCertificates()[0];
      for (String part : cert.getSubjectX500Principal().getName().split(",")) {
        if (part.startsWith("CN=")) {
          return part.substring(3);
        }
      }
    } catch (Exception e) {
      return null;
    }
    return null;
  }

  private static void send(HttpServerRequest req, int status, ObjectNode body) {
    try {
      req.response().setStatusCode(status).putHeader("Content-Type", "application/json")
          .end(Buffer.buffer(Json.MAPPER.writeValueAsBytes(body)));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      req.response().setStatusCode(500).end();
    }
  }

  private static io.vertx.core.net.KeyCertOptions keyCert(CertificateBundle b) {
    return io.dekube.core.pki.KeyCerts.of(b);
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(registrationRetry);
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
    Future<Void> client = kubelets == null ? Future.succeededFuture() : kubelets.close();
    return server == null ? client : Future.join(client, server.close());
  }
}
