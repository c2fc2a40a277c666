package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.Set;

/**
 * {@code gcr.io/google-samples/hello-frontend:1.0}, the frontend of "Connect a Frontend to a Backend Using
 * Services": nginx on port 80 whose {@link #CONF} sends every request to the upstream {@code hello} — the backend's
 * Service, by its cluster DNS name. As nginx, it resolves that name once at start (from the pod: its resolv.conf's
 * search path) and fails to start without it ({@code host not found in upstream "hello"}, exit 1); then each
 * request goes to that address on port 80, from the pod IP and as far as the pod's egress policies let it, and
 * comes back with nginx's {@code Server}; a backend that does not answer is nginx's 502 page. Access log in nginx's
 * combined format.
 */
final class HelloFrontend {

  static final int PORT = 80;
  static final String UPSTREAM = "hello";
  static final String CONF_FILE = "/etc/nginx/conf.d/frontend.conf";
  /** The image's nginx configuration, as {@code cat} shows it. */
  static final String CONF = """
      # every request goes to the upstream "hello": the backend Service, by its DNS name in the cluster
      upstream hello {
          server hello;
      }

      server {
          listen 80;

          location / {
              proxy_pass http://hello;
          }
      }
      """;
  private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection",
      "transfer-encoding", "upgrade", "te", "trailer", "host", "server", "date", "content-length");
  private static final DateTimeFormatter ERROR_TIME = DateTimeFormatter.ofPattern("yyyy/MM/dd HH:mm:ss", Locale.ROOT);

  private HelloFrontend() {
  }

  static Future<Void> start(JvmContainer c) {
    return c.resolve(UPSTREAM).compose(ip -> serve(c, ip), e -> {
      String line = "host not found in upstream \"" + UPSTREAM + "\" in " + CONF_FILE + ":3";
      c.output("stderr", Buffer.buffer(ZonedDateTime.now().format(ERROR_TIME) + " [emerg] 1#1: " + line
          + "\nnginx: [emerg] " + line + "\n"));
      c.exit(1);
      return Future.succeededFuture();
    });
  }

  private static Future<Void> serve(JvmContainer c, String upstream) {
    HttpClientAgent client = c.vertx().createHttpClient(new HttpClientOptions().setLocalAddress(c.clientAddress())
        .setConnectTimeout(60_000));
    c.onStop(client::close);
    return ImageServer.serve(c, PORT, req -> {
      req.pause();
      c.traffic().letsOut(c.spec(), upstream, PORT, "TCP")
          .compose(ok -> ok ? proxy(c, client, req, upstream) : Future.failedFuture("dropped by egress policies"))
          .onFailure(e -> respond(c, req, 502, Buffer.buffer(badGateway()), "text/html"));
    });
  }

  private static Future<Void> proxy(JvmContainer c, HttpClientAgent client, HttpServerRequest req, String upstream) {
    RequestOptions o = new RequestOptions().setMethod(HttpMethod.valueOf(req.method().name())).setHost(upstream)
        .setPort(PORT).setURI(req.uri()).putHeader("Host", UPSTREAM).putHeader("Connection", "close");
    req.headers().forEach(h -> {
      if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
        o.addHeader(h.getKey(), h.getValue());
      }
    });
    return client.request(o).compose(out -> {
      req.resume();
      return req.body().compose(out::send);
    }).compose(resp -> resp.body().map(body -> {
      var res = req.response().setStatusCode(resp.statusCode());
      resp.headers().forEach(h -> {
        if (!HOP_BY_HOP.contains(h.getKey().toLowerCase(Locale.ROOT))) {
          res.putHeader(h.getKey(), h.getValue());
        }
      });
      return body;
    })).map(body -> {
      respondRaw(c, req, req.response().getStatusCode(), body);
      return null;
    });
  }

  private static void respond(JvmContainer c, HttpServerRequest req, int status, Buffer body, String type) {
    req.resume();
    req.response().putHeader("Content-Type", type);
    respondRaw(c, req, status, body);
  }

  private static void respondRaw(JvmContainer c, HttpServerRequest req, int status, Buffer body) {
    c.log().line(NginxPages.accessLog(req, status, body.length()));
    req.response().setStatusCode(status).putHeader("Server", "nginx/" + NginxPages.DEFAULT_VERSION).end(body);
  }

  static String badGateway() {
    return "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1>"
        + "</center>\r\n<hr><center>nginx/" + NginxPages.DEFAULT_VERSION + "</center>\r\n</body>\r\n</html>\r\n";
  }
}
