package io.dekube.kubelet.runtime.awk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** busybox's awk as the docs' and everyday scripts use it. */
class AwkTest {

  /** {@code awk ARGS} over {@code input}: "code|stdout|stderr". */
  private static String awk(String input, String... args) {
    Awk.Result r = Awk.run(List.of(args), input);
    return r.code() + "|" + r.out() + "|" + r.err();
  }

  @Test
  void fieldsPatternsAndSeparators() {
    String ps = "PID USER TIME COMMAND\n1 root 0:00 sleep 3600\n7 root 0:00 ps\n";
    assertEquals("0|PID\n1\n7\n|", awk(ps, "{print $1}"));
    assertEquals("0|sleep 3600\nps \n|", awk(ps, "NR > 1 { print $4, $5 }"), "a missing field is empty");
    assertEquals("0|root\ndaemon\n|", awk("root:x:0\ndaemon:x:1\n", "-F:", "{print $1}"));
    assertEquals("0|x,0\n|", awk("root:x:0\n", "-F", ":", "-v", "OFS=,", "{print $2, $3}"));
    assertEquals("0|b\n|", awk("a\tb\n", "-F\\t", "{print $2}"));
    assertEquals("0|3 3600\n|", awk("1 root 0:00 sleep 3600\n", "/sleep/ {print NF - 2, $NF}"));
    assertEquals("0|two\nthree\n|", awk("one\ntwo\nthree\nfour\n", "/two/,/three/"));
    assertEquals("0|a-b\n|", awk("a b\n", "-v", "OFS=-", "{$1 = $1; print}"), "assigning a field rebuilds $0");
  }

  @Test
  void arithmeticArraysAndEnd() {
    assertEquals("0|6\n|", awk("1\n2\n3\n", "{ s += $1 } END { print s }"));
    assertEquals("0|2.5\n|", awk("2\n3\n", "{ s += $1; n++ } END { print s / n }"));
    assertEquals("0|a 2\nb 1\n|", awk("a\nb\na\n", "{ c[$1]++ } END { for (k in c) print k, c[k] }"));
    assertEquals("0|1024 3 1\n|", awk("", "BEGIN { print 2^10, 7 % 4, (10 > 9) }"));
    assertEquals("0|x=3\n|", awk("", "BEGIN { x = 1; x += 2; printf \"x=%d\\n\", x }"));
    assertEquals("0|1 2 3 |", awk("", "BEGIN { for (i = 1; i <= 3; i++) printf \"%s \", i }"));
    assertEquals("0|big\n|", awk("", "BEGIN { n = 12; if (n > 10) print \"big\"; else print \"small\" }"));
    assertEquals("0|10 9\n|", awk("10\n9\n", "{ a = a (NR > 1 ? \" \" : \"\") $1 } END { print a }"));
    assertEquals("0|yes\n|", awk("", "BEGIN { if (\"10\" < \"9\") print \"yes\" }"), "string constants compare as strings");
    assertEquals("0|no\n|", awk("10 9\n", "{ print ($1 < $2 ? \"yes\" : \"no\") }"), "numeric fields as numbers");
  }

  @Test
  void stringFunctions() {
    assertEquals("0|5 ell 2 HI hi\n|", awk("", "BEGIN { s = \"hello\"; print length(s), substr(s, 2, 3), "
        + "index(s, \"e\"), toupper(\"hi\"), tolower(\"HI\") }"));
    assertEquals("0|3 b\n|", awk("", "BEGIN { n = split(\"a:b:c\", p, \":\"); print n, p[2] }"));
    assertEquals("0|h-ll- w-rld 3\n|", awk("hello world\n", "{ n = gsub(/[aeiou]/, \"-\"); print $0, n }"));
    assertEquals("0|[hello] world\n|", awk("hello world\n", "{ sub(/hello/, \"[&]\"); print }"));
    assertEquals("0|-a-c-\n|", awk("", "BEGIN { s = \"abc\"; gsub(/b*/, \"-\", s); print s }"));
    assertEquals("0|3 2\n|", awk("", "BEGIN { match(\"xxab\", /ab/); print RSTART, RLENGTH }"));
    assertEquals("0|  3.14|x  |\n|", awk("", "BEGIN { printf \"%6.2f|%-3s|\\n\", 3.14159, \"x\" }"));
    assertEquals("0|0.1 1000000 0.333333 1.5\n|", awk("", "BEGIN { print 0.1, 1e6, 1/3, 3/2 }"));
    assertEquals("0|wrote\n|", awk("", "BEGIN { print \"wrote\" > \"/dev/stdout\" }"));
  }

  @Test
  void nextExitAndMatchOperators() {
    assertEquals("0|b\n|", awk("a\nb\n", "/a/ { next } { print }"));
    assertEquals("3|a\n|", awk("a\nb\n", "{ print; exit 3 }"));
    assertEquals("0|a\nend\n|", awk("a\nb\n", "{ print; exit } END { print \"end\" }"));
    assertEquals("0|b2\n|", awk("a1\nb2\n", "$0 ~ /b/ && $0 !~ /a/"));
    assertEquals("0|yes\n|", awk("", "BEGIN { r = \"^ab\"; if (\"abc\" ~ r) print \"yes\" }"));
  }

  @Test
  void errorsAreAwksWords() {
    assertEquals("2||awk: cmd. line:1: syntax error: unexpected end of program (missing '}')\n", awk("", "{ print"));
    assertEquals("2||awk: cmd. line:1: user-defined functions are not supported by dekube's awk\n",
        awk("", "function f(x) { return x }"));
    assertEquals("2||awk: division by zero\n", awk("", "BEGIN { print 1 / 0 }"));
    assertEquals("1||BusyBox v1.36.1 multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n", awk(""));
  }
}
