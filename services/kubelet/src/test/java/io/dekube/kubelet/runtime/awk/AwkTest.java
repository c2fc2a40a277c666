package io.dekube.kubelet.runtime.awk;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
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
    assertEquals("2||awk: cmd. line:1: calling undefined function g\n", awk("", "BEGIN { g(1) }"));
    assertEquals("2||awk: cmd. line:1: syntax error: return outside a function\n", awk("", "BEGIN { return 1 }"));
    assertEquals("2||awk: division by zero\n", awk("", "BEGIN { print 1 / 0 }"));
    assertEquals("1||BusyBox v1.36.1 multi-call binary.\n\nUsage: awk [OPTIONS] [AWK_PROGRAM] [FILE]...\n", awk(""));
  }

  @Test
  void assignmentsDecodeEscapesAsStringLiteralsDo() {
    assertEquals("0|1\\n2|\n|", awk("", "-v", "x=1\\\\n2", "BEGIN { print x \"|\" }"), "\\\\ is one backslash");
    assertEquals("0|A/\"\u0007.\n|", awk("", "-v", "x=\\101\\/\\\"\\a.", "BEGIN { print x }"), "octal, \\/, \\\", \\a");
    assertEquals("0|a\tb\n|", awk("z\n", "{ print x }", "x=a\\tb", "-"), "an operand assignment too");
  }

  @Test
  void userDefinedFunctions() {
    assertEquals("0|120\n|", awk("", "function fact(n) { return n <= 1 ? 1 : n * fact(n - 1) }\n"
        + "BEGIN { print fact(5) }"), "recursion");
    assertEquals("0|3 c\n|", awk("", "function fill(arr, s,   n) { n = split(s, arr, \",\"); return n }\n"
        + "BEGIN { k = fill(parts, \"a,b,c\"); print k, parts[3] }"), "an array by reference, an extra param as local");
    assertEquals("0|1 x\n|", awk("", "func f(x) { x = 2; y = \"x\" } BEGIN { x = 1; f(x); print x, y }"),
        "a scalar by value, globals shared; func is function's short form");
    assertEquals("0|2\n|", awk("", "function add(a, k) { a[k] = 1 } BEGIN { add(seen, \"p\"); add(seen, \"q\"); "
        + "n = 0; for (k in seen) n++; print n }"), "an unset argument becomes the caller's array");
    assertEquals("0|a-b\nc-d\n|", awk("a b\nc d\n", "function join(x, y) { return x \"-\" y } { print join($1, $2) }"));
    assertEquals("0||", awk("", "function nothing() { return } BEGIN { printf \"%s\", nothing() }"));
    assertEquals("0|fib 55\n|", awk("", "function fib(n,  a, b) { if (n < 2) return n; a = fib(n - 1); b = fib(n - 2); "
        + "return a + b }\nBEGIN { print \"fib\", fib(10) }"), "locals are each call's own");
  }

  @Test
  void getlineReadsTheInputFilesAndCommands() {
    assertEquals("0|1 a b 2\n3 c d 4\n|", awk("a\nb\nc\nd\n", "{ getline nxt; print NR - 1, $0, nxt, NR }"),
        "getline var reads the next record: NR counts it, $0 stays");
    assertEquals("0|b 2\n|", awk("a\nb\n", "NR == 1 { getline; print $0, NR }"));
    assertEquals("0|a,b\n|", awk("a\nb\n", "BEGIN { while ((getline line) > 0) s = s (s ? \",\" : \"\") line; print s }"),
        "BEGIN reads the input itself");
    AwkIo io = new AwkIo() {
      @Override
      public String read(String path) throws java.io.IOException {
        if (path.equals("/etc/passwd")) {
          return "root:x:0:0\nnobody:x:65534:65534\n";
        }
        throw new java.io.IOException("No such file or directory");
      }

      @Override
      public void write(String path, String text, boolean append) {
        throw new UnsupportedOperationException(path);
      }

      @Override
      public Ran run(String command, String stdin) {
        return command.equals("date") ? new Ran("Sun Dec  6 12:00:00 UTC 2026\n", 0) : new Ran("", 127);
      }
    };
    assertEquals("0|root nobody 2 0\n|", run(io, "BEGIN { FS = \":\"; while ((getline line < \"/etc/passwd\") > 0) "
        + "{ split(line, f); names = names (names ? \" \" : \"\") f[1]; n++ } print names, n, NR }"));
    assertEquals("0|root 4 0\n|", run(io, "BEGIN { FS = \":\"; getline < \"/etc/passwd\"; print $1, NF, NR }"),
        "getline < file sets $0 and NF, not NR");
    assertEquals("0|-1\n|", run(io, "BEGIN { print (getline line < \"/nope\") }"), "a file it cannot read: -1");
    assertEquals("0|Sun 1 0\n|", run(io, "BEGIN { \"date\" | getline d; split(d, w, \" \"); print w[1], NR, "
        + "close(\"date\") }"), "cmd | getline counts NR; close gives the command's exit code");
    assertEquals("0|root root\n|", run(io, "BEGIN { getline a < \"/etc/passwd\"; close(\"/etc/passwd\"); "
        + "getline b < \"/etc/passwd\"; print substr(a, 1, 4), substr(b, 1, 4) }"), "close starts the file again");
    assertEquals("0|x 1 1\ny 1 3\nv=2\n|", run(files(Map.of("x", "a\nb\n", "y", "c\n")),
        "FNR == 1 { print FILENAME, FNR, NR } END { print \"v=\" v }", "x", "v=2", "y"), "FNR starts anew in each file");
  }

  @Test
  void printWritesToFilesAndCommands() {
    Map<String, String> files = new java.util.HashMap<>(Map.of("/tmp/old", "x\n"));
    assertEquals("0|[sort: b,a,]\n3 end\n|", run(files(files), "BEGIN { print \"1\" > \"/tmp/f\"; print \"2\" > \"/tmp/f\"; "
        + "print \"y\" >> \"/tmp/old\"; print \"b\" | \"sort\"; print \"a\" | \"sort\"; c = close(\"sort\"); "
        + "print c, \"end\"; printf \"%s\", \"z\" > \"/tmp/g\" }"));
    assertEquals(Map.of("/tmp/f", "1\n2\n", "/tmp/old", "x\ny\n", "/tmp/g", "z"), files,
        "> empties a file at its first write only; >> appends");
    assertEquals("0|a\n[cat: x,]\n|", run(files(new java.util.HashMap<>()), "BEGIN { print \"x\" | \"cat\"; print \"a\" }"),
        "a command still open runs at the end");
    assertEquals("2||awk: can't redirect to '/f' (Read-only file system)\n", awk("", "BEGIN { print 1 > \"/f\" }"));
  }

  private static AwkIo files(Map<String, String> texts) {
    return new AwkIo() {
      @Override
      public String read(String path) throws java.io.IOException {
        if (!texts.containsKey(path)) {
          throw new java.io.IOException("No such file or directory");
        }
        return texts.get(path);
      }

      @Override
      public void write(String path, String text, boolean append) {
        texts.merge(path, text, (old, more) -> append ? old + more : more);
      }

      @Override
      public Ran run(String command, String stdin) {
        return new Ran("[" + command + ": " + stdin.replace("\n", ",") + "]\n", 3);
      }
    };
  }

  /** {@code awk ARGS} with its files and commands from {@code io}: "code|stdout|stderr". */
  private static String run(AwkIo io, String... args) {
    Awk.Result r = Awk.run(List.of(args), "", io);
    return r.code() + "|" + r.out() + "|" + r.err();
  }
}
