package io.dekube.kubelet.runtime;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** busybox's {@code tr}, {@code cut} and {@code sed} as the filters of a pipeline stage. */
class TextEditorsTest {

  private final CapturedOutput output = new CapturedOutput();

  /** {@code name args...} over {@code input}: "exit|stdout|stderr". */
  private String run(String input, String name, String... args) {
    output.clear();
    int code = TextFilters.run(name, List.of(args), input, output);
    return code + "|" + output.out + "|" + output.err;
  }

  @Test
  void grepMatchesAnyOfItsPatterns() {
    // "ConfigMaps": env | grep -e LIVES -e UI_ shows both variables
    assertEquals("0|LIVES=3\nUI_FILE=x\n|", run("LIVES=3\nHOME=/\nUI_FILE=x\n", "grep", "-e", "LIVES", "-e", "UI_"));
    assertEquals("0|a\nb\n|", run("a\nb\nc\n", "grep", "a\nb"), "each line of a pattern is a pattern");
    assertEquals("0|HOME=/\n|", run("LIVES=3\nHOME=/\n", "grep", "-v", "-e", "LIVES", "-e", "UI_"));
    assertEquals("0|2\n|", run("x.y\nxzy\nq\n", "grep", "-c", "-F", "-e", "x.y", "-e", "q"));
  }

  @Test
  void trTranslatesDeletesSqueezesAndComplements() {
    assertEquals("0|HELLO WORLD\n|", run("hello world\n", "tr", "a-z", "A-Z"));
    assertEquals("0|hello\n|", run("HELLO\n", "tr", "[:upper:]", "[:lower:]"));
    assertEquals("0|hll wrld\n|", run("hello world\n", "tr", "-d", "aeiou"));
    assertEquals("0|a b c\n|", run("a   b  c\n", "tr", "-s", " "));
    assertEquals("0|a\nb\nc\n|", run("a b c\n", "tr", " ", "\\n"));
    assertEquals("0|123|", run("a1b2c3\n", "tr", "-cd", "[:digit:]"));
    assertEquals("0|xbc\n|", run("abc\n", "tr", "a", "xyz"));
    assertEquals("0|xyy\n|", run("abc\n", "tr", "abc", "xy"), "a shorter SET2 repeats its last character");
    assertEquals("0|A_B\n|", run("a b\n", "tr", "-s", "a-z ", "A-Z_"));
    assertEquals(1, Integer.parseInt(run("x", "tr", "a").split("\\|")[0]), "translation needs two sets");
  }

  @Test
  void cutSelectsFieldsAndCharacters() {
    String passwd = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\n";
    assertEquals("0|root\ndaemon\n|", run(passwd, "cut", "-d", ":", "-f", "1"));
    assertEquals("0|root:0\ndaemon:1\n|", run(passwd, "cut", "-d:", "-f1,3"));
    assertEquals("0|/root:/bin/sh\n/usr/sbin:/bin/false\n|", run(passwd, "cut", "-d:", "-f6-"));
    assertEquals("0|a\tb\nno tab\n|", run("a\tb\tc\nno tab\n", "cut", "-f", "-2"));
    assertEquals("0|a\tb\n|", run("a\tb\tc\nno tab\n", "cut", "-s", "-f1-2"));
    assertEquals("0|hel\nwor\n|", run("hello\nworld\n", "cut", "-c1-3"));
    assertEquals("1||cut: expected a list of bytes, characters, or fields\n", run("x\n", "cut", "-d:"));
    assertEquals("1||cut: the delimiter must be a single character\n", run("x\n", "cut", "-d", "::", "-f1"));
  }

  @Test
  void sedSubstitutesWithBasicAndExtendedExpressions() {
    assertEquals("0|hello there\n|", run("hello world\n", "sed", "s/world/there/"));
    assertEquals("0|a-b-c\n|", run("a b c\n", "sed", "s/ /-/g"));
    assertEquals("0|a b-c\n|", run("a b c\n", "sed", "s/ /-/2"));
    assertEquals("0|[hello] world\n|", run("hello world\n", "sed", "s/[a-z]*/[&]/"));
    assertEquals("0|world hello\n|", run("hello world\n", "sed", "s/\\(.*\\) \\(.*\\)/\\2 \\1/"));
    assertEquals("0|world hello\n|", run("hello world\n", "sed", "-E", "s/(.*) (.*)/\\2 \\1/"));
    assertEquals("0|a+b\n|", run("a+b\n", "sed", "s/a+b/&/"), "+ is a literal in a basic expression");
    assertEquals("0|x\n|", run("aaa\n", "sed", "s/a\\{3\\}/x/"));
    assertEquals("0|/usr/bin\n|", run("/usr/local/bin\n", "sed", "s|/local||"));
    assertEquals("0|v=2\n|", run("v=1\n", "sed", "s/[[:digit:]]/2/"));
    assertEquals("0|HELLO\n|", run("hello\n", "sed", "s/HELLO/&/I;y/helo/HELO/"));
  }

  @Test
  void grepReadsPosixClassesAndBasicOperatorsAsSedDoes() {
    assertEquals("0|v2\n|", run("v\nv2\n", "grep", "[[:digit:]]\\+"));
    assertEquals("0|a+b\n|", run("a+b\naab\n", "grep", "a+b"), "+ is a literal in a basic expression");
    assertEquals("0|aab\n|", run("a+b\naab\n", "grep", "-E", "^a+b$"));
  }

  @Test
  void sedAddressesPrintDeleteQuitAndText() {
    String lines = "one\ntwo\nthree\nfour\n";
    assertEquals("0|two\n|", run(lines, "sed", "-n", "2p"));
    assertEquals("0|one\nfour\n|", run(lines, "sed", "2,3d"));
    assertEquals("0|two\nthree\n|", run(lines, "sed", "-n", "/two/,/three/p"));
    assertEquals("0|four\n|", run(lines, "sed", "-n", "$p"));
    assertEquals("0|one\ntwo\n|", run(lines, "sed", "2q"));
    assertEquals("3|one\n|", run(lines, "sed", "1q3"));
    assertEquals("0|one\n|", run(lines, "sed", "-n", "/o/!d;/e/p"));
    assertEquals("0|one\n--\ntwo\n|", run("one\ntwo\n", "sed", "1a --"));
    assertEquals("0|# head\none\n|", run("one\n", "sed", "1i\\\n# head"));
    assertEquals("0|X\nthree\nfour\n|", run(lines, "sed", "1,2c X"));
    assertEquals("0|1\none\n2\ntwo\n|", run("one\ntwo\n", "sed", "="));
    assertEquals("0|one two\n|", run("one\ntwo\n", "sed", "N;s/\\n/ /"));
    assertEquals("0|two\none\n|", run("one\ntwo\n", "sed", "-n", "1h;2{G;p}"));
    assertEquals("0|a\nc\n|", run("a\nb\nc\n", "sed", "-e", "/b/d", "-e", "# a comment"));
  }

  @Test
  void sedSaysWhatIsWrongWithAScript() {
    assertEquals("1||sed: unsupported command k\n", run("x\n", "sed", "k"));
    assertEquals("1||sed: unmatched '/'\n", run("x\n", "sed", "s/a/b"));
    assertEquals("1||sed: strings for y command are different lengths\n", run("x\n", "sed", "y/ab/c/"));
    assertEquals("1||sed: unmatched '{'\n", run("x\n", "sed", "1{p"));
  }
}
