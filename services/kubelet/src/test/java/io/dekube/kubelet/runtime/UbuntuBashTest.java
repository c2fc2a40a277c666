package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kubectl debug node/NODE -it --image=ubuntu}: the image's CMD is bash, whose session is bash — its
 * {@code $0}, its words for a command it cannot find, and its line in {@code ps}.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class UbuntuBashTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  @Test
  void theSessionIsBash() throws Exception {
    ContainerSpec spec = new ContainerSpec("default", "node-debugger-kube-node-01-x", "u", "kube-node-01",
        "127.0.0.1", new ContainerBuilder().withName("debugger").withImage("ubuntu").build(), Map.of(),
        dir.resolve("c/0.log"), dir.resolve("root"), Map.of(), "id");
    JvmContainer c = new JvmContainer(vertx, spec, "ubuntu", TrafficPolicy.OPEN);
    ExecSession bash = c.exec(List.of("bash"), output);
    bash.stdin(Buffer.buffer("foo\necho $0\nps\n"));
    bash.closeStdin();
    bash.exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals("bash: foo: command not found\n", output.err.toString());
    List<String> lines = output.out.toString().lines().toList();
    assertEquals("bash", lines.get(0));
    assertTrue(lines.get(2).matches(" +1 \\? +00:00:00 bash"), lines.toString());
  }
}
