package io.dekube.kubelet.server;

import io.dekube.kubelet.KubeletConfig;
import io.dekube.kubelet.pod.ContainerRecord;
import io.dekube.kubelet.pod.PodManager;
import io.dekube.kubelet.pod.PodWorker;
import io.dekube.kubelet.server.auth.KubeletAuth;
import io.dekube.kubelet.server.auth.KubeletAuthorizer;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.PemTrustOptions;
import java.util.List;

/**
 * The kubelet API on {@code <node-ip>:<port>} over HTTPS, for the apiserver: {@code /containerLogs}
 * (with follow), {@code /exec} and {@code /attach} (WebSocket channel protocol), {@code /portForward}
 * (WebSocket port-forward protocol), {@code /metrics/resource} (what the node and its containers use,
 * {@link ResourceMetrics}), {@code /stats/summary} ({@link StatsSummary}), {@code /pods},
 * {@code /configz} and {@code /healthz}; the apiserver's {@code nodes/proxy} reaches them. Every request is
 * authenticated by its client certificate (of the cluster CA) or its bearer token (a TokenReview) and
 * authorized as {@link KubeletAuth} says
 * (a SubjectAccessReview for {@code nodes/<subresource>}) before it is served. Runs on the kubelet's context.
 */
public final class KubeletServer {

  /**
   * The serving certificate and key, the CA that signed it and client certificates must chain to, and the
   * kubelet's own client certificate for the apiserver ({@code system:node:<name>} in {@code system:nodes}),
   * which its SubjectAccessReviews and TokenReviews present.
   */
  public record Tls(io.dekube.core.pki.CertificateBundle serving, java.security.cert.X509Certificate ca,
                    io.dekube.core.pki.CertificateBundle client) {
  }

  private final Vertx vertx;
  private final KubeletConfig config;
  private final PodManager pods;
  private final Tls tls;
  private final KubeletAuth auth;
  private HttpServer server;
  private final StatsSummary summary = new StatsSummary();
  private final java.time.Instant started = java.time.Instant.now();

  /** @param tokens authenticates bearer tokens (TokenReviews); null accepts client certificates only */
  private io.dekube.kubelet.eviction.EvictionConfig eviction = io.dekube.kubelet.eviction.EvictionConfig.defaults();

  /** The node's eviction settings, which {@code /configz} shows. Call before {@link #listen}. */
  public KubeletServer withEviction(io.dekube.kubelet.eviction.EvictionConfig settings) {
    this.eviction = settings;
    return this;
  }

  private io.dekube.kubelet.logs.ContainerLogPolicy logs = io.dekube.kubelet.logs.ContainerLogPolicy.DEFAULTS;

  /** The node's container log settings, which {@code /configz} shows. Call before {@link #listen}. */
  public KubeletServer withContainerLogs(io.dekube.kubelet.logs.ContainerLogPolicy policy) {
    this.logs = policy;
    return this;
  }

  public KubeletServer(Vertx vertx, KubeletConfig config, PodManager pods, Tls tls, KubeletAuthorizer authorizer,
                       io.dekube.kubelet.server.auth.KubeletTokenAuthenticator tokens) {
    this.vertx = vertx;
    this.config = config;
    this.pods = pods;
    this.tls = tls;
    this.auth = new KubeletAuth(config.nodeName(), authorizer, tokens);
  }

  /** Binds the node IP; completes with the actual port. */
  public Future<Integer> listen() {
    HttpServerOptions o = new HttpServerOptions().setHost(config.nodeIp()).setPort(Math.max(0, config.kubeletPort()))
        .setSsl(true).setKeyCertOptions(io.dekube.core.pki.KeyCerts.of(tls.serving(), tls.ca()))
        .setTrustOptions(new PemTrustOptions().addCertValue(Buffer.buffer(io.dekube.core.pki.Pem.certificate(tls.ca()))))
        // asked for, verified when given; a request without one is answered 401 (KubeletAuth)
        .setClientAuth(ClientAuth.REQUEST)
        .setWebSocketSubProtocols(allProtocols())
        .setMaxWebSocketMessageSize(16 * 1024 * 1024);
    server = vertx.createHttpServer(o).requestHandler(req -> auth.handle(req, this::handle));
    return io.dekube.core.net.Bind.named(server.listen(), "the kubelet API of " + config.nodeIp() + " (--kubelet-port)",
        config.nodeIp(), config.kubeletPort()).map(HttpServer::actualPort);
  }

  private static List<String> allProtocols() {
    List<String> all = new java.util.ArrayList<>(ChannelStreams.PROTOCOLS);
    all.addAll(PortForwardStream.PROTOCOLS);
    return all;
  }

  public int port() {
    return server == null ? 0 : server.actualPort();
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest req) {
    String[] p = req.path().split("/");
    // "", kind, ns, pod, [container]
    String kind = p.length > 1 ? p[1] : "";
    if (kind.equals("healthz")) {
      req.response().end("ok");
      return;
    }
    switch (req.path()) {
      case "/metrics/resource" -> {
        resourceMetrics(req);
        return;
      }
      case "/stats/summary" -> {
        statsSummary(req);
        return;
      }
      case "/pods", "/pods/" -> {
        podList(req);
        return;
      }
      case "/configz" -> {
        configz(req);
        return;
      }
      default -> {
      }
    }
    if (p.length < 4) {
      req.response().setStatusCode(404).end("404 page not found\n");
      return;
    }
    PodWorker pod = pods.worker(p[2], p[3]).orElse(null);
    if (pod == null) {
      req.response().setStatusCode(404).end("pod " + p[2] + "/" + p[3] + " is not on node " + config.nodeName() + "\n");
      return;
    }
    String containerName = p.length > 4 ? p[4] : pod.defaultContainer();
    switch (kind) {
      case "containerLogs" -> withContainer(req, pod, containerName, c -> new LogStream(vertx, req, c, pod.name()).start());
      case "exec" -> withContainer(req, pod, containerName, c -> ExecStream.exec(req, c));
      case "attach" -> withContainer(req, pod, containerName, c -> ExecStream.attach(vertx, req, c));
      case "portForward" -> PortForwardStream.serve(vertx, req, pod.podIp());
      default -> req.response().setStatusCode(404).end("404 page not found\n");
    }
  }

  /**
   * What the node and its running containers use: the containers are listed on the kubelet's context,
   * their usage read on a worker (it reads /proc). The node is the OS process this kubelet runs in (with
   * the jvm runtime's containers in it), plus the processes of {@code process} containers.
   */
  private Future<Usage> measure() {
    List<StatsSummary.PodSample> pending = new java.util.ArrayList<>();
    List<List<ContainerRecord>> running = new java.util.ArrayList<>();
    for (PodWorker w : pods.workers()) {
      pending.add(new StatsSummary.PodSample(w.namespace(), w.name(), w.uid(), w.startTime(), List.of()));
      running.add(w.running());
    }
    boolean outOfProcess = "process".equals(config.runtime());
    return vertx.executeBlocking(() -> {
      java.time.Instant at = java.time.Instant.now();
      io.dekube.kubelet.runtime.ResourceUsage node = io.dekube.kubelet.runtime.ProcStats.of(ProcessHandle.current().pid());
      List<StatsSummary.PodSample> measured = new java.util.ArrayList<>();
      for (int i = 0; i < pending.size(); i++) {
        List<StatsSummary.ContainerSample> containers = new java.util.ArrayList<>();
        for (ContainerRecord c : running.get(i)) {
          io.dekube.kubelet.runtime.ResourceUsage u = c.running().usage();
          containers.add(new StatsSummary.ContainerSample(c.name(), c.startedAt(), u,
              io.dekube.kubelet.runtime.DiskUsage.of(c.logFile())));
          if (outOfProcess) {
            node = node.plus(u);
          }
        }
        StatsSummary.PodSample p = pending.get(i);
        measured.add(new StatsSummary.PodSample(p.namespace(), p.name(), p.uid(), p.startTime(), containers));
      }
      return new Usage(node, measured, at);
    }, false);
  }

  private record Usage(io.dekube.kubelet.runtime.ResourceUsage node, List<StatsSummary.PodSample> pods,
                       java.time.Instant at) {
  }

  /** {@code /metrics/resource}: {@link ResourceMetrics} of what the node and its containers use. */
  private void resourceMetrics(HttpServerRequest req) {
    measure().onComplete(ar -> {
      if (ar.failed()) {
        req.response().setStatusCode(500).end("cannot measure: " + ar.cause() + "\n");
        return;
      }
      List<ResourceMetrics.Sample> samples = new java.util.ArrayList<>();
      ar.result().pods().forEach(p -> p.containers().forEach(c -> samples.add(
          new ResourceMetrics.Sample(p.namespace(), p.name(), c.name(), c.startedAt(), c.usage()))));
      req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
          .end(ResourceMetrics.render(ar.result().node(), samples, ar.result().at()));
    });
  }

  /** {@code /stats/summary}: the Summary API of what the node and its pods use ({@link StatsSummary}). */
  private void statsSummary(HttpServerRequest req) {
    measure().onComplete(ar -> {
      if (ar.failed()) {
        req.response().setStatusCode(500).end("cannot measure: " + ar.cause() + "\n");
        return;
      }
      Usage u = ar.result();
      json(req, summary.render(config.nodeName(), started, u.node(), u.pods(), u.at()));
    });
  }

  /** {@code /pods}: the pods this kubelet runs, as a PodList (as the kubelet last received them). */
  private void podList(HttpServerRequest req) {
    com.fasterxml.jackson.databind.node.ObjectNode list = io.dekube.core.model.Json.object()
        .put("kind", "PodList").put("apiVersion", "v1");
    list.putObject("metadata");
    com.fasterxml.jackson.databind.node.ArrayNode items = list.putArray("items");
    pods.workers().forEach(w -> items.add(w.object()));
    json(req, list);
  }

  /** {@code /configz}: the kubelet's effective configuration, in KubeletConfiguration's field names. */
  private void configz(HttpServerRequest req) {
    com.fasterxml.jackson.databind.node.ObjectNode root = io.dekube.core.model.Json.object();
    root.set("kubeletconfig", KubeletConfigz.of(config, port(), eviction, logs));
    json(req, root);
  }

  private static void json(HttpServerRequest req, com.fasterxml.jackson.databind.JsonNode body) {
    req.response().putHeader("Content-Type", "application/json").end(body.toString());
  }

  private static void withContainer(HttpServerRequest req, PodWorker pod, String name,
                                    java.util.function.Consumer<ContainerRecord> action) {
    ContainerRecord c = pod.record(name);
    if (c == null) {
      req.response().setStatusCode(400).end("container " + name + " is not valid for pod " + pod.name() + "\n");
      return;
    }
    action.accept(c);
  }
}
