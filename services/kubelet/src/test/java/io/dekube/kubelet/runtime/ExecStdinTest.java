package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code (echo a; sleep 2; echo xa) | kubectl exec -i POD -- grep x}: a filter that is the exec's own command reads
 * its stdin as it comes, as in a pipeline, and ends at its end.
 */
@org.junit.jupiter.api.extension.ExtendWith(io.vertx.junit5.VertxExtension.class)
class ExecStdinTest {

  @TempDir
  Path dir;
  private Vertx vertx;
  private final CapturedOutput output = new CapturedOutput();

  @BeforeEach
  void vertx(Vertx vertx) { // VertxExtension's: a new one for each test, closed after it
    this.vertx = vertx;
  }

  private ExecSession exec(String... argv) {
    ContainerSpec spec = new ContainerSpec("d", "p", "u", "n", "127.0.0.1",
        new ContainerBuilder().withName("c").withImage("busybox").build(), Map.of(), dir.resolve("c/0.log"), dir,
        Map.of(), "id");
    output.clear();
    return ShellSession.start(vertx, spec, List.of(argv), output, false);
  }

  private static int code(ExecSession s) throws Exception {
    return s.exitCode().toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  /** Feeds {@code first}, waits for {@code firstOut} while stdin is still open, then the rest and the end. */
  private void streams(List<String> argv, String first, String firstOut, String rest, String allOut) throws Exception {
    ExecSession s = exec(argv.toArray(String[]::new));
    s.stdin(Buffer.buffer(first));
    Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> output.out.toString().equals(firstOut));
    assertFalse(s.exitCode().isComplete(), argv + " waits for the end of its input");
    s.stdin(Buffer.buffer(rest));
    s.closeStdin();
    assertEquals(0, code(s), argv + ": " + output.err);
    assertEquals(allOut, output.out.toString(), argv.toString());
  }

  @Test
  void filtersPassWhatComesBeforeStdinEnds() throws Exception {
    streams(List.of("grep", "x"), "a\nxa\n", "xa\n", "b\nxb", "xa\nxb\n");
    streams(List.of("sed", "s/a/A/"), "a\nba\n", "A\n", "", "A\nbA\n"); // a line once the next came
    streams(List.of("awk", "{ print $2 }"), "1 2\n", "2\n", "3 4\n", "2\n4\n");
    streams(List.of("tr", "a-z", "A-Z"), "ab", "AB", "c\nd", "ABC\nD");
    streams(List.of("tee", "/tee.txt"), "t\n", "t\n", "u", "t\nu");
    streams(List.of("cut", "-d,", "-f2"), "a,b\n", "b\n", "c,d\n", "b\nd\n");
  }

  @Test
  void aFilterThatNeedsTheEndGetsAllOfStdinAndHeadEndsEarly() throws Exception {
    ExecSession wc = exec("wc", "-c");
    wc.stdin(Buffer.buffer("ab"));
    wc.stdin(Buffer.buffer("\u00e9".getBytes(StandardCharsets.UTF_8)));
    wc.closeStdin();
    assertEquals(0, code(wc));
    assertEquals("4", output.out.toString().trim());

    ExecSession head = exec("head", "-n", "1");
    head.stdin(Buffer.buffer("one\ntwo\n"));
    assertEquals(0, code(head), "head ends after its line, its stdin still open");
    assertEquals("one\n", output.out.toString());
  }

  @Test
  void aCharacterSplitAcrossPiecesOfStdinComesWhole() throws Exception {
    byte[] e = "\u00e9\n".getBytes(StandardCharsets.UTF_8);
    ExecSession grep = exec("grep", "\u00e9");
    grep.stdin(Buffer.buffer(new byte[] {e[0]}));
    grep.stdin(Buffer.buffer(new byte[] {e[1], e[2]}));
    grep.closeStdin();
    assertEquals(0, code(grep));
    assertEquals("\u00e9\n", output.out.toString());
  }
}
