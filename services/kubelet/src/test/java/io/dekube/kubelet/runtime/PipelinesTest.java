package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pipelines of the busybox shell: every stage at once, streaming, with back-pressure, EOF and SIGPIPE. */
class PipelinesTest {

  @TempDir
  Path dir;
  private BusyboxScripts shell;
  private CapturedOutput out;

  @BeforeEach
  void shell() throws Exception {
    shell = new BusyboxScripts(dir);
    out = shell.out;
  }

  @AfterEach
  void close() throws Exception {
    shell.close();
  }

  private ExecSession sh(String script) {
    return shell.sh(script);
  }

  private int run(String script) throws Exception {
    return shell.run(script);
  }

  private static int code(ExecSession s) throws Exception {
    return BusyboxScripts.code(s);
  }

  private static void await(java.util.concurrent.Callable<Boolean> what) {
    Awaitility.await().atMost(Duration.ofSeconds(15)).until(what);
  }

  @Test
  void yesEndsWhenHeadHasItsLines() throws Exception {
    assertEquals(0, run("yes | head -2; yes no | head -n 1"));
    assertEquals("y\ny\nno\n", out.out.toString());
  }

  @Test
  void aLoopFeedsHeadAndEndsByItsBrokenPipe() throws Exception {
    assertEquals(0, run("while true; do date; sleep 0.01; done | head -3; "
        + "i=0; while true; do i=$((i+1)); echo $i; done | head -n 2; echo \"after $?\""));
    String[] lines = out.out.toString().split("\n");
    assertEquals(6, lines.length, out.out.toString());
    assertTrue(lines[0].matches("\\w{3} \\w{3} .* UTC \\d{4}"), lines[0]);
    assertEquals(List.of("1", "2", "after 0"), List.of(lines).subList(3, 6));
  }

  @Test
  void everyStageRunsAtOnceAndShowsWhatComes() throws Exception {
    ExecSession s = sh("(echo one; echo two; sleep 60; echo three) | grep o | while read l; do echo \"got $l\"; done");
    await(() -> out.out.toString().equals("got one\ngot two\n"));
    assertFalse(s.exitCode().isComplete(), "the first stage still sleeps");
    s.kill();
    assertEquals(137, code(s));
  }

  @Test
  void tailFollowsIntoGrepAsTheFileGrows() throws Exception {
    ExecSession s = sh("tail -F /var/log/app.log | grep ERROR");
    ExecSession app = shell.start(List.of("sh", "-c",
        "i=0; while true; do i=$((i+1)); echo \"INFO $i\" >> /var/log/app.log; "
            + "echo \"ERROR $i\" >> /var/log/app.log; sleep 0.05; done"), new CapturedOutput());
    await(() -> out.out.toString().startsWith("ERROR 1\nERROR 2\nERROR 3\n"));
    assertFalse(out.out.toString().contains("INFO"));
    app.kill();
    s.kill();
    assertEquals(137, code(s));
  }

  @Test
  void filtersThatNeedTheEndCountAndSort() throws Exception {
    Files.writeString(dir.resolve("var/log/words"), "b\na\nb\nc\nb\n");
    assertEquals(0, run("cat /var/log/words | sort | uniq -c | sort -rn; ls /var/log | wc -l; "
        + "printf 'x\\ny\\n' | tee /var/log/copy | wc -l; cat /var/log/copy"));
    assertEquals("      3 b\n      1 c\n      1 a\n1\n2\nx\ny\n", out.out.toString());
  }

  @Test
  void trCutAndHeadReadTheirInput() throws Exception {
    assertEquals(0, run("echo hello | tr a-z A-Z; echo 'a:b:c' | cut -d: -f2; echo 'a b c' | cut -d ' ' -f1,3; "
        + "printf 'one\\ntwo\\n' | tr '\\n' ' '; echo; echo abcdef | cut -c2-4; seq 10 | head -n 3 | tail -1"));
    assertEquals("HELLO\nb\na c\none two \nbcd\n3\n", out.out.toString());
  }

  @Test
  void theStatusIsTheLastStagesAndStagesAreSubshells() throws Exception {
    assertEquals(0, run("true | false; echo $?; false | true; echo $?; ! true | true; echo $?; "
        + "v=out; echo in | read v; echo $v; f() { while read l; do echo \"[$l]\"; done; }; "
        + "printf '1\\n2\\n' | f | tr '[]' '<>'"));
    assertEquals("1\n0\n1\nout\n<1>\n<2>\n", out.out.toString());
  }
}
