package io.dekube.kubelet.runtime;

import io.dekube.kubelet.images.BuiltInImages;
import io.dekube.kubelet.images.Programs;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.UUID;

/**
 * The {@code jvm} runtime: built-in images ({@link BuiltInImages}) run as small Vert.x programs in
 * the kubelet's JVM, bound to the pod IP, each over its own root file system ({@link ContainerFs}: the image's
 * files, a writable layer made empty at each start, the volume mounts). An unknown image fails with
 * {@code ErrImagePull}.
 */
public final class JvmRuntime implements ContainerRuntime {

  private final Vertx vertx;
  private final TrafficPolicy traffic;

  public JvmRuntime(Vertx vertx) {
    this(vertx, TrafficPolicy.OPEN);
  }

  /** A runtime whose programs and built-in clients keep to {@code traffic} (the cluster's NetworkPolicies). */
  public JvmRuntime(Vertx vertx, TrafficPolicy traffic) {
    this.vertx = vertx;
    this.traffic = traffic;
  }

  @Override
  public String name() {
    return "jvm";
  }

  @Override
  public Future<Void> pull(String image) {
    return BuiltInImages.resolve(image).isPresent() ? Future.succeededFuture()
        : Future.failedFuture(new ContainerStartException("ErrImagePull", BuiltInImages.pullError(image)));
  }

  /**
   * containerd's image id of a built-in image: the repository with its registry and a digest of its normalized
   * reference ({@code docker.io/library/nginx@sha256:...}), so that {@code nginx} and
   * {@code docker.io/library/nginx:latest}, one image, have one id; null when the image is not built in.
   */
  public static String imageId(String image) {
    return BuiltInImages.resolve(image).map(r -> {
      String digest = UUID.nameUUIDFromBytes(ImageRef.normalized(image).getBytes(StandardCharsets.UTF_8))
          .toString().replace("-", "");
      return ImageRef.repository(image) + "@sha256:" + digest + digest;
    }).orElse(null);
  }

  @Override
  public Future<RunningContainer> start(ContainerSpec spec) {
    BuiltInImages.Resolved image = BuiltInImages.resolve(spec.image()).orElse(null);
    if (image == null) {
      return Future.failedFuture(new ContainerStartException("ErrImagePull", BuiltInImages.pullError(spec.image())));
    }
    JvmContainer c = new JvmContainer(vertx, spec, imageId(spec.image()), traffic);
    return vertx.executeBlocking(() -> {
      Path layer = NodeFiles.freshLayer(spec.rootDir());
      TerminationMessage.prepare(spec);
      return layer;
    }, false)
        .compose(layer -> Programs.start(image, c)).map(v -> (RunningContainer) c)
        .recover(e -> {
          c.exit(1);
          return Future.failedFuture(e instanceof ContainerStartException ? e
              : new ContainerStartException("RunContainerError", "cannot start " + spec.image() + ": "
                  + e.getMessage()));
        });
  }
}
