package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code apt-get} in the Debian-based images, as "Get a Shell to a Running Container" and "Communicate Between
 * Containers in the Same Pod Using a Shared Volume" run it before {@code ps aux} and {@code curl localhost}.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class AptGetTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  /** {@code sh -c SCRIPT} in a container of {@code image} as {@code uid}; its exit code. */
  private int sh(String image, long uid, String script) throws Exception {
    output.clear();
    ContainerSpec spec = new ContainerSpec("d", "shell-demo", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage(image).build(), Map.of("HOSTNAME", "shell-demo"),
        dir.resolve("pod/c/0.log"), dir.resolve("pod/c/root"), Map.of(), "id", null,
        new PodSpecBuilder().withSecurityContext(new PodSecurityContextBuilder().withRunAsUser(uid).build()).build());
    return ShellSession.start(vertx, spec, List.of("sh", "-c", script), output, false).exitCode()
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void installFindsNothingBeforeUpdateThenInstallsWhatTheShellHas() throws Exception {
    assertEquals(100, sh("nginx", 0, "apt-get install -y procps"));
    assertEquals("E: Unable to locate package procps\n", output.err.toString());
    assertEquals(0, sh("nginx", 0, "apt-get update && apt-get install -y curl procps && ps aux | head -1"),
        output.err.toString());
    String out = output.out.toString();
    assertTrue(out.startsWith("Get:1 http://deb.debian.org/debian bookworm InRelease"), out);
    assertTrue(out.contains("The following NEW packages will be installed:\n  curl procps\n"), out);
    assertTrue(out.contains("Setting up procps (2:4.0.2-3) ...\n"), out);
    assertTrue(out.endsWith("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"), out);
    assertEquals(0, sh("nginx", 0, "ps aux | sed -n 2,3p; ps -ef | head -1; ps | tail -1"));
    String[] ps = output.out.toString().split("\n");
    assertTrue(ps[0].matches("root {11}1  0\\.0  0\\.0      0     0 \\? {8}Ss   \\d\\d:\\d\\d   0:00 nginx: master process"
        + " nginx -g daemon off;"), ps[0]);
    assertTrue(ps[1].startsWith("nginx          7  0.0"), ps[1]);
    assertEquals("UID          PID    PPID  C STIME TTY          TIME CMD", ps[2]);
    assertTrue(ps[3].matches(" +\\d+ \\? +00:00:00 ps"), ps[3]);
    assertEquals(0, sh("nginx", 0, "apt-get install -y procps; ls /var/lib/apt/lists"));
    assertTrue(output.out.toString().contains("procps is already the newest version (2:4.0.2-3).\n"),
        output.out.toString());
    assertTrue(output.out.toString().contains("deb.debian.org_debian_dists_bookworm_InRelease"), output.out.toString());
  }

  @Test
  void aPackageWithoutBuiltInCommandsIsNotFoundAndSaysWhy() throws Exception {
    assertEquals(100, sh("debian", 0, "apt-get update >/dev/null && apt-get install -y tcpdump"));
    String err = output.err.toString();
    assertTrue(err.startsWith("E: Unable to locate package tcpdump\nN: dekube's jvm containers run"), err);
  }

  @Test
  void onlyRootMayAndBusyboxHasNone() throws Exception {
    assertEquals(100, sh("ubuntu", 1000, "apt-get update"));
    assertTrue(output.err.toString().contains("(13: Permission denied)"), output.err.toString());
    assertEquals(127, sh("busybox", 0, "apt-get update"));
    assertEquals("sh: apt-get: not found\n", output.err.toString());
    assertEquals(0, sh("ubuntu", 0, "apt update"));
    assertTrue(output.out.toString().startsWith("Get:1 http://archive.ubuntu.com/ubuntu noble InRelease"),
        output.out.toString());
    assertTrue(output.err.toString().contains("WARNING: apt does not have a stable CLI interface."),
        output.err.toString());
  }
}
