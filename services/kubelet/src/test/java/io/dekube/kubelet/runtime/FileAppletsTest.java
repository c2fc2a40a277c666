package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The busybox applets that scripts, kubectl cp and debugging use on a jvm container's own file system. */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class FileAppletsTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();
  private final StringBuffer out = output.out;
  private final StringBuffer err = output.err;

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  /** {@code sh -c SCRIPT} in a busybox container with an emptyDir at /data; its exit code. */
  private int sh(String script) throws Exception {
    output.clear();
    Files.createDirectories(dir.resolve("data"));
    ContainerSpec spec = new ContainerSpec("d", "box", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), Map.of("HOSTNAME", "box"),
        dir.resolve("pod/c/0.log"), dir.resolve("pod/c/root"), Map.of("/data", dir.resolve("data")), "id");
    return ShellSession.start(vertx, spec, List.of("sh", "-c", script), output, false).exitCode()
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  @Test
  void lsShowsASmallLinuxImageAndBinListsTheApplets() throws Exception {
    assertEquals(0, sh("ls /"), err.toString());
    assertTrue(out.toString().startsWith("bin\ndata\ndev\netc\nhome\n"), out.toString());
    assertTrue(out.toString().contains("\nproc\nroot\n") && out.toString().contains("\ntmp\nusr\nvar\n"), out.toString());
    assertEquals(0, sh("ls /bin"));
    assertTrue(out.toString().contains("\ntouch\n") && out.toString().contains("\ndf\n"), out.toString());
  }

  @Test
  void touchMkdirEchoCatRmWorkAnywhereNotReadOnly() throws Exception {
    assertEquals(0, sh("mkdir -p /data/a/b && echo hi > /data/a/f && cat /data/a/f"), err.toString());
    assertEquals("hi\n", out.toString());
    assertEquals("hi\n", Files.readString(dir.resolve("data/a/f")));
    assertEquals(0, sh("touch /x /tmp/y && ls /tmp && test -f /x && echo $?"), err.toString());
    assertEquals("y\n0\n", out.toString());
    assertTrue(Files.exists(dir.resolve("pod/c/root/x")));
    assertEquals(0, sh("rm -rf /data/a /x /tmp/nothing && ls /data && test -e /x || echo gone"), err.toString());
    assertEquals("gone\n", out.toString());
    assertEquals(1, sh("mkdir /tmp"));
    assertEquals("mkdir: can't create directory '/tmp': File exists\n", err.toString());
    assertEquals(1, sh("rm /nope"));
    assertEquals("rm: can't remove '/nope': No such file or directory\n", err.toString());
    assertEquals(1, sh("rm /etc"));
    assertEquals("rm: '/etc' is a directory\n", err.toString());
    assertEquals(1, sh("rmdir /etc"));
    assertEquals("rmdir: '/etc': Directory not empty\n", err.toString());
  }

  /** "Configure a Security Context": an emptyDir of a pod with fsGroup 2000, written by runAsUser 1000, runAsGroup 3000. */
  @Test
  void lsShowsTheOwnersTheSecurityContextGives() throws Exception {
    org.junit.jupiter.api.Assumptions.assumeTrue("root".equals(System.getProperty("user.name")), "chown needs root");
    var sc = new io.fabric8.kubernetes.api.model.PodSecurityContextBuilder().withRunAsUser(1000L).withRunAsGroup(3000L)
        .withFsGroup(2000L).withSupplementalGroups(4000L).build();
    Path demo = Files.createDirectories(dir.resolve("volumes/sec-ctx-vol"));
    io.dekube.kubelet.pod.Volumes.emptyDirMode(demo, sc);
    ContainerSpec spec = new ContainerSpec("d", "box", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox:1.28").build(), Map.of("HOSTNAME", "box"),
        dir.resolve("pod/c/0.log"), dir.resolve("pod/c/root"), Map.of("/data/demo", demo), "id", null,
        new io.fabric8.kubernetes.api.model.PodSpecBuilder().withSecurityContext(sc).build());
    int code = ShellSession.start(vertx, spec, List.of("sh", "-c", "cd /data; ls -l; cd demo; echo hello > testfile; "
            + "mkdir sub; ls -l; stat -c '%a %A %U %G' /tmp; ls -ld /etc"), output, false).exitCode()
        .toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(0, code, err.toString());
    String[] lines = out.toString().split("\n");
    assertTrue(lines[1].matches("drwxrwsrwx +2 root +2000 +4096 .* demo"), out.toString());
    assertTrue(lines[3].matches("drwxr-sr-x +2 1000 +2000 +4096 .* sub"), out.toString());
    assertTrue(lines[4].matches("-rw-r--r-- +1 1000 +2000 +6 .* testfile"), out.toString());
    assertEquals("1777 drwxrwxrwt root root", lines[5]);
    assertTrue(lines[6].matches("drwxr-xr-x +2 root +root +4096 .* /etc"), out.toString());
  }

  @Test
  void cpAndMvCopyFilesAndFolders() throws Exception {
    assertEquals(0, sh("mkdir -p /src/sub && echo one > /src/sub/f && cp -r /src /tmp && cp /src/sub/f /tmp/g "
        + "&& mv /tmp/g /root/ && cat /tmp/src/sub/f /root/g && ls /tmp"), err.toString());
    assertEquals("one\none\nsrc\n", out.toString());
    assertEquals(1, sh("cp /src /tmp/x"));
    assertEquals("cp: omitting directory '/src'\n", err.toString());
    assertEquals(0, sh("mv /src /data/moved && ls /data/moved/sub && test -e /src || echo moved"), err.toString());
    assertEquals("f\nmoved\n", out.toString());
    assertEquals(1, sh("mv /nope /tmp"));
    assertEquals("mv: can't rename '/nope': No such file or directory\n", err.toString());
  }

  @Test
  void headTailWcGrepReadFilesAndStatChmodFindDescribeThem() throws Exception {
    assertEquals(0, sh("echo a > /tmp/t; echo b >> /tmp/t; echo c >> /tmp/t; head -n 1 /tmp/t; tail -2 /tmp/t; "
        + "wc -l /tmp/t; grep b /tmp/t; chmod 755 /tmp/t; stat -c '%n %s %F' /tmp/t"), err.toString());
    assertEquals("a\nb\nc\n3 /tmp/t\nb\n/tmp/t 6 regular file\n", out.toString());
    assertEquals(0, sh("mkdir -p /tmp/d/e && touch /tmp/d/e/x.txt /tmp/d/y && cd /tmp && find d -name '*.txt'; "
        + "find /tmp/d -type d; pwd"), err.toString());
    assertEquals("d/e/x.txt\n/tmp/d\n/tmp/d/e\n/tmp\n", out.toString());
    assertEquals(0, sh("dirname /tmp/d/y; dirname y; basename /tmp/d/y.txt .txt; [ ! -d /tmp/d/y ] && echo not-a-dir"),
        err.toString());
    assertEquals("/tmp/d\n.\ny\nnot-a-dir\n", out.toString());
    assertEquals(1, sh("chmod 644 /nope"));
    assertEquals("chmod: /nope: No such file or directory\n", err.toString());
    assertEquals(1, sh("head /nope"));
    assertEquals("head: can't open '/nope': No such file or directory\n", err.toString());
  }

  @Test
  void redirectionsRouteStdinStdoutAndStderr() throws Exception {
    assertEquals(1, sh("ls /nope 2>/dev/null"));
    assertEquals("", err.toString());
    assertEquals(0, sh("echo a > /tmp/in; wc -l < /tmp/in; echo oops >&2; ls /nope 2>&1 | grep -c 'No such'; "
        + "echo gone > /dev/null; echo '<b>a > b</b>' > '/tmp/my file'; cat < '/tmp/my file'"), err.toString());
    assertEquals("1\n1\n<b>a > b</b>\n", out.toString());
    assertEquals("oops\n", err.toString());
    assertEquals(2, sh("echo >"));
    assertEquals("sh: syntax error: unexpected newline\n", err.toString());
  }

  @Test
  void dfAndDuReportTheLayerAndTheMounts() throws Exception {
    assertEquals(0, sh("df"), err.toString());
    List<String> rows = out.toString().lines().toList();
    assertTrue(rows.get(0).startsWith("Filesystem           1K-blocks      Used Available Use% Mounted on"), rows.get(0));
    assertTrue(rows.get(1).startsWith("overlay ") && rows.get(1).endsWith("% /"), rows.get(1));
    assertTrue(rows.get(2).endsWith("% /data"), rows.get(2));
    assertEquals(0, sh("mkdir /tmp/u && echo hello > /tmp/u/f && du /tmp/u && du -s /tmp"), err.toString());
    assertEquals("8\t/tmp/u\n12\t/tmp\n", out.toString());
  }

  @Test
  void aReadOnlyRootFileSystemRefusesWritesOutsideTheMounts() throws Exception {
    ContainerSpec spec = new ContainerSpec("d", "box", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").withNewSecurityContext()
            .withReadOnlyRootFilesystem(true).endSecurityContext().build(), Map.of(),
        dir.resolve("pod/c/0.log"), dir.resolve("pod/c/root"), Map.of("/data", dir.resolve("data")), "id");
    Files.createDirectories(dir.resolve("data"));
    int code = ShellSession.start(vertx, spec, List.of("sh", "-c", "touch /data/ok; touch /tmp/f; mkdir /x; "
        + "echo x > /y"), output, false).exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    assertEquals(1, code);
    assertEquals("touch: /tmp/f: Read-only file system\nmkdir: can't create directory '/x': Read-only file system\n"
        + "sh: can't create /y: Read-only file system\n", err.toString());
    assertTrue(Files.exists(dir.resolve("data/ok")));
  }

  @Test
  void trCutSedAndAwkWorkInPipelinesAndOnFiles() throws Exception {
    assertEquals(0, sh("echo hello world | tr a-z A-Z"), err.toString());
    assertEquals("HELLO WORLD\n", out.toString());
    assertEquals(0, sh("printf 'a:1\\nb:2\\n' > /data/kv && cut -d: -f2 /data/kv | sed -n '$p'"), err.toString());
    assertEquals("2\n", out.toString());
    assertEquals(0, sh("echo 'listen 80;' > /data/conf && sed -i 's/80/8080/' /data/conf && cat /data/conf"),
        err.toString());
    assertEquals("listen 8080;\n", out.toString(), "sed -i writes the file back and prints nothing");
    assertEquals("listen 8080;\n", Files.readString(dir.resolve("data/conf")));
    assertEquals(0, sh("awk -F: '$3 == 0 {print $1}' /etc/passwd; echo 3 4 | awk '{print $1 * $2}'"), err.toString());
    assertEquals("root\n12\n", out.toString());
    assertEquals(0, sh("awk 'BEGIN { print 1 + 1 }'; yes | awk 'NR == 3 { print NR; exit }'"), err.toString());
    assertEquals("2\n3\n", out.toString(), "awk reads a pipe as it flows and stops reading at exit");
    assertEquals(0, sh("yes | sed -n '2{s/y/second/p;q}'"), err.toString());
    assertEquals("second\n", out.toString(), "sed edits a pipe as it flows and q stops reading it");
    assertEquals(1, sh("sed -n 's/a/b/' /data/missing"));
    assertEquals("sed: can't open '/data/missing': No such file or directory\n", err.toString());
  }

  @Test
  void awkReadsFilesAndCommandsWithGetline() throws Exception {
    assertEquals(0, sh("awk 'BEGIN { while ((getline line < \"/etc/passwd\") > 0) if (line ~ /^root:/) print line }'"),
        err.toString());
    assertEquals("root:x:0:0:root:/root:/bin/sh\n", out.toString());
    assertEquals(0, sh("awk 'BEGIN { \"echo $HOSTNAME; date +%Y\" | getline h; \"echo $HOSTNAME; date +%Y\" | getline y; "
        + "print h, length(y), NR }'"), err.toString());
    assertEquals("box 4 2\n", out.toString(), "the command runs through the container's shell, once");
    assertEquals(0, sh("set -- a b; x=1; export y=2; awk 'BEGIN { system(\"echo [$x$y]; set -- c\") }'; echo \"$1 $#\""),
        err.toString());
    assertEquals("[2]\na 2\n", out.toString(), "as a new sh: the environment only, the script's $@ untouched");
    assertEquals(0, sh("printf 'b 2\\na 1\\n' | awk '{ print $2 > \"/data/nums\"; print $1 | \"sort\" } "
        + "END { close(\"sort\"); print \"done\" }'; cat /data/nums"), err.toString());
    assertEquals("a\nb\ndone\n2\n1\n", out.toString(), "print > file, print | command");
    assertEquals(0, sh("printf 'a 1\\nb 2\\n' > /data/m; echo b a | tr ' ' '\\n' > /data/k; "
        + "awk 'NR == FNR { v[$1] = $2; next } { print $1, v[$1] }' /data/m /data/k"), err.toString());
    assertEquals("b 2\na 1\n", out.toString(), "NR == FNR: the first file's records");
    assertEquals(0, sh("echo x | awk '{ system(\"echo sys\"); print; n = split(\"\", a) }'"), err.toString());
    assertEquals("sys\nx\n", out.toString(), "system() prints in order");
  }
}
