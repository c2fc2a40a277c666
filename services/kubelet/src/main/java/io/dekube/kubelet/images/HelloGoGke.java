package io.dekube.kubelet.images;

import io.dekube.kubelet.runtime.JvmContainer;
import io.vertx.core.Future;

/**
 * {@code gcr.io/google-samples/hello-go-gke:1.0}, the backend of "Connect a Frontend to a Backend Using Services": a Go
 * greeter on port 80 (the tutorial's containerPort {@code http}) answering every request with the JSON
 * {@code {"message":"Hello"}}, as Go's JSON encoder writes it (a newline after).
 */
final class HelloGoGke {

  static final int PORT = 80;
  static final String ANSWER = "{\"message\":\"Hello\"}\n";

  private HelloGoGke() {
  }

  static Future<Void> start(JvmContainer c) {
    return ImageServer.serve(c, PORT, req -> req.response().putHeader("Content-Type", "application/json")
        .end(ANSWER));
  }
}
