package io.dekube.kubelet.runtime;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.time.Duration;
import java.util.List;

/**
 * The {@code simulated} runtime: no process, no socket, no file. A container is Running after a
 * configurable delay and runs until stopped, as kwok's nodes do; thousands fit in one JVM.
 */
public final class SimulatedRuntime implements ContainerRuntime {

  private final Vertx vertx;
  private final Duration delay;

  public SimulatedRuntime(Vertx vertx, Duration delay) {
    this.vertx = vertx;
    this.delay = delay;
  }

  @Override
  public String name() {
    return "simulated";
  }

  @Override
  public Future<RunningContainer> start(ContainerSpec spec) {
    Promise<RunningContainer> started = Promise.promise();
    RunningContainer c = new Simulated(spec);
    if (delay.isZero() || delay.isNegative()) {
      started.complete(c);
    } else {
      vertx.setTimer(delay.toMillis(), t -> started.complete(c));
    }
    return started.future();
  }

  private static final class Simulated implements RunningContainer {
    private final ContainerSpec spec;
    private final Promise<Integer> exited = Promise.promise();

    Simulated(ContainerSpec spec) {
      this.spec = spec;
    }

    @Override
    public String containerId() {
      return "simulated://" + spec.id();
    }

    @Override
    public String imageId() {
      return spec.image();
    }

    @Override
    public Future<Integer> exited() {
      return exited.future();
    }

    @Override
    public Future<Integer> stop(Duration grace) {
      exited.tryComplete(0);
      return exited.future();
    }

    @Override
    public ExecSession exec(List<String> command, ExecSession.Output output) {
      output.stderr(Buffer.buffer("simulated container: nothing runs here\n"));
      return ExecSession.finished(126);
    }
  }
}
