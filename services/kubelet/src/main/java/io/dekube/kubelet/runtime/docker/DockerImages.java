package io.dekube.kubelet.runtime.docker;

import io.dekube.kubelet.runtime.ContainerStartException;
import io.dekube.kubelet.runtime.RuntimeImage;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's images: whether one is there ({@code GET /images/<ref>/json}), its pull ({@code POST /images/create}:
 * a stream of JSON progress lines, a failure being one with {@code error}), its id as containerd names it (the
 * repository digest when the image came from a registry, else {@code sha256:<id>}). A failed pull is
 * {@code ErrImagePull} with the engine's words, as dockershim reported it.
 */
final class DockerImages {

  private final DockerClient client;

  DockerImages(DockerClient client) {
    this.client = client;
  }

  /** The image's inspection, or null when the engine has no such image. */
  Future<JsonObject> inspect(String image) {
    return client.get("/images/" + enc(image) + "/json").recover(e -> e instanceof DockerClient.EngineException x
        && x.status() == 404 ? Future.succeededFuture(null) : Future.failedFuture(e));
  }

  /** Whether the engine has the image. */
  Future<Boolean> present(String image) {
    return inspect(image).map(i -> i != null);
  }

  /** The id kube shows as {@code imageID}: the first repository digest, else the image's own id. */
  static String imageId(JsonObject inspected) {
    JsonArray digests = inspected.getJsonArray("RepoDigests");
    if (digests != null && !digests.isEmpty()) {
      return digests.getString(0);
    }
    return inspected.getString("Id", "");
  }

  /** The image's size as the engine gives it ({@code Size} of its inspection; cri-dockerd's ImageStatus size). */
  Future<Long> size(String image) {
    return inspect(image).map(i -> i == null ? 0L : i.getLong("Size", 0L));
  }

  /**
   * The engine's images ({@code GET /images/json}), as cri-dockerd's {@code ListImages} gives them: id, repository
   * digests then tags (the engine's {@code <none>} placeholders left out), size.
   */
  Future<List<RuntimeImage>> list() {
    return client.list("/images/json").map(all -> all.stream().map(JsonObject.class::cast).map(DockerImages::listed)
        .toList());
  }

  /** One image of the engine's list. */
  static RuntimeImage listed(JsonObject i) {
    List<String> names = new ArrayList<>();
    for (String field : List.of("RepoDigests", "RepoTags")) {
      JsonArray refs = i.getJsonArray(field); // null or absent when it has none (podman: "RepoTags": null)
      (refs == null ? new JsonArray() : refs).stream().map(String::valueOf).filter(r -> !r.startsWith("<none>"))
          .forEach(names::add);
    }
    return new RuntimeImage(i.getString("Id", ""), names, i.getLong("Size", 0L));
  }

  /** Pulls the image; fails with {@code ErrImagePull} and the engine's message. */
  Future<Void> pull(String image) {
    String[] ref = split(image);
    String path = "/images/create?fromImage=" + enc(ref[0]) + (ref[1].isEmpty() ? "" : "&tag=" + enc(ref[1]));
    return client.postRaw(path, Buffer.buffer(), "text/plain")
        .compose(DockerImages::streamError)
        .recover(e -> Future.failedFuture(e instanceof ContainerStartException ? e : failed(image, e.getMessage())));
  }

  private static Future<Void> streamError(Buffer progress) {
    for (String line : progress.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      try {
        JsonObject o = new JsonObject(line);
        if (o.getString("error") != null) {
          return Future.failedFuture(new IllegalStateException(o.getString("error")));
        }
      } catch (RuntimeException e) {
        // not a progress line
      }
    }
    return Future.succeededFuture();
  }

  /** dockershim's pull failure: the engine's answer under a gRPC "Unknown" code. */
  static ContainerStartException failed(String image, String engineMessage) {
    return new ContainerStartException("ErrImagePull", "Failed to pull image \"" + image
        + "\": rpc error: code = Unknown desc = Error response from daemon: " + engineMessage);
  }

  /** {@code repo[:tag]} or {@code repo@digest} as fromImage and tag ({@code latest} when none). */
  static String[] split(String image) {
    if (image.contains("@")) {
      return new String[] {image, ""};
    }
    int slash = image.lastIndexOf('/');
    int colon = image.lastIndexOf(':');
    if (colon > slash) {
      return new String[] {image.substring(0, colon), image.substring(colon + 1)};
    }
    return new String[] {image, "latest"};
  }

  static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("%2F", "/").replace("%3A", ":").replace("%40", "@");
  }
}
