package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;

/**
 * {@code gcr.io/google-samples/hello-app:1.0} and {@code :2.0} (the ingress tutorials of minikube, kind and
 * GKE): a Go server on {@code $PORT} (8080 when unset) answering every path with {@code Hello, world!}, the
 * version its tag names ({@code 1.0.0}, {@code 2.0.0}) and its hostname (the pod's name), and writing Go's
 * {@code log} lines: {@code Server listening on port 8080}, then {@code Serving request: /path} per request.
 */
final class HelloApp {

  private HelloApp() {
  }

  static Future<Void> start(JvmContainer c, String tag) {
    String env = c.spec().env().get("PORT");
    String port = env == null || env.isEmpty() ? "8080" : env;
    if (!port.matches("\\d{1,5}") || Integer.parseInt(port) > 65535) {
      GoLog.print(c, "Server listening on port " + port);
      GoLog.print(c, "listen tcp: address " + port + ": invalid port");
      c.exit(1);
      return Future.succeededFuture();
    }
    String body = answer(version(tag), ImageServer.hostname(c));
    GoLog.print(c, "Server listening on port " + port);
    return ImageServer.serve(c, Integer.parseInt(port), req -> {
      GoLog.print(c, "Serving request: " + req.path());
      req.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(body);
    });
  }

  /** The version the image's tag is built as: {@code 2.0} is {@code 2.0.0}; 1.0.0 for any other tag. */
  static String version(String tag) {
    return tag != null && tag.matches("\\d+\\.\\d+") ? tag + ".0" : "1.0.0";
  }

  static String answer(String version, String hostname) {
    return "Hello, world!\nVersion: " + version + "\nHostname: " + hostname + "\n";
  }
}
