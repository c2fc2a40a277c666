package io.dekube.kubelet.runtime;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** A busybox container's shell for a test: its scripts run as {@code sh -c} with stdin closed, their output kept. */
final class BusyboxScripts implements AutoCloseable {

  final Vertx vertx = Vertx.vertx();
  final CapturedOutput out = new CapturedOutput();
  private final Path dir;

  /** A container whose files live under {@code dir}, with {@code /var/log} a volume of its own. */
  BusyboxScripts(Path dir) throws Exception {
    this.dir = dir;
    Files.createDirectories(dir.resolve("var/log"));
  }

  ContainerSpec spec() {
    return new ContainerSpec("d", "app", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), Map.of("HOSTNAME", "app"),
        dir.resolve("c/0.log"), dir, Map.of("/var/log", dir.resolve("var/log")), "id");
  }

  /** Starts {@code argv} as the container's command, its output to {@code to}. */
  ExecSession start(List<String> argv, ExecSession.Output to) {
    ExecSession s = ShellSession.start(vertx, spec(), argv, to, false);
    s.closeStdin();
    return s;
  }

  ExecSession sh(String script) {
    return start(List.of("sh", "-c", script), out);
  }

  int run(String script) throws Exception {
    return code(sh(script));
  }

  int run(List<String> argv) throws Exception {
    return code(start(argv, out));
  }

  static int code(ExecSession s) throws Exception {
    return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }
}
