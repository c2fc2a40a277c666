package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code registry.k8s.io/echoserver} (minikube's first tutorial, {@code hello-minikube}): nginx with a Lua
 * page on port 8080 that prints the request back — client values, server values, the headers received (lower
 * case, sorted) and the body. Tags before 1.10 print the 1.4 page ({@code CLIENT VALUES:}…), 1.10 and later the
 * newer one (the hostname, pod information from {@code POD_NAME} and friends, {@code Request Information:}…).
 * Each request is an nginx {@code combined} access-log line.
 */
final class EchoServer {

  static final int PORT = 8080;

  private EchoServer() {
  }

  static Future<Void> start(JvmContainer c, String tag) {
    boolean newer = newer(tag);
    return ImageServer.serve(c, PORT, req -> req.body().onComplete(ar -> {
      String body = ar.succeeded() && ar.result().length() > 0 ? ar.result().toString() : null;
      Request r = Request.of(req, body);
      String page = newer ? page110(r, c.spec().env(), ImageServer.hostname(c)) : page14(r);
      Buffer out = Buffer.buffer(page);
      c.log().line(NginxPages.accessLog(req, 200, out.length()));
      req.response().putHeader("Server", newer ? "echoserver" : "nginx/1.10.0").putHeader("Content-Type", "text/plain")
          .end(out);
    }));
  }

  /** Whether the tag is 1.10 or later (the newer page). */
  static boolean newer(String tag) {
    String[] v = tag.split("[.-]");
    try {
      return Integer.parseInt(v[0]) > 1 || v.length > 1 && Integer.parseInt(v[1]) >= 10;
    } catch (NumberFormatException e) {
      return true;
    }
  }

  /**
   * What the page shows of a request: nginx's variables of the same names.
   *
   * @param host the Host header without its port ({@code $host}), else the server's address
   */
  record Request(String clientAddress, String method, String uri, String query, String httpVersion, String host,
                 int serverPort, Map<String, String> headers, String body) {

    static Request of(HttpServerRequest req, String body) {
      Map<String, String> headers = new TreeMap<>();
      req.headers().forEach(h -> headers.merge(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue(),
          (a, b) -> a + ", " + b));
      String hostHeader = req.getHeader("Host");
      String host = hostHeader == null ? req.localAddress().hostAddress() : hostHeader.replaceFirst(":\\d+$", "");
      String version = ImageServer.protocol(req).substring("HTTP/".length());
      return new Request(req.remoteAddress().hostAddress(), req.method().name(), req.uri(), req.query(),
          version.equals("2.0") ? "2" : version, host, req.localAddress().port(), headers, body);
    }

    String requestUri() {
      return "http://" + host + ":" + serverPort + uri;
    }
  }

  /** The page of echoserver 1.4. */
  static String page14(Request r) {
    StringBuilder b = new StringBuilder("CLIENT VALUES:\n")
        .append("client_address=").append(r.clientAddress()).append('\n')
        .append("command=").append(r.method()).append('\n')
        .append("real path=").append(r.uri()).append('\n')
        .append("query=").append(r.query() == null ? "nil" : r.query()).append('\n')
        .append("request_version=").append(r.httpVersion()).append('\n')
        .append("request_uri=").append(r.requestUri()).append("\n\n")
        .append("SERVER VALUES:\nserver_version=nginx: 1.10.0 - lua: 10001\n\n")
        .append("HEADERS RECEIVED:\n");
    r.headers().forEach((k, v) -> b.append(k).append('=').append(v).append('\n'));
    return b.append("BODY:\n").append(r.body() == null ? "-no body in request-" : r.body()).append('\n').toString();
  }

  /** The page of echoserver 1.10: pod information from the downward-API variables the docs' manifest sets. */
  static String page110(Request r, Map<String, String> env, String hostname) {
    StringBuilder b = new StringBuilder("\n\nHostname: ").append(hostname).append("\n\nPod Information:\n");
    if (env.get("POD_NAME") != null) {
      b.append("\tnode name:\t").append(env.getOrDefault("NODE_NAME", "N/A")).append('\n')
          .append("\tpod name:\t").append(env.get("POD_NAME")).append('\n')
          .append("\tpod namespace:\t").append(env.getOrDefault("POD_NAMESPACE", "N/A")).append('\n')
          .append("\tpod IP:\t").append(env.getOrDefault("POD_IP", "N/A")).append('\n');
    } else {
      b.append("\t-no pod information available-\n");
    }
    b.append("\nServer values:\n\tserver_version=nginx: 1.13.3 - lua: 10008\n\nRequest Information:\n")
        .append("\tclient_address=").append(r.clientAddress()).append('\n')
        .append("\tmethod=").append(r.method()).append('\n')
        .append("\treal path=").append(r.uri()).append('\n')
        .append("\tquery=").append(r.query() == null ? "" : r.query()).append('\n')
        .append("\trequest_version=").append(r.httpVersion()).append('\n')
        .append("\trequest_scheme=http\n")
        .append("\trequest_uri=").append(r.requestUri()).append("\n\nRequest Headers:\n");
    r.headers().forEach((k, v) -> b.append('\t').append(k).append('=').append(v).append('\n'));
    return b.append("\nRequest Body:\n").append(r.body() == null ? "\t-no body in request-" : r.body()).append("\n\n")
        .toString();
  }
}
