package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class BuiltinShellTest {

  @TempDir
  Path dir;

  private Vertx vertx;
  private final StringBuffer out = new StringBuffer();
  private final StringBuffer err = new StringBuffer();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private ContainerSpec spec() throws Exception {
    return spec(new ContainerBuilder().withName("c").withImage("busybox").build());
  }

  private ContainerSpec spec(io.fabric8.kubernetes.api.model.Container container) throws Exception {
    Files.writeString(dir.resolve("color"), "blue\n");
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", "web");
    env.put("GREETING", "hi");
    env.put("DEKUBE_DNS_SERVER", "127.96.0.10");
    env.put("DEKUBE_DNS_SEARCH", "d.svc.cluster.local svc.cluster.local cluster.local");
    // a pod of its own for each test: the PIDs its processes take count on from its first
    return new ContainerSpec("d", "web", java.util.UUID.randomUUID().toString(), "n", "127.0.0.1",
        container, env, dir.resolve("c/0.log"), dir,
        Map.of("/etc/config", dir), "id");
  }

  /** {@code spec} in a pod of {@code pod}'s spec. */
  private static ContainerSpec inPod(ContainerSpec spec, io.fabric8.kubernetes.api.model.PodSpec pod) {
    return new ContainerSpec(spec.namespace(), spec.podName(), spec.podUid(), spec.nodeName(), spec.podIp(),
        spec.container(), spec.env(), spec.logFile(), spec.workDir(), spec.mounts(), spec.id(), null, pod);
  }

  private final ExecSession.Output output = new ExecSession.Output() {
    @Override
    public void stdout(Buffer data) {
      out.append(data);
    }

    @Override
    public void stderr(Buffer data) {
      err.append(data);
    }
  };

  private ExecSession start(boolean tty, String... argv) throws Exception {
    return ShellSession.start(vertx, spec(), List.of(argv), output, tty);
  }

  private static int code(ExecSession s) throws Exception {
    return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private int run(String... argv) throws Exception {
    return code(start(false, argv));
  }

  @Test
  void envListsTheContainersEnvironment() throws Exception {
    assertEquals(0, run("printenv", "GREETING"));
    assertEquals("hi\n", out.toString());
    out.setLength(0);
    assertEquals(0, run("env"));
    assertEquals("HOSTNAME=web\nGREETING=hi\nHOME=/root\n", out.toString(),
        "the runtime's DEKUBE_DNS_* are not the pod's; HOME is the runtime's");
    out.setLength(0);
    var nginx = spec(new ContainerBuilder().withName("nginx").withImage("nginx:1.14.2").build());
    assertEquals(0, code(ShellSession.start(vertx, nginx, List.of("env"), output, false)));
    assertTrue(out.toString().contains("\nNGINX_VERSION=1.14.2\nNJS_VERSION=0.8.7\n"), out.toString());
    out.setLength(0);
    assertEquals(0, run("sh", "-c", "echo \"[$DEKUBE_DNS_SERVER]\"; nslookup -type=a x 2>&1 | head -1"));
    assertTrue(out.toString().startsWith("[]\nServer:\t\t127.96.0.10"), out.toString());
  }

  @Test
  void shDashCRunsBuiltInsWithVariablesAndExitCodes() throws Exception {
    assertEquals(3, run("sh", "-c", "echo $GREETING ${HOSTNAME}; cat /etc/config/color && false || echo $?; exit 3;"
        + " echo never"));
    assertEquals("hi web\nblue\n1\n", out.toString());
  }

  /** "Get a Shell to a Running Container": {@code kubectl exec shell-demo -- /bin/bash -c ...} names the shell by path. */
  @Test
  void aShellNamedByItsPathRunsAsItsName() throws Exception {
    assertEquals(0, run("/bin/bash", "-c", "echo $GREETING; /bin/sh -c 'echo $HOSTNAME'; /usr/bin/bash -c 'echo x'"),
        err.toString());
    assertEquals("hi\nweb\nx\n", out.toString());
  }

  /** busybox's grep -c/-n, sort -n, uniq -c and wc -c with a file: flags there, not options taking a value. */
  @Test
  void countingAndNumberingFlagsReadTheFileNamed() throws Exception {
    assertEquals(0, run("sh", "-c", "printf '3\\n10\\n3\\nx\\n' > /tmp/n; grep -c 3 /tmp/n; grep -n x /tmp/n;"
        + " sort -n /tmp/n | tr '\\n' ' '; echo; sort /tmp/n | uniq -c | head -1; wc -c /tmp/n"), err.toString());
    assertEquals("2\n4:x\nx 3 3 10 \n      1 10\n9 /tmp/n\n", out.toString());
  }

  /** /dev's devices: the shell's redirections to stdout and stderr, null, the endless ones, full. */
  @Test
  void devHoldsTheDevicesAContainerHas() throws Exception {
    assertEquals(0, run("sh", "-c", "ls /dev | tr '\\n' ' '; echo; echo a > /dev/stdout; echo b > /dev/stderr;"
        + " cat /dev/null; echo rc=$?; tr -dc A-Za-z0-9 < /dev/urandom | head -c 13 | wc -c; head -c 4 /dev/zero | wc -c;"
        + " ls -l /dev/null | cut -c1-10; ls -l /dev/stdout | sed 's/.* -> //'"), err.toString());
    assertEquals("core fd full mqueue null ptmx pts random shm stderr stdin stdout tty urandom zero \na\nrc=0\n13\n4\n"
        + "crw-rw-rw-\n/proc/self/fd/1\n", out.toString());
    assertEquals("b\n", err.toString());
    err.setLength(0);
    assertEquals(1, run("sh", "-c", "echo x > /dev/full"));
    assertEquals("sh: can't create /dev/full: No space left on device\n", err.toString());
  }

  /**
   * "Use a User Namespace With a Pod": with {@code hostUsers: false} the pod's processes are in a user namespace of
   * their own, 0..65535 mapped onto a block of the host's IDs; without it they show the node's.
   */
  @Test
  void aPodWithoutHostUsersHasAUserNamespaceOfItsOwn() throws Exception {
    var shell = new ContainerBuilder().withName("shell").withImage("debian").build();
    String script = "readlink /proc/self/ns/user; cat /proc/self/uid_map /proc/self/gid_map";
    var own = new io.fabric8.kubernetes.api.model.PodSpecBuilder().withHostUsers(false).addToContainers(shell).build();
    assertEquals(0, code(ShellSession.start(vertx, inPod(spec(shell), own), List.of("sh", "-c", script), output,
        false)), err.toString());
    String[] lines = out.toString().split("\n");
    String host = Files.readSymbolicLink(java.nio.file.Path.of("/proc/self/ns/user")).toString();
    assertTrue(lines[0].matches("user:\\[\\d+\\]") && !lines[0].equals(host), lines[0] + " vs the node's " + host);
    assertTrue(lines[1].matches(" {9}0 +\\d+ {6}65536"), lines[1]);
    long first = Long.parseLong(lines[1].trim().split(" +")[1]);
    assertTrue(first > 0 && first % 65536 == 0, "a block of its own: " + first);
    assertEquals(lines[1], lines[2]);
    out.setLength(0);
    var shared = new io.fabric8.kubernetes.api.model.PodSpecBuilder().addToContainers(shell).build();
    assertEquals(0, code(ShellSession.start(vertx, inPod(spec(shell), shared), List.of("sh", "-c", script), output,
        false)), err.toString());
    assertEquals(host + "\n" + Files.readString(java.nio.file.Path.of("/proc/self/uid_map"))
        + Files.readString(java.nio.file.Path.of("/proc/self/gid_map")), out.toString());
  }

  /** "Get a Shell to a Running Container": {@code cat /proc/mounts}; the processes' folders; the node's cpuinfo. */
  @Test
  void procShowsTheContainersMountsAndProcesses() throws Exception {
    assertEquals(0, run("sh", "-c", "cat /proc/mounts; ls /proc | grep -v '^[0-9]' | tr '\\n' ' '; echo;"
        + " tr '\\0' ' ' < /proc/1/cmdline; echo; cat /proc/1/comm; head -2 /proc/self/status;"
        + " grep -c ^processor /proc/cpuinfo"), err.toString());
    String[] lines = out.toString().split("\n");
    assertTrue(lines[0].startsWith("overlay / overlay rw,relatime,lowerdir="), lines[0]);
    assertTrue(out.toString().contains("\n/dev/root /etc/config ext4 rw,relatime 0 0\n"), out.toString());
    assertTrue(out.toString().contains("cpuinfo loadavg meminfo mounts self stat sys uptime version \n"), out.toString());
    int at = java.util.Arrays.asList(lines).indexOf("cpuinfo loadavg meminfo mounts self stat sys uptime version ");
    assertEquals("sh ", lines[at + 1], "the container's command, busybox's default");
    assertEquals("sh", lines[at + 2]);
    assertEquals("Name:\tsh", lines[at + 3]);
    assertTrue(Integer.parseInt(lines[at + 5]) >= 1, lines[at + 5]);
    out.setLength(0);
    err.setLength(0);
    assertEquals(1, run("sh", "-c", "echo x > /proc/mounts"));
    assertTrue(err.toString().startsWith("sh: can't create /proc/mounts: "), err.toString());
  }

  @Test
  void ipShowsThePodsOwnAddress() throws Exception {
    assertEquals(0, run("sh", "-c", "ip -4 -o addr show dev eth0 | awk '{print $4}'"));
    assertEquals("127.0.0.1/24\n", out.toString());
  }

  @Test
  void aReturnAtASourcedFilesTopEndsTheFileNotTheShell() throws Exception {
    assertEquals(0, run("sh", "-c", "printf 'echo in\\nreturn 4\\necho never\\n' > /tmp/lib.sh; . /tmp/lib.sh;"
        + " echo after $?; f() { . /tmp/lib.sh; echo in f $?; }; f"));
    assertEquals("in\nafter 4\nin\nin f 4\n", out.toString());
  }

  @Test
  void unknownCommandsAndFilesFailAsBusyboxSays() throws Exception {
    assertEquals(127, run("nginx"));
    assertTrue(err.toString().startsWith("exec: \"nginx\": executable file not found in $PATH"), err.toString());
    err.setLength(0);
    assertEquals(127, run("sh", "-c", "nginx -g off"));
    assertEquals("sh: nginx: not found\n", err.toString());
    err.setLength(0);
    assertEquals(1, run("cat", "/etc/config/missing"));
    assertEquals("cat: can't open '/etc/config/missing': No such file or directory\n", err.toString());
  }

  @Test
  void redirectionWritesIntoAWritableMountOrTheLayer() throws Exception {
    assertEquals(0, run("sh", "-c", "mkdir /etc/config/data; echo one > /etc/config/data/file; echo two >>/etc/config/data/file; "
        + "cat /etc/config/data/file"));
    assertEquals("one\ntwo\n", out.toString());
    assertEquals("one\ntwo\n", Files.readString(dir.resolve("data/file")));
    assertEquals(0, run("sh", "-c", "echo x > /usr/bin/mine"));
    assertEquals("x\n", Files.readString(dir.resolve("c/root/usr/bin/mine")));
    assertEquals(1, run("sh", "-c", "echo x > /nowhere/f"));
    assertEquals("sh: can't create /nowhere/f: nonexistent directory\n", err.toString());
  }

  @Test
  void podFilesAreTheOnesTheKubeletWrites() throws Exception {
    assertEquals(0, run("cat", "/etc/resolv.conf", "/etc/hosts"));
    assertTrue(out.toString().startsWith("nameserver 127.96.0.10\nsearch d.svc.cluster.local svc.cluster.local "
        + "cluster.local\noptions ndots:5\n# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n"), out.toString());
    assertTrue(out.toString().endsWith("127.0.0.1\tweb\n"), out.toString());
  }

  @Test
  void sleepEndsAfterItsTimeAndInfinityOnlyWhenKilled() throws Exception {
    assertEquals(0, run("sleep", "0.05"));
    assertEquals(1, run("sleep", "soon"));
    assertEquals("sleep: invalid number 'soon'\n", err.toString());
    ExecSession forever = start(false, "sleep", "infinity");
    assertFalse(forever.exitCode().isComplete());
    forever.kill();
    assertEquals(137, code(forever));
  }

  @Test
  void aCommandRunsToItsEndWhateverItsStdinDoes() throws Exception {
    ExecSession s = start(false, "sh", "-c", "sleep 0.05; echo done");
    s.closeStdin();
    assertEquals(0, code(s));
    assertEquals("done\n", out.toString());
  }

  @Test
  void awkAsTheSessionsCommandReadsItsStdinAsItsParsedProgramSays() throws Exception {
    ExecSession s = start(false, "awk", "{ print x, $0 }", "x=1");
    s.stdin(Buffer.buffer("a\nb\n"));
    s.closeStdin();
    assertEquals(0, code(s), err.toString());
    assertEquals("1 a\n1 b\n", out.toString(), "an operand that assigns names no file: stdin is read");
    ExecSession begin = start(false, "awk", "BEGIN { print \"only\" }");
    assertEquals(0, code(begin), "BEGIN alone waits for no stdin");
  }

  @Test
  void debiansShIsDashWhoseEchoReadsEscapes() throws Exception {
    String script = "echo 'a\\tb\\nc'; echo -e 'd\\ce'; echo -n 'f\\n'";
    ContainerSpec debian = spec(new ContainerBuilder().withName("c").withImage("debian:bookworm").build());
    assertEquals(0, code(ShellSession.start(vertx, debian, List.of("sh", "-c", script), output, false)));
    assertEquals("a\tb\nc\n-e df\n", out.toString(), "dash: escapes always, -e is a word, \\c ends all");
    out.setLength(0);
    assertEquals(0, code(ShellSession.start(vertx, debian, List.of("sh", "-c",
        "bash -c \"echo 'p\\tq'\"; echo 'r\\ts' | cat"), output, false)));
    assertEquals("p\\tq\nr\ts\n", out.toString(), "bash in dash: bash's echo; dash's again after it");
    out.setLength(0);
    assertEquals(0, code(ShellSession.start(vertx, debian, List.of("bash", "-c", "echo 'a\\nb'"), output, false)));
    assertEquals(0, code(ShellSession.start(vertx, debian, List.of("echo", "a\\nb"), output, false)));
    ContainerSpec alpine = spec(new ContainerBuilder().withName("c").withImage("nginx:1.27-alpine").build());
    assertEquals(0, code(ShellSession.start(vertx, alpine, List.of("sh", "-c", "echo 'a\\nb'"), output, false)));
    assertEquals(0, run("sh", "-c", "echo 'a\\nb'"));
    assertEquals("a\\nb\n".repeat(4), out.toString(), "bash's, /bin/echo's, busybox's echo: no escapes");
  }

  @Test
  void shReadsCommandsFromStdinUntilExit() throws Exception {
    ExecSession sh = start(false, "sh");
    sh.stdin(Buffer.buffer("echo one\nhostname; sleep 0.01"));
    sh.stdin(Buffer.buffer("\nexit 4\necho never\n"));
    assertEquals(4, code(sh));
    assertEquals("one\nweb\n", out.toString());
    ExecSession eof = start(false, "sh");
    eof.stdin(Buffer.buffer("false"));
    eof.closeStdin();
    assertEquals(1, code(eof));
  }

  @Test
  void onATerminalShPromptsEchoesAndStopsACommandOnCtrlC() throws Exception {
    ExecSession sh = start(true, "sh");
    sh.stdin(Buffer.buffer("echo hx\u007fi\r"));
    sh.stdin(Buffer.buffer("sleep 600\r"));
    org.awaitility.Awaitility.await().until(() -> out.toString().contains("sleep 600\r\n"));
    sh.stdin(Buffer.buffer("\u0003"));
    org.awaitility.Awaitility.await().until(() -> out.toString().endsWith("^C\r\n/ # "));
    sh.stdin(Buffer.buffer("\u0004"));
    assertEquals(130, code(sh));
    assertEquals("/ # echo hx\b \bi\r\nhi\r\n/ # sleep 600\r\n^C\r\n/ # ", out.toString());
  }

  /** The prompt follows cd, and is bash's root@host:/# in a Debian-based image's bash, dash's # in its sh. */
  @Test
  void thePromptIsTheImageShellsAndFollowsCd() throws Exception {
    ExecSession sh = start(true, "sh");
    sh.stdin(Buffer.buffer("cd /tmp\r"));
    org.awaitility.Awaitility.await().until(() -> out.toString().endsWith("/tmp # "));
    sh.stdin(Buffer.buffer("\u0004"));
    code(sh);
    out.setLength(0);
    var nginx = spec(new ContainerBuilder().withName("nginx").withImage("nginx").build());
    ExecSession bash = ShellSession.start(vertx, nginx, List.of("/bin/bash"), output, true);
    bash.stdin(Buffer.buffer("cd /root\r"));
    org.awaitility.Awaitility.await().until(() -> out.toString().endsWith("root@web:~# "));
    assertTrue(out.toString().startsWith("root@web:/# cd /root"), out.toString());
    bash.stdin(Buffer.buffer("\u0004"));
    code(bash);
    out.setLength(0);
    ExecSession dash = ShellSession.start(vertx, nginx, List.of("sh"), output, true);
    org.awaitility.Awaitility.await().until(() -> out.toString().equals("# "));
    dash.stdin(Buffer.buffer("\u0004"));
    code(dash);
  }

  @Test
  void wgetGetsFromTheNetworkAndFailsAsBusyboxDoes() throws Exception {
    HttpServer server = vertx.createHttpServer().requestHandler(req -> req.response()
        .setStatusCode(req.path().equals("/") ? 200 : 404).end("hello from " + req.remoteAddress().hostAddress()
            + " for " + req.headers().get("Host") + "\n"));
    int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    assertEquals(0, run("wget", "-qO-", "http://localhost:" + port));
    assertEquals("hello from 127.0.0.1 for localhost:" + port + "\n", out.toString());
    assertEquals("", err.toString());
    out.setLength(0);
    assertEquals(0, run("wget", "-O", "-", "127.0.0.1:" + port + "/"));
    assertTrue(err.toString().startsWith("Connecting to 127.0.0.1:" + port + " (127.0.0.1:" + port + ")\nwriting to "
        + "stdout\n"), err.toString());
    err.setLength(0);
    // "Configure Pod Initialization"'s init container writes into its volume (here /etc/config): busybox names the
    // file as -O gives it, its bar the last part
    assertEquals(0, run("wget", "-O", "/etc/config/index.html", "http://127.0.0.1:" + port));
    String body = "hello from 127.0.0.1 for 127.0.0.1:" + port + "\n";
    assertEquals("Connecting to 127.0.0.1:" + port + " (127.0.0.1:" + port + ")\nsaving to '/etc/config/index.html'\n"
        + String.format("index.html           100%% |********************************| %5d  0:00:00 ETA\n",
            body.length()) + "'/etc/config/index.html' saved\n", err.toString());
    assertEquals(body, Files.readString(dir.resolve("index.html")));
    err.setLength(0);
    assertEquals(1, run("wget", "-qO-", "http://localhost:" + port + "/missing"));
    assertEquals("wget: server returned error: HTTP/1.1 404 Not Found\n", err.toString());
    err.setLength(0);
    assertEquals(0, run("nc", "-zv", "-w", "2", "localhost", Integer.toString(port)));
    assertEquals("localhost (127.0.0.1:" + port + ") open\n", err.toString());
    err.setLength(0);
    server.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    assertEquals(1, run("wget", "-qO-", "http://localhost:" + port));
    assertEquals("wget: can't connect to remote host (127.0.0.1): Connection refused\n", err.toString());
    err.setLength(0);
    assertEquals(1, run("nc", "-z", "127.0.0.1", Integer.toString(port)));
    assertEquals("", err.toString());
  }

  /**
   * A server that takes the connection and closes it unanswered — kube-proxy's userspace proxy when the Service's
   * targetPort is wrong ("Debug Services") — is busybox's {@code error getting response}.
   */
  @Test
  void wgetOfAConnectionClosedUnansweredSaysSoAsBusyboxDoes() throws Exception {
    var server = vertx.createNetServer().connectHandler(io.vertx.core.net.NetSocket::close);
    int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    assertEquals(1, run("wget", "-qO-", "http://127.0.0.1:" + port));
    assertEquals("wget: error getting response\n", err.toString());
  }

  @Test
  void pipesFeedEachStageTheOutputOfTheOneBefore() throws Exception {
    assertEquals(0, run("sh", "-c", "env | grep -i greet; env | sort | head -n 1; cat /etc/hosts | grep -c local "
        + "| wc -l; echo a | grep b || echo none"));
    assertEquals("GREETING=hi\nGREETING=hi\n1\nnone\n", out.toString());
  }

  @Test
  void wgetOptionsParseAsBusyboxReadsThem() {
    WgetArgs a = WgetArgs.parse(List.of("-qO-", "-T", "5", "http://web"));
    assertTrue(a.quiet() && a.toStdout());
    assertEquals(5, a.timeoutSeconds());
    WgetArgs b = WgetArgs.parse(List.of("-O", "/data/x", "--header", "X-A: 1", "web.default:8080/p"));
    assertEquals("/data/x", b.output());
    assertEquals(List.of("X-A: 1"), b.headers());
    assertEquals("web.default:8080/p", b.url());
    assertEquals("unrecognized option '-z'",
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
            () -> WgetArgs.parse(List.of("-z", "web"))).getMessage());
  }

  @Test
  void namesResolveAlongTheSearchPathBelowNdots() {
    List<String> search = List.of("d.svc.cluster.local", "svc.cluster.local", "cluster.local");
    assertEquals(List.of("web.d.svc.cluster.local", "web.svc.cluster.local", "web.cluster.local", "web"),
        PodNet.candidates("web", search, 5));
    assertEquals(List.of("web.d.svc.cluster.local"), PodNet.candidates("web.d.svc.cluster.local.", search, 5));
    assertEquals("a.b.c.d.e.f", PodNet.candidates("a.b.c.d.e.f", search, 5).get(0));
  }

  @Test
  void namesInTheKubeletsHostsFileResolveBeforeDns() {
    String hosts = "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost\n"
        + "127.244.1.2\tweb\n\n# Entries added by HostAliases.\n127.0.0.9\tfoo.local\tbar.local\n";
    assertEquals("127.0.0.9", PodNet.fromHosts(hosts, "bar.local"));
    assertEquals("127.0.0.1", PodNet.fromHosts(hosts, "localhost"));
    assertEquals("127.244.1.2", PodNet.fromHosts(hosts, "WEB"));
    assertEquals(null, PodNet.fromHosts(hosts, "kubernetes"));
  }

  @Test
  void psShowsTheContainersCommand() throws Exception {
    assertEquals(0, run("ps"));
    assertEquals("PID   USER     TIME  COMMAND\n    1 root      0:00 sh\n    7 root      0:00 ps\n", out.toString());
  }

  /** The "Configure a Security Context" page: runAsUser 1000, runAsGroup 3000, fsGroup 2000, supplementalGroups [4000]. */
  @Test
  void idWhoamiAndPsSpeakForTheSecurityContextsUser() throws Exception {
    ContainerSpec spec = inPod(spec(new ContainerBuilder().withName("c").withImage("busybox:1.28")
        .withCommand("sh", "-c", "sleep 1h").build()), new io.fabric8.kubernetes.api.model.PodSpecBuilder()
        .withNewSecurityContext().withRunAsUser(1000L).withRunAsGroup(3000L).withFsGroup(2000L)
        .withSupplementalGroups(4000L).endSecurityContext().build());
    assertEquals(0, code(ShellSession.start(vertx, spec, List.of("sh", "-c", "id; ps"), output, false)));
    assertEquals("uid=1000 gid=3000 groups=2000,3000,4000\nPID   USER     TIME  COMMAND\n    1 1000      0:00 sleep 1h\n"
        + "    7 1000      0:00 ps\n", out.toString());
    assertEquals(1, code(ShellSession.start(vertx, spec, List.of("whoami"), output, false)));
    assertEquals("whoami: unknown uid 1000\n", err.toString());
    out.setLength(0);
    assertEquals(0, run("sh", "-c", "id; whoami"));
    assertEquals("uid=0(root) gid=0(root) groups=0(root),10(wheel)\nroot\n", out.toString());
  }

  /** The shell container of "Share Process Namespace between Containers in a Pod"'s nginx and shell pod. */
  private ContainerSpec sharedNginxPodsShell() throws Exception {
    var shell = new ContainerBuilder().withName("shell").withImage("busybox:1.28").withCommand("sleep", "3600").build();
    var pod = new io.fabric8.kubernetes.api.model.PodSpecBuilder().withShareProcessNamespace(true)
        .addNewContainer().withName("nginx").withImage("nginx").endContainer().addToContainers(shell).build();
    ContainerSpec spec = inPod(spec(shell), pod);
    return spec;
  }

  /** "Share Process Namespace between Containers in a Pod": ps ax in the shell container sees nginx's processes. */
  @Test
  void psInASharedProcessNamespaceListsThePodsProcesses() throws Exception {
    ContainerSpec spec = sharedNginxPodsShell();
    assertEquals(0, code(ShellSession.start(vertx, spec, List.of("ps", "ax"), output, false)));
    assertEquals("PID   USER     TIME  COMMAND\n    1 root      0:00 /pause\n    8 root      0:00 nginx: master process "
        + "nginx -g daemon off;\n   14 101       0:00 nginx: worker process\n   20 root      0:00 sleep 3600\n"
        + "   26 root      0:00 ps ax\n", out.toString());
  }

  /**
   * The page's {@code head /proc/8/root/etc/nginx/nginx.conf}: through nginx's master process the shell container
   * reads the nginx container's files; its own processes' root is its own {@code /}.
   */
  @Test
  void procPidRootShowsTheFilesOfTheProcesssContainer() throws Exception {
    ContainerSpec spec = sharedNginxPodsShell();
    assertEquals(0, code(ShellSession.start(vertx, spec, List.of("sh", "-c",
        "head -n 2 /proc/8/root/etc/nginx/nginx.conf; ls /proc/8/root/etc/nginx | head -n 1; readlink /proc/20/root;"
            + " ls /proc/1"), output, false)));
    assertTrue(out.toString().startsWith("\nuser  nginx;\nconf.d\n/\n"), out.toString());
    assertFalse(out.toString().contains("root"), "the sandbox's /pause has no root to show\n" + out);
    out.setLength(0);
    assertEquals(1, code(ShellSession.start(vertx, spec, List.of("cat", "/etc/nginx/nginx.conf"), output, false)));
    assertEquals("cat: can't open '/etc/nginx/nginx.conf': No such file or directory\n", err.toString(),
        "the shell container's own files have no nginx.conf");
  }

  /** The page's {@code ps ax} run again: each ps is a new process, with a new PID, in the pod's namespace. */
  @Test
  void eachPsIsANewProcessWithANewPid() throws Exception {
    ContainerSpec spec = sharedNginxPodsShell();
    assertEquals(0, code(ShellSession.start(vertx, spec, List.of("sh", "-c", "ps ax | tail -1; ps ax | tail -1"),
        output, false)));
    assertEquals(0, code(ShellSession.start(vertx, spec, List.of("ps", "ax"), output, false)));
    String[] lines = out.toString().split("\n");
    assertEquals("   26 root      0:00 ps ax", lines[0]);
    assertEquals("   32 root      0:00 ps ax", lines[1]);
    assertEquals("   38 root      0:00 ps ax", lines[lines.length - 1]);
    assertEquals("   20 root      0:00 sleep 3600", lines[lines.length - 2], "the container's own keep theirs");
  }

  /** "Configure a Pod to Use a Volume for Storage": ps in the redis container shows its server as user redis (999). */
  @Test
  void psInRedisShowsItsServer() throws Exception {
    var redis = new ContainerBuilder().withName("redis").withImage("redis").build();
    assertEquals(0, code(ShellSession.start(vertx, inPod(spec(redis), null), List.of("ps", "aux"), output, false)));
    String[] lines = out.toString().split("\n");
    assertEquals("USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND", lines[0], "procps's, as Debian's");
    assertTrue(lines[1].matches("redis {10}1  0\\.0  0\\.0 .* Ss   \\d\\d:\\d\\d   0:00 redis-server \\*:6379"), lines[1]);
    assertTrue(lines[2].matches("root {11}7 .* R    \\d\\d:\\d\\d   0:00 ps aux"), lines[2]);
    assertEquals(3, lines.length);
  }

  /**
   * "Debug Running Pods": {@code kubectl debug myapp -it --image=ubuntu --share-processes --copy-to=myapp-debug},
   * then {@code ps ax} in its bash lists the pod's processes in procps's BSD job format, the debugger's on its
   * terminal; {@code ps ax} without a terminal has none.
   */
  @Test
  void procpsPsAxListsTheCopysProcessesWithTheirTerminals() throws Exception {
    var debugger = new ContainerBuilder().withName("debugger-6h89j").withImage("ubuntu").withStdin(true).withTty(true)
        .build();
    var pod = new io.fabric8.kubernetes.api.model.PodSpecBuilder().withShareProcessNamespace(true)
        .addNewContainer().withName("myapp").withImage("busybox:1.28").withArgs("sleep", "1d").endContainer()
        .addToContainers(debugger).build();
    ContainerSpec spec = inPod(spec(debugger), pod);
    ExecSession bash = ShellSession.start(vertx, spec, List.of("bash"), output, true);
    bash.stdin(Buffer.buffer("ps ax\r"));
    org.awaitility.Awaitility.await().until(() -> out.toString().endsWith("# "));
    assertEquals("root@web:/# ps ax\r\n"
        + "    PID TTY      STAT   TIME COMMAND\r\n"
        + "      1 ?        Ss     0:00 /pause\r\n"
        + "      8 ?        Ss     0:00 sleep 1d\r\n"
        + "     14 pts/0    Ss     0:00 bash\r\n"
        + "     20 pts/0    R+     0:00 ps ax\r\n"
        + "root@web:/# ", out.toString());
    bash.stdin(Buffer.buffer("\u0004"));
    code(bash);
    out.setLength(0);
    assertEquals(0, code(ShellSession.start(vertx, spec, List.of("ps", "ax"), output, false)));
    assertTrue(out.toString().endsWith("\n     14 pts/0    Ss     0:00 bash\n     26 ?        R      0:00 ps ax\n"),
        "kubectl exec without -t: the ps has no terminal\n" + out);
  }

  /**
   * {@code ls} on a terminal ({@code kubectl exec -it … -- sh}) puts names many per line, as busybox does; into a
   * pipe, or without a terminal, one per line; {@code -1} and {@code -l} one per line on a terminal too.
   */
  @Test
  void lsOnATerminalListsNamesInColumns() throws Exception {
    for (String name : List.of("password", "username", "ca.crt")) {
      Files.writeString(dir.resolve(name), name);
    }
    ExecSession sh = ShellSession.start(vertx, spec(), List.of("sh"), output, true);
    sh.stdin(Buffer.buffer("ls /etc/config; ls -1 /etc/config | head -1; ls /etc/config | cat; ls -C /etc/config\r"));
    org.awaitility.Awaitility.await().until(() -> out.toString().split("# ", -1).length == 3);
    assertEquals("/ # ls /etc/config; ls -1 /etc/config | head -1; ls /etc/config | cat; ls -C /etc/config\r\n"
        + "ca.crt    color     password  username\r\n"
        + "ca.crt\r\n"
        + "ca.crt\r\ncolor\r\npassword\r\nusername\r\n"
        + "ca.crt    color     password  username\r\n/ # ", out.toString());
    out.setLength(0);
    sh.resize(24, 40); // kubectl's resize channel: a terminal 24 columns wide
    sh.stdin(Buffer.buffer("ls /etc/config\r"));
    org.awaitility.Awaitility.await().until(() -> out.toString().endsWith("# "));
    assertEquals("ls /etc/config\r\nca.crt    password\r\ncolor     username\r\n/ # ", out.toString(),
        "busybox: 23 / 10 is two columns");
    sh.stdin(Buffer.buffer("\u0004"));
    code(sh);
    out.setLength(0);
    assertEquals(0, run("ls", "/etc/config"));
    assertEquals("ca.crt\ncolor\npassword\nusername\n", out.toString(), "kubectl exec without -t");
  }

  /** kubectl debug --target: the ephemeral container sees its target's processes. */
  @Test
  void anEphemeralContainerSeesItsTargetsProcesses() throws Exception {
    var debugger = new ContainerBuilder().withName("debugger-x").withImage("busybox:1.28").build();
    var pod = new io.fabric8.kubernetes.api.model.PodSpecBuilder()
        .addNewContainer().withName("ephemeral-demo").withImage("registry.k8s.io/pause:3.1").endContainer()
        .addNewEphemeralContainer().withName("debugger-x").withImage("busybox:1.28").withTargetContainerName("ephemeral-demo")
        .endEphemeralContainer().build();
    ContainerSpec spec = inPod(spec(debugger), pod);
    assertEquals(0, code(ShellSession.start(vertx, spec, List.of("ps"), output, false)));
    assertEquals("PID   USER     TIME  COMMAND\n    1 root      0:00 /pause\n    7 root      0:00 sh\n"
        + "   13 root      0:00 ps\n", out.toString());
  }

  /**
   * "Indexed Job for Parallel Processing with Static Work Assignment": bash's {@code items=(foo bar baz qux xyz)} and
   * {@code ${items[$JOB_COMPLETION_INDEX]}}; busybox's sh has no arrays.
   */
  @Test
  void bashHasIndexedArrays() throws Exception {
    assertEquals(0, run("bash", "-c", "items=(foo bar baz qux xyz)\nI=3; echo ${items[$I]} > /tmp/d; cat /tmp/d;"
        + " echo ${#items[@]} ${items[-1]} ${items[I-2]} $items; for i in \"${items[@]}\"; do printf '<%s>' $i; done;"
        + " echo; b=(\n  one\n  'two three'\n); echo ${#b[@]} \"${b[1]}\"; echo \"[${items[9]}]\""), err.toString());
    assertEquals("qux\n5 xyz bar foo\n<foo><bar><baz><qux><xyz>\n2 two three\n[]\n", out.toString());
    out.setLength(0);
    assertEquals(2, run("sh", "-c", "items=(foo bar)"));
    assertEquals("sh: syntax error: unexpected \"(\"\n", err.toString());
  }

  /** "Job with Pod-to-Pod Communication": {@code ping -c 1 NAME > /dev/null 2>&1} tells whether a pod answers. */
  @Test
  void pingEchoesAsBusyboxsPingAndSucceedsWhenTheHostAnswers() throws Exception {
    assertEquals(0, run("sh", "-c", "ping -c 2 web && ping -c 1 web > /dev/null 2>&1 && echo up"), err.toString());
    String[] lines = out.toString().split("\n");
    assertEquals("PING web (127.0.0.1): 56 data bytes", lines[0]);
    assertTrue(lines[1].matches("64 bytes from 127\\.0\\.0\\.1: seq=0 ttl=64 time=\\d+\\.\\d{3} ms"), lines[1]);
    assertTrue(lines[2].startsWith("64 bytes from 127.0.0.1: seq=1 "), lines[2]);
    assertEquals("", lines[3]);
    assertEquals("--- web ping statistics ---", lines[4]);
    assertEquals("2 packets transmitted, 2 packets received, 0% packet loss", lines[5]);
    assertTrue(lines[6].matches("round-trip min/avg/max = [0-9.]+/[0-9.]+/[0-9.]+ ms"), lines[6]);
    assertEquals("up", lines[7]);
    err.setLength(0);
    assertEquals(1, run("sh", "-c", "ping -x web"));
    assertEquals("ping: unrecognized option '-x'\n", err.toString());
  }

  /** {@code kubectl cp}: {@code test -d DEST}, {@code tar -xmf - -C DIR} from stdin, {@code tar cf - SRC} to stdout. */
  @Test
  void kubectlCpRunsTarAndTestAsBusyboxDoes() throws Exception {
    assertEquals(0, run("test", "-d", "/etc/config"));
    assertEquals(1, run("test", "-d", "/etc/config/color"));
    assertEquals(0, run("test", "-f", "/etc/hosts"));
    ExecSession in = start(false, "tar", "--no-same-permissions", "--no-same-owner", "-xmf", "-", "-C", "/etc/config");
    in.stdin(Buffer.buffer(Tar.write(List.of(new Tar.Entry("sub", true, new byte[0]),
        new Tar.Entry("sub/f.txt", false, "hello\n".getBytes())))));
    in.closeStdin();
    assertEquals(0, code(in), err.toString());
    assertEquals("hello\n", Files.readString(dir.resolve("sub/f.txt")));
    ExecSession readOnly = ShellSession.start(vertx, spec(new ContainerBuilder().withName("c").withImage("busybox")
        .withNewSecurityContext().withReadOnlyRootFilesystem(true).endSecurityContext().build()),
        List.of("tar", "-xmf", "-", "-C", "/usr"), output, false);
    readOnly.stdin(Buffer.buffer(Tar.write(List.of(new Tar.Entry("x", false, new byte[] {1})))));
    readOnly.closeStdin();
    assertEquals(1, code(readOnly));
    assertEquals("tar: can't open 'x': Read-only file system\n", err.toString());

    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    ExecSession.Output binary = new ExecSession.Output() {
      @Override
      public void stdout(Buffer data) {
        bytes.writeBytes(data.getBytes());
      }

      @Override
      public void stderr(Buffer data) {
        err.append(data);
      }
    };
    ExecSession out = ShellSession.start(vertx, spec(), List.of("tar", "cf", "-", "/etc/config/sub", "/etc/hostname"),
        binary, false);
    assertEquals(0, code(out));
    List<Tar.Entry> entries = Tar.read(bytes.toByteArray());
    assertEquals(List.of("etc/config/sub/", "etc/config/sub/f.txt", "etc/hostname"),
        entries.stream().map(Tar.Entry::name).toList());
    assertEquals("hello\n", new String(entries.get(1).data()));
    assertEquals("web\n", new String(entries.get(2).data()));
  }

  /** {@code echo x | kubectl run -i --image=busybox -- cat} and {@code kubectl exec -i POD -- wc -l}: stdin is read. */
  @Test
  void filtersWithoutFilesReadStdin() throws Exception {
    ExecSession cat = start(false, "cat");
    cat.stdin(Buffer.buffer("piped "));
    assertEquals("piped ", out.toString(), "cat copies stdin as it comes");
    assertFalse(cat.exitCode().isComplete(), "cat waits for the end of its input");
    cat.stdin(Buffer.buffer("in\n"));
    cat.closeStdin();
    assertEquals(0, code(cat));
    assertEquals("piped in\n", out.toString());

    out.setLength(0);
    ExecSession grep = start(false, "grep", "b");
    grep.stdin(Buffer.buffer("a\nb\nab\n"));
    grep.closeStdin();
    assertEquals(0, code(grep));
    assertEquals("b\nab\n", out.toString());

    out.setLength(0);
    ExecSession lines = start(false, "wc", "-l");
    lines.stdin(Buffer.buffer("1\n2\n3\n"));
    lines.closeStdin();
    assertEquals(0, code(lines));
    assertEquals("3", out.toString().trim());
  }
}
