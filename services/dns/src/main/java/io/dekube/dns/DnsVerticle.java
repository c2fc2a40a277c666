package io.dekube.dns;

import io.dekube.core.informer.HandlerRegistration;
import io.dekube.core.informer.Informer;
import io.dekube.core.model.ResourceRegistry;
import io.dekube.core.model.ResourceType;
import io.dekube.core.net.ServiceWatch;
import io.dekube.core.net.SystemService;
import io.dekube.core.store.StoreApi;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.datagram.DatagramSocket;
import io.vertx.core.datagram.DatagramSocketOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;

/**
 * The cluster DNS: follows Services and endpoints ({@link ServiceWatch}), rebuilds its
 * {@link ClusterRecords} on every change and answers over UDP and TCP ({@link DnsAnswers}), on the
 * configured port and, when it may bind it, on 53. With stores ({@link #withKubeDnsService}) it
 * also serves {@code /metrics} on a port of its address and keeps the {@code kube-system/kube-dns}
 * Service pointing at both ({@link KubeDnsService}). Wiring only.
 */
public final class DnsVerticle extends VerticleBase {

  private static final Logger LOG = LoggerFactory.getLogger(DnsVerticle.class);
  /** The queries the Corefile's {@code log} plugin asks for, in CoreDNS' words. */
  private static final Logger QUERIES = LoggerFactory.getLogger("io.dekube.dns.coredns");

  private final DnsConfig config;
  private final ResourceRegistry registry;
  private final Function<ResourceType, Informer> informers;
  private volatile ClusterRecords records = ClusterRecords.empty();
  private final List<DatagramSocket> udp = new ArrayList<>();
  private final List<NetServer> tcp = new ArrayList<>();
  private final java.util.Map<String, Forwarder> forwarders = new java.util.HashMap<>();
  private volatile Corefile corefile = Corefile.kubeadm();
  private HandlerRegistration corefileWatch;
  private final AnswerCache cache = new AnswerCache(System::nanoTime);
  private ServiceWatch watch;
  private int actualPort = -1;
  private StoreApi installer;
  private StoreApi endpointWriter;
  private HttpServer metrics;
  private List<HandlerRegistration> kept = List.of();
  private long retryTimer = -1;
  /** Whether a write of the Service and its objects runs or waits for its next try (on the verticle's context). */
  private boolean writing;
  private volatile boolean stopped;

  public DnsVerticle(DnsConfig config, ResourceRegistry registry, Function<ResourceType, Informer> informers) {
    this.config = config;
    this.registry = registry;
    this.informers = informers;
  }

  /**
   * Keeps the {@code kube-system/kube-dns} Service, its Endpoints and EndpointSlice pointing at where this DNS
   * answers, each object written as the client kube's would be: {@code installer} creates the Service and the
   * {@code coredns} ConfigMap when they are missing (in kube, kubeadm's addon phase does, as {@code kubernetes-admin}),
   * {@code endpointWriter} keeps the Endpoints and EndpointSlice (the KEP-4770 controller the Service's
   * {@code service.kubernetes.io/endpoint-controller-name} label names: {@link #ENDPOINT_CONTROLLER}). A write that
   * fails — the store not there yet, an admission webhook or policy refusing it — is logged with its Status and tried
   * again every 5 s, for as long as it fails. Call before deploying.
   */
  public DnsVerticle withKubeDnsService(StoreApi installer, StoreApi endpointWriter) {
    this.installer = installer;
    this.endpointWriter = endpointWriter;
    return this;
  }

  /** The name of the controller that keeps the kube-dns Service's endpoints (its label's and slice's manager). */
  public static final String ENDPOINT_CONTROLLER = KubeDnsService.MANAGER;

  /**
   * The host's resolver from /etc/resolv.conf (blocking; "" when none), the default upstream: its
   * first nameserver that is not the cluster DNS at {@code clusterDnsIp}.
   */
  public static String hostResolver(String clusterDnsIp) {
    return Forwarder.hostResolver(clusterDnsIp);
  }

  /** The port served (the chosen one when configured with 0). */
  public int actualPort() {
    return actualPort;
  }

  @Override
  public Future<?> start() {
    return ServiceWatch.start(vertx, registry, informers, view -> records = ClusterRecords.of(view.services(),
            view.ports()))
        .onSuccess(w -> {
          watch = w;
          records = ClusterRecords.of(w.view().services(), w.view().ports());
        })
        .compose(w -> followCorefile())
        .compose(v -> listen(config.port()).onSuccess(port -> {
          actualPort = port;
          LOG.info("cluster DNS answering on {}:{} (UDP, TCP)", config.host(), port);
        }).recover(e -> {
          // a port in use (another dekube) must not stop the whole cluster
          LOG.warn("cluster DNS cannot serve {}:{} ({}); pick another port with --dns-port", config.host(),
              config.port(), e.getMessage());
          return Future.succeededFuture(-1);
        }))
        .compose(port -> config.also53() && port != 53 ? listen(53).map(p -> {
          LOG.info("cluster DNS answering on {}:53 too", config.host());
          return p;
        }).recover(e -> Future.succeededFuture(0)) : Future.succeededFuture(0))
        .compose(v -> installer == null || actualPort <= 0 ? Future.succeededFuture()
            : serveMetrics().onSuccess(m -> {
              SystemService kubeDns = KubeDnsService.of(config.host(), actualPort, m);
              writeUntilDone(kubeDns);
              kept = kubeDns.keep(informers, registry, () -> writeUntilDone(kubeDns));
            }));
  }

  /**
   * Follows the {@code kube-system/coredns} ConfigMap's Corefile ({@link CorefileConfigMap}): its {@code log} and
   * {@code forward} (stub domains and upstreams) apply from the next query.
   */
  private Future<Void> followCorefile() {
    Informer configMaps = informers.apply(registry.byResourceName("configmaps").orElseThrow());
    return configMaps.start().onSuccess(v -> corefileWatch = CorefileConfigMap.follow(configMaps,
        c -> corefile = c));
  }

  /**
   * {@code /metrics} (the process's, as the ops port serves them) and {@code /health} on a free port of
   * the DNS address: the kube-dns Service's {@code metrics} port leads there, as CoreDNS' 9153 does.
   */
  private Future<Integer> serveMetrics() {
    return vertx.createHttpServer().requestHandler(req -> {
      switch (req.path()) {
        case "/metrics" -> req.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
            .end(io.dekube.core.metrics.Metrics.scrape());
        case "/health" -> req.response().putHeader("Content-Type", "text/plain").end("OK");
        default -> req.response().setStatusCode(404).end("404 page not found\n");
      }
    }).listen(0, config.host()).map(server -> {
      metrics = server;
      return server.actualPort();
    });
  }

  /**
   * Writes the Service, its endpoints and the Corefile's ConfigMap, again every 5 s until the store took them (it may
   * start later, an admission webhook may refuse them until it is changed); one such loop at a time. Decision: kubeadm
   * tries its addon writes every 500 ms for a minute and then fails {@code kubeadm init}, kube's endpoint controllers
   * retry with a back-off; dekube's DNS has no init to fail, so it keeps trying, logging each new reason.
   */
  private void writeUntilDone(SystemService service) {
    if (!writing) {
      writing = true;
      tryWrite(service, null);
    }
  }

  private void tryWrite(SystemService service, String lastFailure) {
    service.ensure(installer, endpointWriter, registry)
        .compose(v -> CorefileConfigMap.createIfMissing(installer, registry))
        .onSuccess(v -> {
          writing = false;
          LOG.info("{}/{} Service points at {}:{}", service.namespace(), service.name(), config.host(), actualPort);
        })
        .onFailure(e -> {
          String failure = e.toString();
          if (!failure.equals(lastFailure)) {
            LOG.warn("cannot write the {}/{} Service, its endpoints or the {}/{} ConfigMap ({}); trying again every"
                + " 5 s", service.namespace(), service.name(), CorefileConfigMap.NAMESPACE, CorefileConfigMap.NAME,
                failure);
          }
          if (stopped) {
            writing = false;
          } else {
            retryTimer = vertx.setTimer(5_000, t -> tryWrite(service, failure));
          }
        });
  }

  private Future<Integer> listen(int port) {
    NetServer server = vertx.createNetServer().connectHandler(this::tcpConnection);
    return server.listen(port, config.host()).compose(s -> {
      tcp.add(s);
      DatagramSocket socket = vertx.createDatagramSocket(new DatagramSocketOptions());
      socket.handler(p -> answer(p.data(), p.sender(), true).onSuccess(reply -> socket.send(reply, p.sender().port(),
          p.sender().hostAddress())));
      return socket.listen(s.actualPort(), config.host()).map(d -> {
        udp.add(d);
        return s.actualPort();
      }).recover(e -> s.close().transform(x -> Future.failedFuture(e)));
    });
  }

  private void tcpConnection(NetSocket socket) {
    RecordParser parser = RecordParser.newFixed(2);
    boolean[] length = {true};
    parser.handler(buf -> {
      if (length[0]) {
        int n = buf.getUnsignedShort(0);
        if (n == 0) {
          socket.close();
          return;
        }
        parser.fixedSizeMode(n);
        length[0] = false;
        return;
      }
      parser.fixedSizeMode(2);
      length[0] = true;
      answer(buf, socket.remoteAddress(), false).onSuccess(reply -> socket.write(Buffer.buffer().appendUnsignedShort(reply.length())
          .appendBuffer(reply)));
    });
    socket.handler(parser);
  }

  private Future<Buffer> answer(Buffer packet, io.vertx.core.net.SocketAddress client, boolean udp) {
    long start = System.nanoTime();
    Message query = parsed(packet.getBytes());
    Corefile now = corefile;
    Future<Buffer> reply = answer(packet, query, now, udp);
    if (query == null || query.getQuestion() == null || !now.logs(query.getQuestion().getName().toString())) {
      return reply;
    }
    return reply.onSuccess(r -> {
      Message answered = parsed(r.getBytes());
      if (answered != null) {
        QUERIES.info("[INFO] {}", QueryLog.line(client.hostAddress(), client.port(), !udp, query, packet.length(),
            answered, r.length(), System.nanoTime() - start));
      }
    });
  }

  private Future<Buffer> answer(Buffer packet, Message query, Corefile now, boolean udp) {
    String qname = query == null || query.getQuestion() == null ? "." : query.getQuestion().getName().toString();
    long ttl = now.ttl(qname);
    long keep = now.cacheSeconds(qname);
    Message kept = query == null || keep == 0 ? null : cache.lookup(query);
    if (kept != null) {
      return Future.succeededFuture(Buffer.buffer(kept.toWire(udp ? udpLimit(query) : 65_535)));
    }
    DnsAnswers.Reply reply = query == null ? DnsAnswers.answer(packet.getBytes(), records, ttl) // FORMERR
        : DnsAnswers.answer(query, records, ttl);
    if (!reply.forward()) {
      if (query != null) {
        cache.store(query, reply.message(), keep);
      }
      return Future.succeededFuture(Buffer.buffer(reply.message().toWire(udp ? udpLimit(query) : 65_535)));
    }
    Message asked = reply.message();
    String upstream = now.upstream(asked.getQuestion().getName().toString(), config.upstream());
    Forwarder forwarder = upstream.isEmpty() ? null : forwarders.computeIfAbsent(upstream,
        u -> new Forwarder(vertx, u));
    if (forwarder == null) {
      return Future.succeededFuture(Buffer.buffer(refused(asked, Rcode.REFUSED).toWire(512)));
    }
    return forwarder.forward(packet).recover(e -> Future.succeededFuture(
        Buffer.buffer(refused(asked, Rcode.SERVFAIL).toWire(512))));
  }

  private static Message parsed(byte[] packet) {
    try {
      return new Message(packet);
    } catch (java.io.IOException | RuntimeException e) {
      return null;
    }
  }

  /** 512 bytes, or the EDNS payload size the query offered (at most 4096); longer answers get TC. */
  private static int udpLimit(Message query) {
    org.xbill.DNS.OPTRecord opt = query == null ? null : query.getOPT();
    return opt == null ? 512 : Math.min(4096, Math.max(512, opt.getPayloadSize()));
  }

  private static Message refused(Message query, int rcode) {
    Message m = new Message(query.getHeader().getID());
    m.getHeader().setFlag(Flags.QR);
    if (query.getHeader().getFlag(Flags.RD)) {
      m.getHeader().setFlag(Flags.RD);
    }
    m.getHeader().setRcode(rcode);
    m.addRecord(query.getQuestion(), org.xbill.DNS.Section.QUESTION);
    return m;
  }

  @Override
  public Future<?> stop() {
    stopped = true;
    vertx.cancelTimer(retryTimer);
    kept.forEach(HandlerRegistration::remove);
    if (corefileWatch != null) {
      corefileWatch.remove();
    }
    if (watch != null) {
      watch.stop();
    }
    List<Future<Void>> closing = new ArrayList<>();
    if (metrics != null) {
      closing.add(metrics.close());
    }
    udp.forEach(s -> closing.add(s.close()));
    tcp.forEach(s -> closing.add(s.close()));
    return Future.join(closing);
  }
}
