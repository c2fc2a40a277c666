package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.PodSecurityContextBuilder;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Symbolic links and the kernel's permission checks in a jvm container, as "Expose Pod Information to Containers
 * Through Files" ({@code ls -laR} of the {@code ..data} layout) and "Configure a Security Context" show them.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class LinksAndPermissionsTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  /** {@code sh -c SCRIPT} in a busybox:1.28 container as {@code uid} (fsGroup 2000), an emptyDir at /data/demo. */
  private int sh(long uid, String script, Map<String, Path> mounts, List<io.fabric8.kubernetes.api.model.Volume> volumes)
      throws Exception {
    output.clear();
    var sc = new PodSecurityContextBuilder().withRunAsUser(uid).withRunAsGroup(uid == 0 ? 0L : 3000L).withFsGroup(2000L)
        .build();
    var c = new ContainerBuilder().withName("c").withImage("busybox:1.28");
    mounts.keySet().forEach(m -> c.addNewVolumeMount().withName(m.substring(m.lastIndexOf('/') + 1)).withMountPath(m)
        .endVolumeMount());
    ContainerSpec spec = new ContainerSpec("d", "box", "u", "n", "127.0.0.1", c.build(), Map.of("HOSTNAME", "box"),
        dir.resolve("pod/c/0.log"), dir.resolve("pod/c/root"), mounts, "id", null,
        new PodSpecBuilder().withSecurityContext(sc).withVolumes(volumes).build());
    return ShellSession.start(vertx, spec, List.of("sh", "-c", script), output, false).exitCode()
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private Map<String, Path> demo() throws Exception {
    Path demo = Files.createDirectories(dir.resolve("volumes/demo"));
    Files.setAttribute(demo, "unix:gid", 2000);
    Files.setAttribute(demo, "unix:mode", 02777);
    return Map.of("/data/demo", demo);
  }

  @Test
  void aDownwardApiVolumeListsItsDataLinkTimestampedFolderAndFileLinks() throws Exception {
    Path podinfo = Files.createDirectories(dir.resolve("volumes/podinfo"));
    Files.setAttribute(podinfo, "unix:mode", 01777);
    Path stamp = Files.createDirectory(podinfo.resolve("..2024_06_02_21_47_53.299460680"));
    Files.writeString(stamp.resolve("labels"), "zone=\"us-est-coast\"");
    Files.createSymbolicLink(podinfo.resolve("..data"), Path.of(stamp.getFileName().toString()));
    Files.createSymbolicLink(podinfo.resolve("labels"), Path.of("..data/labels"));
    var volume = new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("podinfo").withNewDownwardAPI()
        .endDownwardAPI().build();
    assertEquals(0, sh(0, "cat /etc/podinfo/labels; echo; ls -laR /etc/podinfo; readlink /etc/podinfo/labels; "
        + "stat -L -c '%A %s' /etc/podinfo/labels; df /etc/podinfo | tail -1",
        Map.of("/etc/podinfo", podinfo), List.of(volume)), output.err.toString());
    String[] lines = output.out.toString().split("\n");
    assertEquals("zone=\"us-est-coast\"", lines[0]);
    assertEquals("/etc/podinfo:", lines[1]);
    assertTrue(lines[3].matches("drwxrwxrwt +3 root +root +100 .* \\."), lines[3]);
    assertTrue(lines[5].matches("drwxr-xr-x +2 root +root +60 .* \\.\\.2024_06_02_21_47_53\\.299460680"), lines[5]);
    assertTrue(lines[6].matches("lrwxrwxrwx +1 root +root +31 .* \\.\\.data -> \\.\\.2024_06_02_21_47_53\\.299460680"),
        lines[6]);
    assertTrue(lines[7].matches("lrwxrwxrwx +1 root +root +13 .* labels -> \\.\\.data/labels"), lines[7]);
    assertEquals("", lines[8]);
    assertEquals("/etc/podinfo/..2024_06_02_21_47_53.299460680:", lines[9]);
    assertEquals("total 4", lines[10]);
    assertTrue(lines[13].matches("-rw-r--r-- +1 root +root +19 .* labels"), lines[13]);
    assertEquals("..data/labels", lines[14]);
    assertEquals("-rw-r--r-- 19", lines[15]);
    assertTrue(lines[16].startsWith("tmpfs "), lines[16]);
  }

  @Test
  void lnMakesLinksThatLsShowsAndCatFollows() throws Exception {
    assertEquals(0, sh(0, "cd /data/demo; ln -s /etc/hostname h; ln -s h hh; cat hh; ls -l hh | sed 's/.* hh/hh/'; "
        + "readlink -f hh; ln -s /etc e; ls e/hostname; ls -ld e/ | cut -c1; test -h hh && echo link; "
        + "cp -r /data/demo /tmp/copy; readlink /tmp/copy/hh; rm hh; cat h", demo(), List.of()), output.err.toString());
    assertEquals("box\nhh -> h\n/etc/hostname\ne/hostname\nd\nlink\nh\nbox\n", output.out.toString());
    assertEquals(1, sh(0, "ln -s x /data/demo/h", demo(), List.of()));
    assertEquals("ln: /data/demo/h: File exists\n", output.err.toString());
  }

  /**
   * "Debugging Kubernetes Nodes With Kubectl": {@code kubectl debug node/...}'s pod mounts the hostPath {@code /} at
   * {@code /host}, the kubelet gives it the machine's root ({@code Volumes}), and the container reads it, never
   * writes it.
   */
  @Test
  void aHostPathVolumeIsTheMachinesFolderReadOnly() throws Exception {
    var volume = new io.fabric8.kubernetes.api.model.VolumeBuilder().withName("host").withNewHostPath().withPath("/")
        .withType("").endHostPath().build();
    Path root = io.dekube.kubelet.pod.Volumes.hostFolder(volume);
    assertEquals(Path.of("/"), root);
    String machine = String.join("|", Files.list(root).map(p -> p.getFileName().toString())
        .filter(n -> !n.startsWith(".")).sorted().toList()) + "|";
    assertEquals(0, sh(0, "ls -1 /host | tr '\\n' '|'; echo; cat /host/etc/passwd | head -1", Map.of("/host", root),
        List.of(volume)), output.err.toString());
    String[] lines = output.out.toString().split("\n");
    assertEquals(machine, lines[0]);
    assertEquals(Files.readAllLines(Path.of("/etc/passwd")).get(0), lines[1]);
    assertEquals(1, sh(0, "touch /host/tmp/dekube-host-write-" + ProcessHandle.current().pid(), Map.of("/host", root),
        List.of(volume)));
    assertTrue(output.err.toString().contains("Read-only file system"), output.err.toString());
  }

  /** {@code kubectl cp} both ways: tar keeps a symbolic link a link. */
  @Test
  void tarCarriesLinksBothWays() throws Exception {
    Map<String, Path> mounts = demo();
    assertEquals(0, sh(0, "cd /data/demo; echo hi > f; ln -s f l", mounts, List.of()), output.err.toString());
    ContainerSpec spec = new ContainerSpec("d", "box", "u", "n", "127.0.0.1", new ContainerBuilder().withName("c")
        .withImage("busybox:1.28").build(), Map.of(), dir.resolve("pod/c/0.log"), dir.resolve("pod/c/root"), mounts, "id");
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    ExecSession.Output binary = new ExecSession.Output() {
      @Override
      public void stdout(io.vertx.core.buffer.Buffer data) {
        bytes.writeBytes(data.getBytes());
      }

      @Override
      public void stderr(io.vertx.core.buffer.Buffer data) {
        output.err.append(data);
      }
    };
    assertEquals(0, ShellSession.start(vertx, spec, List.of("tar", "cf", "-", "data/demo/l"), binary, false)
        .exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    Tar.Entry link = Tar.read(bytes.toByteArray()).get(0);
    assertEquals("f", link.link());
    ExecSession in = ShellSession.start(vertx, spec, List.of("tar", "-xmf", "-", "-C", "/tmp"), output, false);
    in.stdin(io.vertx.core.buffer.Buffer.buffer(Tar.write(List.of(new Tar.Entry("ln", false, new byte[0], "/etc/hostname")))));
    in.closeStdin();
    assertEquals(0, in.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS));
    assertEquals(0, sh(0, "readlink /tmp/ln", mounts, List.of()), output.err.toString());
    assertEquals("/etc/hostname\n", output.out.toString());
  }

  @Test
  void aUserOtherThanRootMayWriteOnlyWhereTheModesLetIt() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "owners need a root kubelet");
    assertEquals(1, sh(1000, "echo hello > /data/demo/testfile && ls -l /data/demo | tail -1 && echo x > /etc/x",
        demo(), List.of()));
    assertTrue(output.out.toString().matches("-rw-r--r-- +1 1000 +2000 +6 .* testfile\n"), output.out.toString());
    assertEquals("sh: can't create /etc/x: Permission denied\n", output.err.toString());
    assertEquals(1, sh(1000, "mkdir /x", demo(), List.of()));
    assertEquals("mkdir: can't create directory '/x': Permission denied\n", output.err.toString());
    assertEquals(1, sh(1000, "rm /etc/passwd", demo(), List.of()));
    assertEquals("rm: can't remove '/etc/passwd': Permission denied\n", output.err.toString());
    assertEquals(0, sh(1000, "touch /tmp/a && echo more >> /tmp/a && test -w /etc/passwd || echo no-write",
        demo(), List.of()), output.err.toString());
    assertEquals("no-write\n", output.out.toString());
  }

  @Test
  void chmodAndChownChangeModesAndOwnersAsTheKernelAllows() throws Exception {
    Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "owners need a root kubelet");
    assertEquals(0, sh(1000, "cd /data/demo; echo s > secret; chmod 600 secret; chmod g+w,o-r secret; "
        + "stat -c '%a %U %G' secret", demo(), List.of()), output.err.toString());
    assertEquals("620 1000 2000\n", output.out.toString());
    assertEquals(1, sh(1000, "chown 0 /data/demo/secret", demo(), List.of()));
    assertEquals("chown: /data/demo/secret: Operation not permitted\n", output.err.toString());
    assertEquals(1, sh(1000, "chmod 777 /etc/passwd", demo(), List.of()));
    assertEquals("chmod: /etc/passwd: Operation not permitted\n", output.err.toString());
    assertEquals(0, sh(0, "chown 1001:4000 /data/demo/secret; chmod 600 /data/demo/secret; ls -l /data/demo/secret",
        demo(), List.of()), output.err.toString());
    assertTrue(output.out.toString().matches("-rw------- +1 1001 +4000 .*\n"), output.out.toString());
    assertEquals(1, sh(1000, "cat /data/demo/secret", demo(), List.of()));
    assertEquals("cat: can't open '/data/demo/secret': Permission denied\n", output.err.toString());
    assertEquals(0, sh(0, "cat /data/demo/secret; chmod 644 /etc/passwd; ls -l /etc/passwd | cut -c1-10",
        demo(), List.of()), output.err.toString());
    assertEquals("s\n-rw-r--r--\n", output.out.toString());
  }
}
