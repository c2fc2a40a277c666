package io.dekube.kubelet.images;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code perl}, as the Job page runs it: pi to 2000 digits, and nothing else. */
class PerlTest {

  @TempDir
  Path dir;

  @Test
  void theJobPagesProgramPrintsPiTo2000Digits() throws Exception {
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.12.2")) {
      t.start("pi-x7k2p", new ContainerBuilder().withName("pi").withImage("perl:5.34.0")
          .withCommand("perl", "-Mbignum=bpi", "-wle", "print bpi(2000)").build(), Map.of());
      assertEquals(0, t.exitCode()); // reported once the log is on disk
      String line = t.log("pi").replaceFirst("^\\S+ stdout F ", "");
      assertEquals(2002, line.length(), "3, the point, 1999 decimals and the newline");
      assertTrue(line.startsWith("3.1415926535897932384626433832795028841971693993751058209749445923078164062862089"));
      // the last digits of pi to 2000 significant digits: …4780275900|9946… rounds to …4780275901 (bc -l's 4*a(1))
      assertTrue(line.endsWith("4780275901\n"), line);
    }
  }

  @Test
  void piIsComputedAndRoundedAsBpiPrintsIt() {
    assertEquals("3.14159", Perl.pi(6));
    assertEquals("3.1416", Perl.pi(5));
    assertEquals("3", Perl.pi(1));
    String two = Perl.pi(2000);
    assertEquals(two.substring(0, 1500), Perl.pi(3000).substring(0, 1500));
  }

  @Test
  void anythingElseEndsWithAClearErrorAndPerlsExitCode() throws Exception {
    assertEquals(new Perl.PiProgram(100, false), Perl.parse(List.of("perl", "-Mbignum=bpi", "-e", "print bpi(100);")));
    assertNull(Perl.parse(List.of("perl", "-e", "print 1+1")));
    assertNull(Perl.parse(List.of("perl", "script.pl")));
    try (ImageUnderTest t = new ImageUnderTest(dir, "127.31.12.3")) {
      t.start("hello", new ContainerBuilder().withName("perl").withImage("perl")
          .withCommand("perl", "-e", "print \"hi\\n\"").build(), Map.of());
      assertEquals(255, t.exitCode());
      // the exit is reported once the log is on disk
      assertTrue(t.log("perl").contains("perl: dekube's perl image has no Perl interpreter: it runs only the Job "
          + "page's program, perl -Mbignum=bpi -wle 'print bpi(N)'; not: perl -e print \"hi\\n\""), t.log("perl"));
    }
  }
}
