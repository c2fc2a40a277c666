package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.buffer.Buffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BuiltinShellTest {

  @TempDir
  Path dir;

  private final StringBuilder out = new StringBuilder();
  private final StringBuilder err = new StringBuilder();

  private int run(String... argv) throws Exception {
    Files.writeString(dir.resolve("color"), "blue\n");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", "web");
    env.put("GREETING", "hi");
    ContainerSpec spec = new ContainerSpec("d", "web", "u", "n", "127.244.1.2",
        new ContainerBuilder().withName("c").withImage("dekube/web").build(), env, dir.resolve("log"), dir,
        Map.of("/etc/config", dir), "id");
    return BuiltinShell.run(spec, List.of(argv), new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        out.append(data);
      }

      @Override
      public void stderr(Buffer data) {
        err.append(data);
      }
    }).exitCode().result();
  }

  @Test
  void envListsTheContainersEnvironment() throws Exception {
    assertEquals(0, run("env"));
    assertEquals("HOSTNAME=web\nGREETING=hi\n", out.toString());
  }

  @Test
  void shDashCRunsBuiltInsWithVariablesAndExitCodes() throws Exception {
    assertEquals(3, run("sh", "-c", "echo $GREETING ${HOSTNAME}; cat /etc/config/color && exit 3"));
    assertEquals("hi web\nblue\n", out.toString());
  }

  @Test
  void unknownCommandsAndFilesFail() throws Exception {
    assertEquals(127, run("nginx"));
    assertEquals(1, run("cat", "/etc/config/missing"));
    assertEquals("cat: /etc/config/missing: No such file or directory\n", err.toString().lines().skip(1)
        .findFirst().orElse("") + "\n");
  }

  @Test
  void redirectionWritesIntoAWritableMountOnly() throws Exception {
    assertEquals(0, run("sh", "-c", "echo one > /etc/config/data/file; echo two >>/etc/config/data/file; "
        + "cat /etc/config/data/file"));
    assertEquals("one\ntwo\n", out.toString());
    assertEquals("one\ntwo\n", Files.readString(dir.resolve("data/file")));
    assertEquals(1, run("sh", "-c", "echo x > /usr/bin/evil"));
    assertEquals("sh: can't create /usr/bin/evil: Read-only file system\n", err.toString());
  }
}
