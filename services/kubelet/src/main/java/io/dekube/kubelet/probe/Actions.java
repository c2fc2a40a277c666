package io.dekube.kubelet.probe;

import io.dekube.kubelet.runtime.ClosedConnection;
import io.dekube.kubelet.runtime.ExecSession;
import io.dekube.kubelet.runtime.RunningContainer;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.HTTPHeader;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The kubelet's three ways of acting on a container — an HTTP GET to it, a TCP connection to it, a
 * command inside it — shared by the probes ({@link Prober}) and the lifecycle hooks, each of which
 * judges the outcome its own way. Failures are worded as Go's HTTP client and dialer word them.
 * Callable from any context; callbacks land on the caller's.
 */
public final class Actions {

  private static final Map<Vertx, HttpClient> HTTP = new ConcurrentHashMap<>();
  private static final Map<Vertx, NetClient> TCP = new ConcurrentHashMap<>();

  /** A command's end: its exit code and what it wrote. */
  public record ExecResult(int exitCode, String stdout, String stderr) {
  }

  /**
   * An HTTPS GET answered in plain HTTP: Go's {@code http: server gave HTTP response to HTTPS client} (its TLS client
   * read a record header that starts {@code HTTP/}), the case kube's lifecycle hooks fall back to HTTP for.
   */
  public static final class HttpResponseToHttps extends IllegalStateException {
    HttpResponseToHttps(String url) {
      super("Get \"" + url + "\": http: server gave HTTP response to HTTPS client");
    }
  }

  /** A finished command, and the way to end it early (a hook that outlived its time). */
  public record Exec(ExecSession session, Future<ExecResult> result) {
  }

  private final Vertx vertx;

  public Actions(Vertx vertx) {
    this.vertx = vertx;
  }

  /**
   * GETs {@code h} from the pod ({@code podIp} unless the action names a host), with {@code userAgent}
   * ({@code kube-probe/1.32}, {@code kube-lifecycle/1.32}); {@code timeoutMs} 0: none. Completes with the
   * status code; fails, when no answer came, with {@code Get "<url>": <why>} ({@link HttpResponseToHttps} when an
   * HTTPS GET got a plain HTTP answer).
   */
  public Future<Integer> httpGet(HTTPGetAction h, Container c, String podIp, long timeoutMs, String userAgent) {
    String host = h.getHost() == null || h.getHost().isEmpty() ? podIp : h.getHost();
    String path = h.getPath() == null || h.getPath().isEmpty() ? "/" : h.getPath();
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.GET).setHost(host)
        .setPort(port(c, h.getPort())).setURI(path.startsWith("/") ? path : "/" + path)
        .setSsl("HTTPS".equalsIgnoreCase(h.getScheme()));
    if (timeoutMs > 0) {
      o.setTimeout(timeoutMs);
    }
    if (h.getHttpHeaders() != null) {
      for (HTTPHeader header : h.getHttpHeaders()) {
        o.addHeader(header.getName(), header.getValue());
      }
    }
    o.putHeader("User-Agent", userAgent);
    String url = (o.isSsl() ? "https" : "http") + "://" + host + ":" + o.getPort() + o.getURI();
    return http().request(o).compose(req -> req.send()).<Integer>map(resp -> {
      resp.body();
      return resp.statusCode();
    }).recover(e -> Future.failedFuture(o.isSsl() && plainHttpAnswer(e) ? new HttpResponseToHttps(url)
        : new IllegalStateException("Get \"" + url + "\": "
        // Go's client on a connection the server closed unanswered: EOF
        + (ClosedConnection.is(e) ? "EOF" : connectError(host, o.getPort(), e)))));
  }

  /**
   * Whether a TLS connection failed because the server answered in plain HTTP: Netty's {@code NotSslRecordException}
   * shows the bytes it read, and they start with {@code HTTP/} (hex {@code 485454502f}), as Go's check of the record
   * header.
   */
  static boolean plainHttpAnswer(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      String m = String.valueOf(t.getMessage());
      if (m.contains("not an SSL/TLS record: 485454502f")) {
        return true;
      }
    }
    return false;
  }

  /** Opens (and closes) a TCP connection; fails with the dialer's words. */
  public Future<Void> tcp(String host, int port) {
    return tcp().connect(port, host).<Void>map(sock -> {
      sock.close();
      return null;
    }).recover(e -> Future.failedFuture(new IllegalStateException(connectError(host, port, e))));
  }

  /** Runs {@code command} inside the running container, collecting its output. */
  public static Exec exec(RunningContainer container, List<String> command) {
    StringBuffer out = new StringBuffer();
    StringBuffer err = new StringBuffer();
    ExecSession s = container.exec(command, new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        out.append(data.toString());
      }

      @Override
      public void stderr(Buffer data) {
        err.append(data.toString());
      }
    });
    return new Exec(s, s.exitCode().map(code -> new ExecResult(code, out.toString(), err.toString())));
  }

  /** A failed connection as Go's dialer words it ({@code dial tcp 10.0.0.1:80: connect: connection refused}). */
  static String connectError(String host, int port, Throwable e) {
    String m = String.valueOf(e.getMessage()).toLowerCase(java.util.Locale.ROOT);
    String why = m.contains("refused") ? "connect: connection refused"
        : m.contains("timed out") || m.contains("timeout") ? "i/o timeout" : e.getMessage();
    return "dial tcp " + host + ":" + port + ": " + why;
  }

  /** A port by number, by a number in a string, or by the name of one of the container's ports (80 unknown). */
  public static int port(Container c, IntOrString port) {
    if (port == null) {
      return 80;
    }
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    String name = port.getStrVal() == null ? "" : port.getStrVal();
    if (c.getPorts() != null) {
      for (ContainerPort p : c.getPorts()) {
        if (name.equals(p.getName())) {
          return p.getContainerPort();
        }
      }
    }
    return name.matches("\\d+") ? Integer.parseInt(name) : 80;
  }

  private HttpClient http() {
    return HTTP.computeIfAbsent(vertx, v -> v.createHttpClient(new HttpClientOptions().setTrustAll(true)
        .setVerifyHost(false).setKeepAlive(false)));
  }

  private NetClient tcp() {
    return TCP.computeIfAbsent(vertx, v -> v.createNetClient(new NetClientOptions().setConnectTimeout(1000)));
  }
}
