package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

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

/** The tar that {@code kubectl cp} runs to a pod fails as busybox's when its {@code -C} folder is not there. */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class KubectlCpTarTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private int extract(String folder) throws Exception {
    ContainerSpec spec = new ContainerSpec("d", "p", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("nginx").build(), Map.of(), dir.resolve("c/0.log"), dir,
        Map.of(), "id");
    output.clear();
    // kubectl cp a.txt POD:FOLDER/a.txt
    ExecSession tar = ShellSession.start(vertx, spec, List.of("tar", "-xmf", "-", "-C", folder), output, false);
    tar.stdin(Buffer.buffer(Tar.write(List.of(new Tar.Entry("a.txt", false, "a\n".getBytes())))));
    tar.closeStdin();
    return tar.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void aMissingFolderFailsTheCopyAndIsNotMade() throws Exception {
    assertEquals(1, extract("/nosuch/dir"));
    assertEquals("tar: can't change directory to '/nosuch/dir': No such file or directory\n", output.err.toString());
    assertEquals(1, extract("/etc/nginx/nginx.conf"));
    assertEquals("tar: can't change directory to '/etc/nginx/nginx.conf': Not a directory\n", output.err.toString());
    assertEquals(0, extract("/usr/share/nginx/html"), output.err.toString());
    assertFalse(ContainerFs.of(new ContainerSpec("d", "p", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("nginx").build(), Map.of(), dir.resolve("c/0.log"), dir,
        Map.of(), "id"), BuiltinShell.APPLETS).list("/").contains("nosuch"));
  }
}
