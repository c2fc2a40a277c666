package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.core.net.SocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLPeerUnverifiedException;

/**
 * The {@code curl} applet: one HTTP request from the pod ({@link CurlArgs} lists the options), the name resolved
 * and the connection let out as {@link PodNet} does for {@code wget} ({@code localhost} is the pod). The body goes
 * to stdout or to the {@code -o} file, the headers too with {@code -i}; errors are curl's, with its exit codes:
 * 6 (name not resolved), 7 (connection refused), 28 (timed out), 22 ({@code -f} and a status of 400 or more),
 * 3 (a URL it cannot read), 2 (bad options). No progress meter is drawn. Non-blocking: a Vert.x HTTP client.
 */
final class Curl {

  /** What curl prints after a certificate it cannot verify. */
  private static final String SSL_HELP = "More details here: https://curl.se/docs/sslcerts.html\n\n"
      + "curl failed to verify the legitimacy of the server and therefore could not\n"
      + "establish a secure connection to it. To learn more about this situation and\n"
      + "how to fix it, please visit the web page mentioned above.";

  private final Vertx vertx;
  private final ContainerSpec spec;
  private final ExecSession.Output out;
  private final PodNet net;
  private final String cwd;

  Curl(Vertx vertx, ContainerSpec spec, ExecSession.Output out, PodNet net, String cwd) {
    this.vertx = vertx;
    this.spec = spec;
    this.out = out;
    this.net = net;
    this.cwd = cwd;
  }

  /** A failure with curl's exit code and words. */
  static final class CurlFailure extends RuntimeException {
    final int code;

    CurlFailure(int code, String message) {
      super(message, null, false, false);
      this.code = code;
    }
  }

  Future<Integer> run(List<String> args) {
    CurlArgs c;
    try {
      c = CurlArgs.parse(args);
    } catch (CurlArgs.Refused e) {
      err(e.getMessage());
      return Future.succeededFuture(e.code);
    }
    URI uri;
    try {
      uri = URI.create(c.url().contains("://") ? c.url() : "http://" + c.url());
    } catch (IllegalArgumentException e) {
      return failed(c, new CurlFailure(3, "URL using bad/illegal format or missing URL"));
    }
    String scheme = uri.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return failed(c, new CurlFailure(1, "Protocol \"" + scheme + "\" not supported or disabled in libcurl"));
    }
    if (uri.getHost() == null) {
      return failed(c, new CurlFailure(3, "URL using bad/illegal format or missing URL"));
    }
    boolean https = scheme.equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : https ? 443 : 80;
    String host = uri.getHost();
    int connectSeconds = c.maxTimeSeconds() > 0 ? Math.min(c.maxTimeSeconds(), c.connectTimeoutSeconds())
        : c.connectTimeoutSeconds();
    HttpClientOptions options = new HttpClientOptions().setSsl(https).setTrustAll(!https || c.insecure())
        .setVerifyHost(false).setConnectTimeout(connectSeconds * 1000).setLocalAddress(net.localAddress());
    Future<HttpClientAgent> made = https && !c.insecure() && c.caCert() != null
        ? caCert(c.caCert()).map(pem -> vertx.createHttpClient(options.setTrustOptions(pem)))
        : Future.succeededFuture(vertx.createHttpClient(options));
    return made.compose(client -> run(c, uri, https, port, host, connectSeconds, client), e -> failed(c, e));
  }

  private Future<Integer> run(CurlArgs c, URI uri, boolean https, int port, String host, int connectSeconds,
                              HttpClientAgent client) {
    Future<Integer> work = net.resolve(host, net.dnsServer(), net.dnsPort())
        .recover(e -> Future.failedFuture(new CurlFailure(6, "Could not resolve host: " + host)))
        .compose(r -> {
          String ip = net.loopbackToPod(r.addresses().get(0));
          if (c.verbose()) {
            err("*   Trying " + ip + ":" + port + "...");
          }
          return net.letsOut(ip, port, "TCP").compose(ok -> ok ? request(client, c, uri, host, ip, port, https)
              : net.dropped(connectSeconds, new CurlFailure(28, "Failed to connect to " + host + " port " + port
                  + " after " + connectSeconds * 1000 + " ms: Timeout was reached")));
        })
        .recover(e -> failed(c, e))
        .andThen(ar -> client.close());
    if (c.maxTimeSeconds() > 0) {
      long timer = vertx.setTimer(c.maxTimeSeconds() * 1000L, t -> client.close());
      work = work.andThen(ar -> vertx.cancelTimer(timer));
    }
    return net.interruptible(work, client::close);
  }

  /** The certificates of {@code --cacert}'s file, read from the container; curl's error 77 without one. */
  private Future<PemTrustOptions> caCert(String file) {
    return vertx.executeBlocking(() -> {
      byte[] pem = ContainerFs.of(spec, BuiltinShell.APPLETS).read(ContainerFs.normalize(cwd, file));
      return new PemTrustOptions().addCertValue(Buffer.buffer(pem));
    }, false).recover(e -> Future.failedFuture(new CurlFailure(77, "error setting certificate file: " + file)));
  }

  private Future<Integer> request(HttpClientAgent client, CurlArgs c, URI uri, String host, String ip, int port,
                                  boolean https) {
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    String hostHeader = host + (uri.getPort() > 0 ? ":" + uri.getPort() : "");
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.valueOf(c.effectiveMethod().toUpperCase(
            java.util.Locale.ROOT))).setHost(host).setPort(port).setServer(SocketAddress.inetSocketAddress(port, ip))
        .setURI(path).setFollowRedirects(c.follow())
        .putHeader("Host", hostHeader).putHeader("User-Agent", c.userAgent()).putHeader("Accept", "*/*");
    if (c.maxTimeSeconds() > 0) {
      o.setIdleTimeout(c.maxTimeSeconds() * 1000L);
    }
    if (c.data() != null) {
      o.putHeader("Content-Type", "application/x-www-form-urlencoded");
    }
    for (String h : c.headers()) {
      int colon = h.indexOf(':');
      if (colon > 0) {
        o.putHeader(h.substring(0, colon).trim(), h.substring(colon + 1).trim());
      }
    }
    // As wget's: a plain connection the server closes at once may end before Vert.x hands it the request. The
    // connect succeeded, so curl (which sends the request and reads nothing back) says "Empty reply from server".
    return client.request(o)
        .recover(e -> Future.failedFuture(https && untrusted(e)
            ? new CurlFailure(60, "SSL certificate problem: self-signed certificate\n" + SSL_HELP)
            : !https && ClosedConnection.is(e) ? new CurlFailure(52, "Empty reply from server")
            : new CurlFailure(PodNet.timedOut(e) ? 28 : 7, "Failed to connect to " + host + " port " + port + ": "
                + connectReason(e))))
        .compose(req -> https && !c.insecure() ? checkHost(req, host) : Future.succeededFuture(req))
        .compose(req -> {
          if (c.verbose()) {
            verboseRequest(c, host, ip, port, path, req.headers());
          }
          Future<HttpClientResponse> sent = c.data() == null ? req.send() : req.send(c.data());
          return sent.recover(e -> Future.failedFuture(PodNet.timedOut(e)
                  ? new CurlFailure(28, "Operation timed out with 0 bytes received")
                  : new CurlFailure(52, "Empty reply from server")))
              .compose(resp -> resp.body().compose(body -> answer(c, resp, body)));
        });
  }

  /** curl's check of the host name against the server's certificate ({@link CurlTls}). */
  private static Future<HttpClientRequest> checkHost(HttpClientRequest req, String host) {
    try {
      var certs = req.connection().peerCertificates();
      String wrong = certs.isEmpty() || !(certs.get(0) instanceof X509Certificate x509)
          ? "SSL: unable to obtain common name from peer certificate" : CurlTls.mismatch(x509, host);
      if (wrong != null) {
        req.reset();
        return Future.failedFuture(new CurlFailure(60, wrong + "\n" + SSL_HELP));
      }
      return Future.succeededFuture(req);
    } catch (SSLPeerUnverifiedException e) {
      return Future.failedFuture(new CurlFailure(60, "SSL: unable to obtain common name from peer certificate"));
    }
  }

  /** Whether a connection failed because the server's certificate is not trusted. */
  private static boolean untrusted(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof javax.net.ssl.SSLHandshakeException || t instanceof java.security.cert.CertPathValidatorException
          || String.valueOf(t.getMessage()).contains("PKIX")) {
        return true;
      }
    }
    return false;
  }

  private Future<Integer> answer(CurlArgs c, HttpClientResponse resp, Buffer body) {
    String statusLine = "HTTP/1.1 " + resp.statusCode() + " " + resp.statusMessage();
    StringBuilder head = new StringBuilder(statusLine).append("\r\n");
    resp.headers().forEach(h -> head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n"));
    head.append("\r\n");
    if (c.verbose()) {
      err(("< " + head.toString().replace("\r\n", "\n< ")).stripTrailing());
    }
    if (c.fail() && resp.statusCode() >= 400) {
      return Future.failedFuture(new CurlFailure(22, "The requested URL returned error: " + resp.statusCode()));
    }
    Buffer shown = Buffer.buffer();
    if (c.include() || c.head()) {
      shown.appendString(head.toString());
    }
    if (!c.head()) {
      shown.appendBuffer(body);
    }
    Future<Integer> written = c.output() == null || c.output().equals("-")
        ? Future.succeededFuture(stdout(shown)) : save(c.output(), shown);
    return written.map(code -> {
      if (code == 0 && c.writeOut() != null) {
        out.stdout(Buffer.buffer(writeOut(c.writeOut(), Map.of("http_code", Integer.toString(resp.statusCode()),
            "response_code", Integer.toString(resp.statusCode()), "size_download", Integer.toString(body.length()),
            "content_type", String.valueOf(resp.getHeader("Content-Type"))))));
      }
      return code;
    });
  }

  /** {@code -w}'s format: {@code %{name}} of the variables given, {@code \n}, {@code \t}. */
  static String writeOut(String format, Map<String, String> vars) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < format.length(); i++) {
      char ch = format.charAt(i);
      if (ch == '%' && format.startsWith("%{", i) && format.indexOf('}', i) > 0) {
        int end = format.indexOf('}', i);
        b.append(vars.getOrDefault(format.substring(i + 2, end), ""));
        i = end;
      } else if (ch == '\\' && i + 1 < format.length() && "nt".indexOf(format.charAt(i + 1)) >= 0) {
        b.append(format.charAt(++i) == 'n' ? '\n' : '\t');
      } else {
        b.append(ch);
      }
    }
    return b.toString();
  }

  private void verboseRequest(CurlArgs c, String host, String ip, int port, String path,
                              io.vertx.core.MultiMap headers) {
    StringBuilder b = new StringBuilder("* Connected to " + host + " (" + ip + ") port " + port + "\n> "
        + c.effectiveMethod() + " " + path + " HTTP/1.1\n");
    headers.forEach(h -> b.append("> ").append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
    err(b.append(">").toString());
  }

  private int stdout(Buffer data) {
    out.stdout(data);
    return 0;
  }

  private Future<Integer> save(String name, Buffer data) {
    return vertx.executeBlocking(() -> {
      Path file = ContainerFs.of(spec, BuiltinShell.APPLETS).nodeFileFor(ContainerFs.normalize(cwd, name));
      Files.createDirectories(file.getParent());
      Files.write(file, data.getBytes());
      return 0;
    }, false).recover(e -> Future.failedFuture(new CurlFailure(23, "Failure writing output to destination")));
  }

  private Future<Integer> failed(CurlArgs c, Throwable e) {
    CurlFailure f = e instanceof CurlFailure cf ? cf : new CurlFailure(PodNet.timedOut(e) ? 28 : 7,
        PodNet.timedOut(e) ? "Operation timed out" : String.valueOf(e.getMessage()));
    if (c.tellsErrors()) {
      err("curl: (" + f.code + ") " + f.getMessage());
    }
    return Future.succeededFuture(f.code);
  }

  private static String connectReason(Throwable e) {
    String m = String.valueOf(e.getMessage());
    if (m.contains("refused")) {
      return "Connection refused";
    }
    return PodNet.timedOut(e) ? "Timeout was reached" : "Couldn't connect to server";
  }

  private void err(String line) {
    out.stderr(Buffer.buffer(line + "\n"));
  }
}
