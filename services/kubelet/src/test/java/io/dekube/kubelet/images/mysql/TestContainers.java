package io.dekube.kubelet.images.mysql;

import io.dekube.kubelet.runtime.ContainerSpec;
import io.dekube.kubelet.runtime.JvmRuntime;
import io.dekube.kubelet.runtime.RunningContainer;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The containers a test starts in the jvm runtime, on a Vert.x of its own; {@link #close} stops them all. */
final class TestContainers implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final List<RunningContainer> started = new ArrayList<>();

  /** Starts the container of {@code spec}. */
  RunningContainer start(ContainerSpec spec) throws Exception {
    RunningContainer c = new JvmRuntime(vertx).start(spec).toCompletionStage().toCompletableFuture()
        .get(20, TimeUnit.SECONDS);
    started.add(c);
    return c;
  }

  @Override
  public void close() throws Exception {
    for (RunningContainer c : started) {
      if (!c.exited().isComplete()) {
        c.stop(Duration.ofSeconds(1)).toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
      }
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
