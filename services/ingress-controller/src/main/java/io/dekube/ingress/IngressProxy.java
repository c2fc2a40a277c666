package io.dekube.ingress;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.ServerSSLOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.HttpProxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy itself: HTTP and HTTPS (SNI) servers whose requests are routed by the current
 * {@link IngressRoutes} to an endpoint picked by {@link Backends}, and proxied there with
 * vertx-http-proxy over a keep-alive client pool (WebSocket upgrades pass) with ingress-nginx's request
 * headers ({@link ForwardedHeaders}: the client's Host kept, X-Forwarded-*), within ingress-nginx's
 * connect and read timeouts ({@link UpstreamOrigin}); an idempotent request whose endpoint fails or
 * times out before answering goes to the next one, else the answer is a 502 or 504 that says what
 * happened ({@link NextUpstream}). No route: 404; no Service or no ready endpoint: 503 with a body that
 * says which. Event-loop confined.
 */
public final class IngressProxy {

  private static final Logger LOG = LoggerFactory.getLogger(IngressProxy.class);

  private final Vertx vertx;
  private final IngressConfig config;
  private final Backends backends = new Backends();
  private final Map<HttpServerRequest, List<io.dekube.core.net.Backend>> picked = new WeakHashMap<>();
  private final List<HttpServer> servers = new ArrayList<>();
  private final List<HttpServer> tlsServers = new ArrayList<>();
  private final HttpProxy proxy;
  private IngressRoutes routes = IngressRoutes.of(List.of(), List.of(), "");
  private int httpPort = -1;
  private int httpsPort = -1;

  /** A proxy with no routes yet; {@link #listen()} binds it. Use on one Vert.x context. */
  public IngressProxy(Vertx vertx, IngressConfig config) {
    this.vertx = vertx;
    this.config = config;
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true).setTcpNoDelay(true),
        new PoolOptions().setHttp1MaxSize(256));
    this.proxy = HttpProxy.reverseProxy(client).origin(new UpstreamOrigin(UpstreamOrigin.Timeouts.INGRESS_NGINX,
        ctx -> {
          SocketAddress a = ctx.get(NextUpstream.BACKEND, SocketAddress.class); // set per try by NextUpstream
          if (a == null) { // a WebSocket upgrade: NextUpstream does not see it
            List<io.dekube.core.net.Backend> order = picked.get(ctx.request().proxiedRequest());
            a = order == null || order.isEmpty() ? null
                : SocketAddress.inetSocketAddress(order.get(0).port(), order.get(0).ip());
          }
          return a;
        })).addInterceptor(new ForwardedHeaders(), true).addInterceptor(new NextUpstream(picked::remove));
  }

  /** Replaces the routes. */
  public void routes(IngressRoutes r) {
    this.routes = r;
  }

  /** Replaces the Service ports and their endpoints. */
  public void endpoints(List<io.dekube.core.net.ServicePort> ports) {
    backends.update(ports);
  }

  Backends backends() {
    return backends;
  }

  /** The HTTP port bound (-1 before listen). */
  public int httpPort() {
    return httpPort;
  }

  int httpsPort() {
    return httpsPort;
  }

  /** Binds HTTP and HTTPS (and 80/443 when configured and bindable). */
  public Future<Void> listen() {
    return listenHttp(config.httpPort(), true).recover(e -> warnInUse("HTTP", config.httpPort(), e))
        .compose(v -> listenHttps(config.httpsPort(), true).recover(e -> warnInUse("HTTPS", config.httpsPort(), e)))
        .compose(v -> config.alsoPrivileged() && httpPort != 80 ? listenHttp(80, false) : Future.succeededFuture())
        .compose(v -> config.alsoPrivileged() && httpsPort != 443 ? listenHttps(443, false)
            : Future.succeededFuture());
  }

  /** A port in use (another dekube, another program) must not stop the whole cluster: say so and go on. */
  private Future<Void> warnInUse(String what, int port, Throwable e) {
    LOG.warn("ingress controller: cannot serve {} on {}:{} ({}); pick another port with --ingress-{}-port", what,
        config.host(), port, e.getMessage(), what.toLowerCase(java.util.Locale.ROOT));
    return Future.succeededFuture();
  }

  private Future<Void> listenHttp(int port, boolean required) {
    HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(port)
        .setTcpNoDelay(true)).requestHandler(this::handle);
    return s.listen().<Void>map(x -> {
      servers.add(s);
      if (required) {
        httpPort = s.actualPort();
      }
      LOG.info("ingress controller: HTTP on {}:{}", config.host(), s.actualPort());
      return null;
    }).recover(e -> required ? Future.failedFuture(e) : Future.succeededFuture());
  }

  private Future<Void> listenHttps(int port, boolean required) {
    HttpServer s = vertx.createHttpServer(new HttpServerOptions().setHost(config.host()).setPort(port)
        .setTcpNoDelay(true).setSsl(true).setSni(true).setKeyCertOptions(certificates(List.of())))
        .requestHandler(this::handle);
    return s.listen().<Void>map(x -> {
      servers.add(s);
      tlsServers.add(s);
      if (required) {
        httpsPort = s.actualPort();
      }
      LOG.info("ingress controller: HTTPS on {}:{}", config.host(), s.actualPort());
      return null;
    }).recover(e -> required ? Future.failedFuture(e) : Future.succeededFuture());
  }

  /** Serves these certificates (cert PEM, key PEM) by SNI, the default one first. */
  Future<Void> serveCertificates(List<String[]> pairs) {
    ServerSSLOptions ssl = new ServerSSLOptions().setSni(true).setKeyCertOptions(certificates(pairs));
    return Future.join(tlsServers.stream().map(s -> s.updateSSLOptions(ssl)).toList()).mapEmpty();
  }

  private PemKeyCertOptions certificates(List<String[]> pairs) {
    PemKeyCertOptions pem = new PemKeyCertOptions();
    pem.addCertValue(io.vertx.core.buffer.Buffer.buffer(config.defaultCertPem()))
        .addKeyValue(io.vertx.core.buffer.Buffer.buffer(config.defaultKeyPem()));
    for (String[] p : pairs) {
      pem.addCertValue(io.vertx.core.buffer.Buffer.buffer(p[0])).addKeyValue(io.vertx.core.buffer.Buffer.buffer(p[1]));
    }
    return pem;
  }

  private void handle(HttpServerRequest req) {
    IngressRoutes.Route route = routes.match(req.authority() == null ? req.getHeader("Host") : req.authority().host(),
        req.path());
    if (route == null) {
      req.response().setStatusCode(404).putHeader("content-type", "text/plain")
          .end("404 Not Found: no Ingress rule matches host \"" + hostOf(req) + "\" and path \"" + req.path() + "\"\n");
      return;
    }
    Backends.Pick pick = backends.pick(route);
    if (pick.backend() == null) {
      req.response().setStatusCode(503).putHeader("content-type", "text/plain")
          .end("503 Service Unavailable: " + pick.problem() + "\n");
      return;
    }
    picked.put(req, pick.order());
    proxy.handle(req);
  }

  private static String hostOf(HttpServerRequest req) {
    return req.authority() == null ? "" : req.authority().toString();
  }

  /** Closes the servers. */
  public Future<Void> close() {
    return Future.join(servers.stream().map(HttpServer::close).toList()).mapEmpty();
  }
}
