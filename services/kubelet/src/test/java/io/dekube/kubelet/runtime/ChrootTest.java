package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.SecurityContextBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Debug Running Pods"' {@code chroot /host} in {@code kubectl debug node/...}'s pod, whose {@code /host} is the
 * node's root: the command sees that folder as {@code /}, links' absolute targets and {@code ..} stay under it.
 */
class ChrootTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx() throws Exception {
    vertx = Vertx.vertx();
    Path node = Files.createDirectories(dir.resolve("node"));
    Files.createDirectories(node.resolve("etc"));
    Files.writeString(node.resolve("etc/os-release"), "NAME=\"Ubuntu\"\n");
    Files.createDirectories(node.resolve("usr/lib"));
    Files.writeString(node.resolve("usr/lib/os-release"), "NAME=\"the node\"\n");
    Files.createSymbolicLink(node.resolve("etc/lsb"), Path.of("/usr/lib/os-release"));
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private int run(Long user, String script) throws Exception {
    ContainerSpec spec = new ContainerSpec("default", "node-debugger-kube-node-01-abcde", "u", "kube-node-01",
        "127.0.0.1", new ContainerBuilder().withName("debugger").withImage("ubuntu")
        .withSecurityContext(user == null ? null : new SecurityContextBuilder().withRunAsUser(user).build()).build(),
        Map.of(), dir.resolve("c/0.log"), dir.resolve("root"), Map.of(), "id")
        .withMounts(Map.of("/host", dir.resolve("node")));
    JvmContainer c = new JvmContainer(vertx, spec, "ubuntu", TrafficPolicy.OPEN);
    output.clear();
    return c.exec(List.of("sh", "-c", script), output).exitCode().toCompletionStage().toCompletableFuture()
        .get(10, TimeUnit.SECONDS);
  }

  @Test
  void theCommandSeesTheNewRoot() throws Exception {
    assertEquals(0, run(null, "chroot /host cat /etc/os-release; chroot /host ls /; chroot /host ls /../.."));
    assertEquals("NAME=\"Ubuntu\"\netc\nusr\netc\nusr\n", output.out.toString());
  }

  @Test
  void aLinksAbsoluteTargetStartsAtTheNewRoot() throws Exception {
    assertEquals(0, run(null, "chroot /host cat /etc/lsb; chroot /host readlink -f /etc/lsb"));
    assertEquals("NAME=\"the node\"\n/usr/lib/os-release\n", output.out.toString());
  }

  @Test
  void theRootIsGivenBackWhenTheCommandEnds() throws Exception {
    assertEquals(0, run(null, "chroot /host true; grep -c Ubuntu /etc/os-release || echo another root"));
    assertEquals("0\nanother root\n", output.out.toString());
  }

  @Test
  void failuresInCoreutilsWords() throws Exception {
    assertEquals(125, run(null, "chroot /nowhere"));
    assertEquals("chroot: cannot change root directory to '/nowhere': No such file or directory\n",
        output.err.toString());
    assertEquals(125, run(1000L, "chroot /host"));
    assertEquals("chroot: cannot change root directory to '/host': Operation not permitted\n", output.err.toString());
  }
}
