package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The nginx program of the nginx images: at start it loads its configuration ({@link NginxLoad}: nginx.conf, what
 * it includes, certificates, upstream names) and listens on each port its servers name, with TLS where a listen
 * says {@code ssl} (the servers' PEM files; several certificates on one port are chosen by SNI); each request goes
 * through {@link NginxRequest}. A configuration nginx refuses ends the container with nginx's {@code [emerg]} lines
 * on stderr and exit code 1. {@code nginx -s reload} loads it again: the new one serves from then on (ports
 * opened, closed, certificates replaced), or, refused, the old one stays and the error is logged, as nginx's
 * master does. Port 80 is {@code $PORT} when the container has that variable (dekube's knob for tests).
 */
final class NginxProgram {

  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss");

  private final JvmContainer c;
  private final String version;
  private final int portOf80;
  private final Map<Integer, Bound> bound = new TreeMap<>();
  private volatile NginxLoad current;

  /** A listening port: its server, whether it is TLS, and the certificates it serves. */
  private record Bound(HttpServer server, GracefulStop graceful, boolean ssl, List<NginxLoad.KeyCert> certs) {
  }

  private NginxProgram(JvmContainer c, String version, int portOf80) {
    this.c = c;
    this.version = version;
    this.portOf80 = portOf80;
  }

  /** Starts nginx in {@code c}; completes once it listens, or once it has exited on a refused configuration. */
  static Future<Void> start(JvmContainer c, String tag) {
    String env = c.spec().env().get("PORT");
    int portOf80 = env != null && env.matches("\\d{1,5}") ? Integer.parseInt(env) : 80;
    NginxProgram p = new NginxProgram(c, NginxPages.version(tag), portOf80);
    c.onStop(() -> p.quit(Programs.DRAIN_SECONDS));
    // the image's STOPSIGNAL is SIGQUIT (nginx-slim's SIGTERM): nginx's master shuts down and exits 0, so a stopped
    // nginx container ends Completed, as on kube
    c.exitOnSigterm(0);
    c.command("nginx", new NginxControl(c, p.version, portOf80, () -> p.quit(Programs.DRAIN_SECONDS), p::stop,
        p::reload));
    return NginxLoad.load(c, portOf80).transform(ar -> {
      if (ar.failed() && ar.cause() instanceof NginxConfException e) {
        c.output("stderr", Buffer.buffer(now() + " [emerg] 1#1: " + e.getMessage() + "\nnginx: [emerg] "
            + e.getMessage() + "\n"));
        c.exit(1);
        return Future.succeededFuture();
      }
      if (ar.failed()) {
        return Future.failedFuture(ar.cause());
      }
      return p.apply(ar.result()).onSuccess(v -> c.log().line("nginx " + p.version + " listening on "
              + c.spec().podIp() + ":" + String.join(",", ar.result().site().ports().keySet().stream()
              .map(String::valueOf).toList())))
          .recover(e -> Future.failedFuture(new ContainerStartException("RunContainerError",
              "cannot listen: " + e.getMessage())));
    });
  }

  /** {@code nginx -s reload}: the configuration loaded again and served, or the refusal logged. */
  Future<Void> reload() {
    return NginxLoad.load(c, portOf80).compose(this::apply).recover(e -> {
      c.output("stderr", Buffer.buffer(now() + " [emerg] 1#1: " + e.getMessage() + "\n"));
      return Future.succeededFuture();
    });
  }

  /** Serves {@code load}: closes the ports it no longer names, opens the new ones, replaces certificates. */
  private synchronized Future<Void> apply(NginxLoad load) {
    current = load;
    Map<Integer, Boolean> ports = load.site().ports();
    List<Future<?>> work = new ArrayList<>();
    for (Map.Entry<Integer, Bound> b : List.copyOf(bound.entrySet())) {
      Boolean ssl = ports.get(b.getKey());
      if (ssl == null || ssl != b.getValue().ssl()) {
        bound.remove(b.getKey());
        work.add(b.getValue().server().close());
      }
    }
    return Future.all(work).compose(v -> rebind(load, ports)).mapEmpty();
  }

  /** Opens the ports of {@code ports} not open yet; gives open TLS ports new certificates where they changed. */
  private synchronized Future<?> rebind(NginxLoad load, Map<Integer, Boolean> ports) {
    List<Future<?>> listens = new ArrayList<>();
    ports.forEach((port, ssl) -> {
      List<NginxLoad.KeyCert> certs = ssl ? certsOf(load, port) : List.of();
      Bound b = bound.get(port);
      if (b == null) {
        listens.add(listen(port, ssl, certs));
      } else if (ssl && !b.certs().equals(certs)) {
        bound.put(port, new Bound(b.server(), b.graceful(), true, certs));
        listens.add(b.server().updateSSLOptions(new ServerSSLOptions().setKeyCertOptions(pem(certs))
            .setSni(certs.size() > 1)));
      }
    });
    return Future.all(listens);
  }

  private Future<Void> listen(int port, boolean ssl, List<NginxLoad.KeyCert> certs) {
    HttpServerOptions o = ImageServer.options(c.spec().podIp(), port);
    if (ssl) {
      o.setSsl(true).setKeyCertOptions(pem(certs)).setSni(certs.size() > 1);
    }
    HttpServer server = c.vertx().createHttpServer(o);
    GracefulStop graceful = new GracefulStop(server);
    server.requestHandler(Refusals.http(c, port, c.measured(req -> {
      graceful.begin(req);
      NginxRequest.handle(c, current, req, version, port, ssl);
    })));
    return server.listen().<Void>mapEmpty().onSuccess(v -> {
      synchronized (this) {
        bound.put(port, new Bound(server, graceful, ssl, certs));
      }
    }).recover(e -> Future.failedFuture("bind() to 0.0.0.0:" + port + " failed (98: " + e.getMessage() + ")"));
  }

  /** The certificates of the servers on {@code port}: the default server's first, as the one without SNI. */
  private static List<NginxLoad.KeyCert> certsOf(NginxLoad load, int port) {
    List<NginxLoad.KeyCert> out = new ArrayList<>();
    NginxSite.Server first = load.site().server(port, "");
    if (first != null && first.certificate() != null) {
      out.add(load.keyCerts().get(first.certificate()));
    }
    for (NginxSite.Server s : load.site().servers()) {
      NginxLoad.KeyCert kc = s.certificate() == null ? null : load.keyCerts().get(s.certificate());
      if (s.listensOn(port) && kc != null && !out.contains(kc)) {
        out.add(kc);
      }
    }
    out.remove(null);
    return List.copyOf(out);
  }

  private static PemKeyCertOptions pem(List<NginxLoad.KeyCert> certs) {
    PemKeyCertOptions pem = new PemKeyCertOptions();
    for (NginxLoad.KeyCert kc : certs) {
      pem.addKeyValue(kc.key()).addCertValue(kc.cert());
    }
    return pem;
  }

  /** {@code nginx -s quit} and SIGTERM: every port stops as {@link GracefulStop} says. */
  private synchronized Future<Void> quit(long seconds) {
    List<Future<?>> stops = new ArrayList<>();
    bound.values().forEach(b -> stops.add(b.graceful().stop(b.server(), seconds)));
    bound.clear();
    return Future.all(stops).mapEmpty();
  }

  /** {@code nginx -s stop}: every port closed at once. */
  private synchronized Future<Void> stop() {
    List<Future<?>> stops = new ArrayList<>();
    bound.values().forEach(b -> stops.add(b.server().close()));
    bound.clear();
    return Future.all(stops).mapEmpty();
  }

  /** The time as nginx's error log writes it. */
  static String now() {
    return LocalDateTime.now(ZoneOffset.UTC).format(TIME);
  }
}
