package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code kicbase/echo-server} (minikube's docs since echoserver left them; jmalloc's echo-server): a Go server on
 * {@code $PORT} (8080) answering {@code Request served by <hostname>}, then the request line as
 * {@code HTTP/1.1 GET /path}, the Host and the other headers (Go's canonical names, sorted) and, after a blank
 * line, the body. It prints {@code Echo server listening on port 8080.} and one {@code ip:port | GET /path}
 * line per request on stdout.
 */
final class KicbaseEchoServer {

  private KicbaseEchoServer() {
  }

  static Future<Void> start(JvmContainer c) {
    String env = c.spec().env().get("PORT");
    String port = env == null || env.isEmpty() ? "8080" : env;
    if (!port.matches("\\d{1,5}")) {
      GoLog.stdout(c, "Echo server listening on port " + port + ".");
      GoLog.stderr(c, "panic: listen tcp: address " + port + ": invalid port");
      c.exit(2);
      return Future.succeededFuture();
    }
    GoLog.stdout(c, "Echo server listening on port " + port + ".");
    return ImageServer.serve(c, Integer.parseInt(port), req -> req.body().onComplete(ar -> {
      GoLog.stdout(c, ImageServer.remoteAddr(req) + " | " + req.method() + " " + req.uri());
      String body = ar.succeeded() ? ar.result().toString() : "";
      req.response().putHeader("Content-Type", "text/plain").end(answer(ImageServer.hostname(c), req, body));
    }));
  }

  static String answer(String hostname, HttpServerRequest req, String body) {
    Map<String, java.util.List<String>> headers = new TreeMap<>();
    req.headers().forEach(h -> {
      if (!h.getKey().equalsIgnoreCase("Host")) {
        headers.computeIfAbsent(canonical(h.getKey()), k -> new java.util.ArrayList<>()).add(h.getValue());
      }
    });
    return answer(hostname, ImageServer.protocol(req), req.method().name(), req.uri(), req.getHeader("Host"), headers,
        body);
  }

  static String answer(String hostname, String protocol, String method, String uri, String host,
                       Map<String, java.util.List<String>> headers, String body) {
    StringBuilder b = new StringBuilder("Request served by ").append(hostname).append("\n\n")
        .append(protocol).append(' ').append(method).append(' ').append(uri).append("\n\n")
        .append("Host: ").append(host == null ? "" : host).append('\n');
    headers.forEach((k, values) -> values.forEach(v -> b.append(k).append(": ").append(v).append('\n')));
    if (!body.isEmpty()) {
      b.append('\n').append(body);
    }
    return b.toString();
  }

  /** Go's canonical header name: {@code x-forwarded-for} is {@code X-Forwarded-For}. */
  static String canonical(String name) {
    StringBuilder b = new StringBuilder(name.length());
    boolean upper = true;
    for (char ch : name.toCharArray()) {
      b.append(upper ? Character.toUpperCase(ch) : Character.toLowerCase(ch));
      upper = ch == '-';
    }
    return b.toString();
  }
}
