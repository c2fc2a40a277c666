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
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scripts of Kubernetes' docs and tutorials, run by the busybox shell (long sleeps made short). */
class DocsScriptsTest {

  private static final String DATE = "\\w{3} \\w{3} [ \\d]\\d \\d\\d:\\d\\d:\\d\\d UTC \\d{4}";

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput out = new CapturedOutput();

  @BeforeEach
  void vertx() throws Exception {
    vertx = Vertx.vertx();
    Files.createDirectories(dir.resolve("opt"));
    Files.createDirectories(dir.resolve("sa"));
    Files.writeString(dir.resolve("sa/namespace"), "shop");
  }

  @AfterEach
  void close() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private ContainerSpec spec() {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("HOSTNAME", "web");
    env.put("MY_NODE_NAME", "node-1");
    env.put("MY_POD_NAME", "pod-1");
    return new ContainerSpec("d", "web", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), env, dir.resolve("c/0.log"), dir,
        Map.of("/opt", dir.resolve("opt"), "/var/run/secrets/kubernetes.io/serviceaccount", dir.resolve("sa")), "id");
  }

  private ExecSession sh(String script) {
    return ShellSession.start(vertx, spec(), List.of("sh", "-c", script), out, false);
  }

  private static int code(ExecSession s) throws Exception {
    return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private int run(String script) throws Exception {
    return code(sh(script));
  }

  private void await(java.util.concurrent.Callable<Boolean> what) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(what);
  }

  /** Logging architecture: the counter pod. */
  @Test
  void loggingCounterCountsWithTheDate() throws Exception {
    ExecSession s = sh("i=0; while true; do echo \"$i: $(date)\"; i=$((i+1)); sleep 0.01; done");
    await(() -> out.out.toString().contains("\n3: "));
    s.kill();
    assertEquals(137, code(s));
    String[] lines = out.out.toString().split("\n");
    for (int i = 0; i < 3; i++) {
      assertTrue(lines[i].matches(i + ": " + DATE), lines[i]);
    }
  }

  /** Init containers: wait for the service's name, built from the service account's namespace file. */
  @Test
  void initContainerWaitsUntilTheNameResolves() throws Exception {
    assertEquals(0, run("n=0; nslookup() { n=$((n+1)); echo \"lookup $1\"; [ $n -ge 3 ]; }; "
        + "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; "
        + "do echo waiting for myservice; sleep 0.01; done"));
    assertEquals("lookup myservice.shop.svc.cluster.local\nwaiting for myservice\n".repeat(2)
        + "lookup myservice.shop.svc.cluster.local\n", out.out.toString());
  }

  /** Sidecar containers: one appends to a shared volume, the other follows it with tail -F. */
  @Test
  void sidecarFollowsWhatTheAppAppends() throws Exception {
    CapturedOutput followed = new CapturedOutput();
    ExecSession tail = ShellSession.start(vertx, spec(), List.of("sh", "-c", "tail -F /opt/logs.txt"), followed, false);
    ExecSession app = sh("while true; do echo \"logging\" >> /opt/logs.txt; sleep 0.05; done");
    await(() -> followed.out.toString().startsWith("logging\nlogging\nlogging\n"));
    assertTrue(Files.readString(dir.resolve("opt/logs.txt")).startsWith("logging\nlogging\n"));
    assertFalse(tail.exitCode().isComplete(), "tail -F follows until stopped");
    app.kill();
    tail.kill();
    assertEquals(137, code(tail));
  }

  /** Logging architecture: a streaming sidecar shows its file from the first line on ({@code tail -n+1 -F}). */
  @Test
  void streamingSidecarFollowsItsFileFromTheFirstLine() throws Exception {
    StringBuilder lines = new StringBuilder();
    for (int i = 0; i < 12; i++) {
      lines.append(i).append(": INFO\n");
    }
    Files.writeString(dir.resolve("opt/1.log"), lines);
    ExecSession s = sh("tail -n+1 -F /opt/1.log");
    await(() -> out.out.toString().equals(lines.toString()));
    Files.writeString(dir.resolve("opt/1.log"), "12: INFO\n", java.nio.file.StandardOpenOption.APPEND);
    await(() -> out.out.toString().endsWith("11: INFO\n12: INFO\n"));
    s.kill();
    assertEquals(137, code(s));
  }

  /** Indexed Job for parallel processing: the worker is {@code rev} of its input; {@code tail -n +2} skips a header. */
  @Test
  void indexedJobWorkerReversesItsInput() throws Exception {
    assertEquals(0, run("echo foo > /opt/data.txt; rev /opt/data.txt; printf 'NAME\\na\\nb\\n' | tail -n +2; "
        + "echo xyz | rev"));
    assertEquals("oof\na\nb\nzyx\n", out.out.toString());
  }

  /** Downward API: the pod's fields as environment variables. */
  @Test
  void downwardApiPrintsItsVariables() throws Exception {
    ExecSession s = sh("while true; do echo -en '\\n'; printenv MY_NODE_NAME MY_POD_NAME; sleep 10; done;");
    await(() -> out.out.toString().equals("\nnode-1\npod-1\n"));
    s.kill();
    assertEquals(137, code(s));
  }

  /** The HorizontalPodAutoscaler walkthrough's load generator. */
  @Test
  void hpaLoadGeneratorKeepsGetting() throws Exception {
    AtomicInteger hits = new AtomicInteger();
    HttpServer server = vertx.createHttpServer().requestHandler(req -> {
      hits.incrementAndGet();
      req.response().end("OK!");
    });
    int port = server.listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS)
        .actualPort();
    ExecSession s = sh("while sleep 0.01; do wget -q -O- http://localhost:" + port + "; done");
    await(() -> out.out.toString().startsWith("OK!OK!OK!"));
    s.kill();
    assertEquals(137, code(s));
    assertTrue(hits.get() >= 3, "each round is one GET");
  }

  /** Liveness probes: the file is there, then removed, while the container sleeps on. */
  @Test
  void livenessScriptRemovesItsFile() throws Exception {
    ExecSession s = sh("touch /tmp/healthy; sleep 1; rm -f /tmp/healthy; sleep 600");
    CapturedOutput probe = new CapturedOutput();
    await(() -> code(ShellSession.start(vertx, spec(), List.of("cat", "/tmp/healthy"), probe, false)) == 0);
    await(() -> code(ShellSession.start(vertx, spec(), List.of("cat", "/tmp/healthy"), probe, false)) == 1);
    assertFalse(s.exitCode().isComplete());
    s.kill();
    assertEquals(137, code(s));
  }

  @Test
  void ifElifElseAndCase() throws Exception {
    assertEquals(0, run("if [ -f /x ]; then echo yes; elif [ -n \"$A\" ]; then echo a; else echo no; fi; A=1; "
        + "if [ -f /x ]; then echo yes; elif [ -n \"$A\" ]; then echo a; else echo no; fi; "
        + "f() { case \"$1\" in a|b) echo ab;; *) echo other;; esac; }; f a; f b; f c"));
    assertEquals("no\na\nab\nab\nother\n", out.out.toString());
  }

  @Test
  void forOverAGlobAndWords() throws Exception {
    assertEquals(0, run("for f in /etc/host*; do echo \"file $f\"; done; for i in 1 2 3; do echo $i; done"));
    assertEquals("file /etc/hostname\nfile /etc/hosts\n1\n2\n3\n", out.out.toString());
  }

  @Test
  void readHereDocumentsAndPipes() throws Exception {
    assertEquals(0, run("cat <<EOF\nhello $HOSTNAME\n$((2*3))\nEOF\ncat <<'EOF'\n$HOSTNAME\nEOF\n"
        + "printf 'a b\\nc d\\n' | while read x y; do echo \"$y-$x\"; done"));
    assertEquals("hello web\n6\n$HOSTNAME\nb-a\nd-c\n", out.out.toString());
    out.clear();
    ExecSession s = sh("read line; echo \"got $line\"; read a b; echo \"$b,$a\"");
    s.stdin(Buffer.buffer("first line\nx y z\n"));
    s.closeStdin();
    assertEquals(0, code(s));
    assertEquals("got first line\ny z,x\n", out.out.toString());
  }

  @Test
  void parametersQuotesAndSplitting() throws Exception {
    assertEquals(0, run("set -- 'a b' c; echo $# \"$1\" $2; for x in \"$@\"; do echo \"[$x]\"; done; "
        + "for x in $@; do echo \"<$x>\"; done; V=hello; echo ${#V} ${U:-def} ${V:+set} \"${V%llo}\" $$; "
        + "export W=1; env | grep '^W='; echo 'single $V' \"double $V\" back\\ slash \\$V; "
        + "x=$(echo hi); echo \"$x\" `hostname` $((1+2))"));
    assertEquals("2 a b c\n[a b]\n[c]\n<a>\n<b>\n<c>\n5 def set he 1\nW=1\nsingle $V double hello back slash $V\n"
        + "hi web 3\n", out.out.toString());
  }

  @Test
  void loopsBreakContinueAndExit() throws Exception {
    assertEquals(0, run("for i in 1 2 3 4 5; do [ $i = 2 ] && continue; [ $i = 4 ] && break; echo $i; done; "
        + "i=0; while true; do i=$((i+1)); if [ $i -gt 2 ]; then break; fi; done; echo $i"));
    assertEquals("1\n3\n3\n", out.out.toString());
    out.clear();
    assertEquals(7, run("while true; do echo once; exit 7; done; echo never"));
    assertEquals("once\n", out.out.toString());
  }

  @Test
  void subshellsGroupsAndBackgroundJobs() throws Exception {
    assertEquals(0, run("x=1; (x=2; echo in $x); echo out $x; { x=3; echo group; } > /tmp/g; echo $x; cat /tmp/g; "
        + "(sleep 0.05; echo late) & echo early; wait; echo done"));
    assertEquals("in 2\nout 1\n3\ngroup\nearly\nlate\ndone\n", out.out.toString());
  }

  /** A loop that never waits yields the event loop: a timer still fires, and the loop stops when killed. */
  @Test
  void aBusyLoopLeavesTheEventLoopFreeAndStops() throws Exception {
    ExecSession s = sh("while true; do :; done");
    var timer = new java.util.concurrent.CompletableFuture<Void>();
    vertx.setTimer(50, t -> timer.complete(null));
    timer.get(10, TimeUnit.SECONDS);
    assertFalse(s.exitCode().isComplete());
    s.kill();
    assertEquals(137, code(s));
    ExecSession onTerminal = ShellSession.start(vertx, spec(), List.of("sh", "-c", "while true; do echo x; done"), out,
        true);
    await(() -> out.out.toString().contains("x\r\nx\r\n"));
    onTerminal.stdin(Buffer.buffer("\u0003"));
    assertEquals(130, code(onTerminal), "Ctrl-C over kubectl exec -it stops it");
  }

  /** What a newcomer tried first: substitutions, arithmetic, loops and an assignment from a command. */
  @Test
  void theNewcomersLine() throws Exception {
    assertEquals(0, run("echo A $(hostname) B `hostname` C $((1+2)); for i in 1 2 3; do echo $i; done; "
        + "x=$(echo hi); echo \"$x\"; while true; do echo loop; break; done"));
    assertEquals("A web B web C 3\n1\n2\n3\nhi\nloop\n", out.out.toString());
    assertEquals("", out.err.toString());
  }

  /** {@code kubectl exec -i POD -- sh}: a command over several lines runs once it is whole. */
  @Test
  void aShellReadingLinesWaitsForTheWholeCommand() throws Exception {
    ExecSession s = ShellSession.start(vertx, spec(), List.of("sh"), out, false);
    s.stdin(Buffer.buffer("for i in 1 2\ndo\n  echo \"n=$i\"\n"));
    s.stdin(Buffer.buffer("done\ncat <<EOF\nhere\nEOF\nexit 3\n"));
    assertEquals(3, code(s));
    assertEquals("n=1\nn=2\nhere\n", out.out.toString());
  }

  @Test
  void seqExprAndTeeServeScripts() throws Exception {
    assertEquals(0, run("for i in $(seq 1 3); do echo $i; done | tee /tmp/t; expr 2 + 3; n=$(expr $(cat /tmp/t | wc -l)"
        + " \\* 2); echo $n; seq 5 -2 1"));
    assertEquals("1\n2\n3\n5\n6\n5\n3\n1\n", out.out.toString());
  }

  @Test
  void dateFormatsAndRandom() throws Exception {
    assertEquals(0, run("date '+%Y-%m-%d %H:%M:%S %Z'; date +%s; r=$RANDOM; [ $r -ge 0 ] && [ $r -lt 32768 ] && "
        + "echo ok $((RANDOM % 1))"));
    String[] lines = out.out.toString().split("\n");
    assertTrue(lines[0].matches("\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC"), lines[0]);
    assertTrue(lines[1].matches("\\d{10}"), lines[1]);
    assertEquals("ok 0", lines[2]);
  }

  /** Downward API through files: the docs' loop with ash's {@code [[ ]]}. */
  @Test
  void downwardApiFilesLoop() throws Exception {
    Files.writeString(dir.resolve("sa/labels"), "app=\"web\"");
    ExecSession s = sh("while true; do if [[ -e /var/run/secrets/kubernetes.io/serviceaccount/labels ]]; then "
        + "echo -en '\\n\\n'; cat /var/run/secrets/kubernetes.io/serviceaccount/labels; fi; "
        + "if [[ -e /etc/podinfo/annotations ]]; then echo -en '\\n\\n'; cat /etc/podinfo/annotations; fi; "
        + "sleep 5; done;");
    await(() -> out.out.toString().equals("\n\napp=\"web\""));
    s.kill();
    assertEquals(137, code(s));
    assertEquals("", out.err.toString());
  }

  @Test
  void syntaxErrorsAsAshSaysThem() throws Exception {
    assertEquals(2, run("echo a; done"));
    assertEquals("sh: syntax error: unexpected \"done\"\n", out.err.toString());
    assertEquals("", out.out.toString());
    out.clear();
    assertEquals(2, run("while true; do echo"));
    assertEquals("sh: syntax error: unexpected end of file (expecting \"done\")\n", out.err.toString());
    out.clear();
    assertEquals(127, run("for i in 1; do nosuch; done"));
    assertEquals("sh: nosuch: not found\n", out.err.toString());
    out.clear();
    assertEquals(2, run("cd /etc; pwd; cd hosts"));
    assertEquals("/etc\n", out.out.toString());
    assertEquals("sh: cd: can't cd to hosts: Not a directory\n", out.err.toString());
  }
}
