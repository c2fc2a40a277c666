package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The options of the busybox shell: {@code set -e}, {@code -x}, {@code -u}, {@code -o pipefail}, and as sh's flags. */
class ShellOptionsTest {

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

  private int run(String script) throws Exception {
    return shell.run(script);
  }

  private int run(List<String> argv) throws Exception {
    return shell.run(argv);
  }

  @Test
  void errexitEndsTheShellAtAFailureNotTested() throws Exception {
    assertEquals(1, run("set -e; echo a; false; echo b"));
    assertEquals("a\n", out.out.toString());
    out.clear();
    assertEquals(1, run("set -e; if false; then :; fi; while false; do :; done; until true; do :; done; "
        + "false && true; false || true; ! true; true && false || true; x=$(false) || :; echo reached; "
        + "false | true; echo piped; f() { false; echo 'in f'; }; f; echo never"));
    assertEquals("reached\npiped\n", out.out.toString());
    out.clear();
    assertEquals(3, run("set -e; (exit 3); echo never"));
    assertEquals(1, run("set -e; true | false; echo never"));
    assertEquals(0, run("set -e; set +e; false; echo on"));
    assertEquals("on\n", out.out.toString());
  }

  @Test
  void shsFlagsSetTheOptions() throws Exception {
    assertEquals(1, run(List.of("sh", "-e", "-c", "false; echo never")));
    assertEquals(1, run(List.of("sh", "-ec", "false; echo never")));
    assertEquals(0, run("sh -e -c 'false; echo never'; echo \"inner $?\"; sh -xc 'echo hi'"));
    assertEquals("inner 1\nhi\n", out.out.toString());
    assertEquals("+ echo hi\n", out.err.toString());
  }

  @Test
  void aScriptRunByItsPathGetsTheFlagsOfItsShebangAndShReadsAPipedScript() throws Exception {
    assertEquals(0, run("printf '#!/bin/sh -e\\necho \"args $*\"\\nfalse\\necho never\\n' > /tmp/run.sh; "
        + "/tmp/run.sh a b; echo \"status $?\"; echo 'echo piped $((1+2))' | sh; "
        + "printf 'set -e\\nfalse\\necho never\\n' | sh; echo \"piped status $?\""));
    assertEquals("args a b\nstatus 1\npiped 3\npiped status 1\n", out.out.toString());
    out.clear();
    assertEquals(1, run(List.of("/tmp/run.sh", "c")));
    assertEquals("args c\n", out.out.toString());
  }

  @Test
  void xtracePrintsEachCommandAfterExpansion() throws Exception {
    assertEquals(0, run("set -x; v='a b'; echo \"$v\" c 2>/dev/null; A=1 printenv A; set +x; echo quiet"));
    assertEquals("a b c\n1\nquiet\n", out.out.toString());
    assertEquals("+ v='a b'\n+ echo 'a b' c\n+ A=1 printenv A\n+ set +x\n", out.err.toString());
  }

  @Test
  void nounsetStopsAtAnUnsetParameter() throws Exception {
    assertEquals(2, run("set -u; echo ${U:-def} \"$@\" ${U+x}.; echo $U; echo never"));
    assertEquals("def .\n", out.out.toString());
    assertEquals("sh: U: parameter not set\n", out.err.toString());
  }

  @Test
  void pipefailGivesTheLastFailureOfAPipeline() throws Exception {
    assertEquals(0, run("set -o pipefail; false | true; echo $?; set +o pipefail; false | true; echo $?; "
        + "set -euo pipefail; yes | head -1 > /dev/null || echo \"sigpipe $?\"; case $- in *e*u*) echo eu;; esac"));
    assertEquals("1\n0\nsigpipe 141\neu\n", out.out.toString());
  }

  @Test
  void anUnknownOptionIsRefused() throws Exception {
    assertEquals(0, run("set -Z; echo \"status $?\"; set -- a b; echo $#"));
    assertEquals("status 2\n2\n", out.out.toString());
    assertEquals("sh: set: illegal option -Z\n", out.err.toString());
  }
}
