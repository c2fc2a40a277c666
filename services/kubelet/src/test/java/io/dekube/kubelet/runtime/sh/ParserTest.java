package io.dekube.kubelet.runtime.sh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class ParserTest {

  @Test
  void wordsKeepTheirQuotesAndSubstitutions() {
    Node.Simple s = (Node.Simple) Parser.parse("echo \"a b\" 'c;d' $(echo x; echo y) `hostname` $((1+2)) e\\ f");
    assertEquals(List.of("echo", "\"a b\"", "'c;d'", "$(echo x; echo y)", "`hostname`", "$((1+2))", "e\\ f"),
        s.words());
  }

  @Test
  void assignmentsAndRedirectionsAreApart() {
    Node.Simple s = (Node.Simple) Parser.parse("A=1 B=$(x) cmd arg 2>&1 >>/f <in");
    assertEquals(List.of(new Node.Assignment("A", "1"), new Node.Assignment("B", "$(x)")), s.assignments());
    assertEquals(List.of("cmd", "arg"), s.words());
    assertEquals(List.of(">&", ">>", "<"), s.redirects().stream().map(Node.Redirect::op).toList());
    assertEquals(2, s.redirects().get(0).fd());
  }

  @Test
  void compoundCommandsNest() {
    Node n = Parser.parse("while true; do\n for i in 1 2; do echo $i; done\ndone | cat && { x; } || ( y )");
    Node.AndOr or = assertInstanceOf(Node.AndOr.class, n);
    assertEquals("||", or.op());
    Node.AndOr and = assertInstanceOf(Node.AndOr.class, or.left());
    Node.Pipeline p = assertInstanceOf(Node.Pipeline.class, and.left());
    Node.Loop loop = assertInstanceOf(Node.Loop.class, p.stages().get(0));
    assertInstanceOf(Node.For.class, loop.body());
    assertTrue(((Node.Group) or.right()).subshell());
  }

  @Test
  void caseFunctionsIfAndHereDocuments() {
    Node.Case c = (Node.Case) Parser.parse("case \"$1\" in a|b) echo ab;; *) ;; esac");
    assertEquals(List.of("a", "b"), c.arms().get(0).patterns());
    assertEquals(null, c.arms().get(1).body());
    Node.Function f = (Node.Function) Parser.parse("f() { echo $1; }");
    assertEquals("f", f.name());
    Node.If i = (Node.If) Parser.parse("if a; then b; elif c; then d; else e; fi");
    assertEquals(2, i.conditions().size());
    Node.Simple cat = (Node.Simple) Parser.parse("cat <<EOF\nhi $x\nEOF\n");
    assertEquals("hi $x\n", cat.redirects().get(0).hereDoc().body);
    assertFalse(cat.redirects().get(0).hereDoc().quoted);
  }

  @Test
  void errorsAreAshsAndTellWhetherMoreInputHelps() {
    assertEquals("syntax error: unexpected \"done\"",
        assertThrows(ShellSyntaxError.class, () -> Parser.parse("echo; done")).getMessage());
    assertEquals("syntax error: unexpected \";;\"",
        assertThrows(ShellSyntaxError.class, () -> Parser.parse(";;")).getMessage());
    assertFalse(Parser.complete("while true; do"));
    assertFalse(Parser.complete("echo 'open"));
    assertFalse(Parser.complete("cat <<EOF\nline"));
    assertTrue(Parser.complete("while true; do\necho x\ndone"));
    assertTrue(Parser.complete("fi"), "an error is whole: it is reported");
  }
}
