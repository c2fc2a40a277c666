package io.dekube.kubelet.runtime.sh;

import java.util.List;

/** The syntax tree of a script: the part of POSIX sh's grammar the built-in shell runs. Immutable. */
sealed interface Node {

  /**
   * {@code NAME=value}: the value is a word, expanded without field splitting; or bash's {@code NAME=(w1 w2 …)}, an
   * array of the words ({@code elements}, null for a scalar), each expanded as a command's words are.
   */
  record Assignment(String name, String value, List<String> elements) {

    Assignment(String name, String value) {
      this(name, value, null);
    }
  }

  /**
   * A redirection: {@code fd} (-1: the operator's default), the operator ({@code >}, {@code >>}, {@code <},
   * {@code <<}, {@code >&}…), its word (a file, a descriptor, a here-document's delimiter), the here-document.
   */
  record Redirect(int fd, String op, String target, Token.HereDoc hereDoc) {
  }

  /** {@code a=1 cmd arg > file}. */
  record Simple(List<Assignment> assignments, List<String> words, List<Redirect> redirects) implements Node {
  }

  /** {@code [!] a | b | c}. */
  record Pipeline(List<Node> stages, boolean negated) implements Node {
  }

  /** {@code a && b}, {@code a || b}. */
  record AndOr(Node left, String op, Node right) implements Node {
  }

  /** Commands one after the other; those followed by {@code &} run in the background. */
  record Sequence(List<Node> commands, List<Boolean> background) implements Node {
  }

  /** {@code if c1; then b1; elif c2; then b2; else e; fi}: {@code orElse} may be null. */
  record If(List<Node> conditions, List<Node> bodies, Node orElse) implements Node {
  }

  /** {@code while c; do b; done}, or {@code until} when {@code until}. */
  record Loop(Node condition, Node body, boolean until) implements Node {
  }

  /** {@code for name in words; do b; done}; {@code words} null: the positional parameters. */
  record For(String name, List<String> words, Node body) implements Node {
  }

  /** {@code case word in p1|p2) body;; esac}. */
  record Case(String word, List<CaseArm> arms) implements Node {
  }

  /** One arm of a {@code case}: its patterns and body (null when empty). */
  record CaseArm(List<String> patterns, Node body) {
  }

  /** {@code ( list )} when {@code subshell}, else {@code { list; }}. */
  record Group(Node body, boolean subshell) implements Node {
  }

  /** {@code name() compound-command}. */
  record Function(String name, Node body) implements Node {
  }

  /**
   * bash's {@code [[ expression ]]}: its words as written between the brackets (operators, operands, a regex after
   * {@code =~}), expanded only when evaluated ({@link Conditional}).
   */
  record Cond(List<String> words) implements Node {
  }

  /** A compound command with redirections: {@code while …; done > file}. */
  record Redirected(Node body, List<Redirect> redirects) implements Node {
  }
}
