package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Debug Running Pods": {@code kubectl exec -it ephemeral-demo -- sh} in the {@code registry.k8s.io/pause:3.1} pod
 * fails, there being no shell in that image, in containerd's and runc's words; a busybox container runs it.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class ShellLessImageExecTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private JvmContainer container(String image) {
    ContainerSpec spec = new ContainerSpec("default", "ephemeral-demo", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("ephemeral-demo").withImage(image).build(), Map.of(), dir.resolve("c/0.log"),
        dir, Map.of(), "id");
    return new JvmContainer(vertx, spec, image, TrafficPolicy.OPEN);
  }

  private Throwable execFailure(JvmContainer c, String... argv) throws Exception {
    try {
      c.exec(List.of(argv), output).exitCode().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the exec started");
  }

  @Test
  void aShellIsNotFoundInThePauseImage() throws Exception {
    Throwable e = execFailure(container("registry.k8s.io/pause:3.1"), "sh");
    assertInstanceOf(ExecStartException.class, e);
    assertTrue(e.getMessage().matches("error executing command in container: failed to exec in container: failed "
        + "to start exec \"[0-9a-f]{64}\": OCI runtime exec failed: exec failed: unable to start container process: "
        + "exec: \"sh\": executable file not found in \\$PATH: unknown"), e.getMessage());
  }

  @Test
  void aPathIsStatted() throws Exception {
    Throwable e = execFailure(container("registry.k8s.io/pause:3.1"), "/bin/sh", "-c", "true");
    assertTrue(e.getMessage().endsWith("exec: \"/bin/sh\": stat /bin/sh: no such file or directory: unknown"),
        e.getMessage());
  }

  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"busybox:1.28", "dekube/pause"})
  void busyboxAndDekubesOwnPauseHaveTheShell(String image) throws Exception {
    int code = container(image).exec(List.of("sh", "-c", "exit 3"), output).exitCode().toCompletionStage()
        .toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(3, code);
  }
}
