package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.dekube.kubelet.runtime.awk.Awk;
import java.util.List;
import org.junit.jupiter.api.Test;

/** C's printf, as the shell's {@code printf} and awk's {@code printf}/{@code sprintf} both format with it. */
class PrintfTest {

  /** The shell's {@code printf ARGS}: "code|stdout|stderr". */
  private static String printf(String... args) {
    CapturedOutput o = new CapturedOutput();
    int code = Printing.printf(List.of(args), o);
    return code + "|" + o.out + "|" + o.err;
  }

  /** awk's {@code printf FORMAT, ARGS} in a BEGIN action: its output. */
  private static String awk(String formatAndArgs) {
    Awk.Result r = Awk.run(List.of("BEGIN { printf " + formatAndArgs + " }"), "");
    return r.out() + r.err();
  }

  @Test
  void generalFormIsCs() {
    assertEquals("0|0.0001\n100000\n1e+06\n3\n|", printf("%g\\n", "0.0001", "100000", "1e6", "3.0"));
    assertEquals("1.234e-05 1E-10 100000 1e+06\n", awk("\"%g %G %g %g\\n\", 0.00001234, 1e-10, 100000, 1000000"));
    assertEquals("0|3.00000 1.e+02|", printf("%#g %#.0e", "3", "123"));
  }

  @Test
  void flagsWidthAndPrecision() {
    String ints = "[   42|42   |00042|+42| 42|007|ff|0xff|010|FF|18446744073709551615]";
    assertEquals("0|" + ints + "|", printf("[%5d|%-5d|%05d|%+d|% d|%.3d|%x|%#x|%#o|%X|%u]", "42", "42", "42", "42",
        "42", "7", "255", "255", "8", "255", "-1"));
    assertEquals(ints, awk("\"[%5d|%-5d|%05d|%+d|% d|%.3d|%x|%#x|%#o|%X|%u]\", 42, 42, 42, 42, 42, 7, 255, 255, 8, 255, -1"));
    String reals = "[2.67| 1.235e+04|3.14    |-0003.14|1.230000E-04|2|3.|1.00]";
    assertEquals("0|" + reals + "|", printf("[%.2f|%10.3e|%-8.2f|%08.2f|%E|%.0f|%#.0f|%.2f]", "2.675", "12345.678",
        "3.14159", "-3.14159", "0.000123", "2.5", "3", "1.005"), "rounded from the exact binary value, as glibc");
    assertEquals(reals, awk("\"[%.2f|%10.3e|%-8.2f|%08.2f|%E|%.0f|%#.0f|%.2f]\", 2.675, 12345.678, 3.14159, -3.14159, "
        + "0.000123, 2.5, 3, 1.005"));
    assertEquals("0|[   7|7   |3.14|  he|%]|", printf("[%*d|%-*d|%.*f|%4.2s|%%]", "4", "7", "4", "7", "2", "3.14159", "hello"));
    assertEquals("[   7|7   |3.14|  he|%]", awk("\"[%*d|%-*d|%.*f|%4.2s|%%]\", 4, 7, 4, 7, 2, 3.14159, \"hello\""));
    assertEquals("[A|h|  inf| -inf]", awk("\"[%c|%c|%5.1f|%05.1f]\", 65, \"hello\", 1e400, -1e400"),
        "%c of a number is that character; infinities are not zero-padded");
  }

  @Test
  void theShellsEscapesCharactersAndNumbers() {
    assertEquals("0|a\tb\\q\nA|", printf("a\\tb%b\\101", "\\\\q\\n"));
    assertEquals("0|x|", printf("x\\cy"), "\\c ends the output");
    assertEquals("0|AB\u0001C|", printf("\\x41%b\\1\\0103", "\\x42"), "hex and octal escapes");
    assertEquals("C\n", Printing.echo(List.of("-e", "\\x43")));
    assertEquals("0|65 97 1|", printf("%d %d %c", "'A", "\"a", "1x"));
    assertEquals("0|255 8 -3|", printf("%d %d %i", "0xff", "010", "-3"));
    assertEquals("1|3 0|printf: invalid number '3.5'\nprintf: invalid number 'x'\n", printf("%d %d", "3.5", "x"));
    assertEquals("0|a=1\nb=2\n|", printf("%s=%s\\n", "a", "1", "b", "2"), "the format again while arguments are left");
  }
}
