package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;

/**
 * {@code gcr.io/google-samples/node-hello:1.0}, the app of "Exposing an External IP Address to Access an Application
 * in a Cluster": a Node.js server on 8080 answering every request with {@code Hello Kubernetes!} (no newline) and
 * logging {@code Received request for URL: /path} for each.
 */
final class NodeHello {

  static final int PORT = 8080;
  static final String ANSWER = "Hello Kubernetes!";

  private NodeHello() {
  }

  static Future<Void> start(JvmContainer c) {
    c.noSigtermHandler(); // node as PID 1 without a SIGTERM handler: killed at the grace period's end (137)
    return ImageServer.serve(c, PORT, req -> {
      c.log().line("Received request for URL: " + req.uri());
      req.response().setChunked(true).end(ANSWER);
    });
  }
}
