package io.dekube.kubelet.runtime.sh;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Runs a {@link Node} tree. Every command completes a {@link Future} with its exit status, and never blocks:
 * applets wait on timers, clients and worker threads. A loop whose body does not wait goes on from a later
 * turn of the event loop every {@link Repeat#YIELD_EVERY} rounds, so that a {@code while true; do :; done} leaves the
 * loop's other work running and stays interruptible. Between commands it stops for an interrupt, unwinds for
 * {@code break}/{@code continue}/{@code return}/{@code exit}, and runs the trap of a signal delivered.
 * Confined to {@link #context}.
 */
final class Interpreter {

  private final Host host;
  private final Context context;
  private final Commands commands;
  private final Pipeline pipeline;

  Interpreter(Host host, Context context) {
    this.host = host;
    this.context = context;
    this.commands = new Commands(this);
    this.pipeline = new Pipeline(this);
  }

  Host host() {
    return host;
  }

  Context context() {
    return context;
  }

  /** Parses and runs {@code script}; a syntax or expansion error prints ash's message and gives 2. */
  Future<Integer> script(String script, ShellState st, Io io) {
    Node n;
    try {
      n = Parser.parse(script);
    } catch (ShellSyntaxError e) {
      return failed(st, io, e.getMessage());
    }
    return run(n, st, io).recover(e -> e instanceof ShellError ? failed(st, io, e.getMessage())
        : Future.failedFuture(e));
  }

  static Future<Integer> failed(ShellState st, Io io, String message) {
    io.out().stderr(Buffer.buffer("sh: " + message + "\n"));
    st.last = 2;
    return Future.succeededFuture(2);
  }

  /** Runs {@code script} in a subshell whose stdout is captured: {@code $(script)}. */
  Future<String> capture(String script, ShellState st, Io io) {
    StringBuilder captured = new StringBuilder();
    ShellState sub = st.subshell();
    return script(script, sub, io.withOut(Outputs.capturing(captured, io.out()))).map(code -> {
      st.last = code;
      st.substitutions++;
      return captured.toString();
    });
  }

  /** Runs {@code n}; completes with its status, also left in {@code st.last}. */
  Future<Integer> run(Node n, ShellState st, Io io) {
    if (st.unwinding()) {
      return Future.succeededFuture(st.last);
    }
    Future<Integer> f;
    try {
      f = dispatch(n, st, io);
    } catch (ShellError e) {
      return Future.failedFuture(e);
    }
    return f.compose(code -> {
      st.last = code;
      errexit(n, code, st);
      return trap(st, io);
    });
  }

  /**
   * {@code set -e}: a simple command, pipeline or subshell that failed where its status is not tested ends the
   * shell with that status.
   */
  private static void errexit(Node n, int code, ShellState st) {
    if (code != 0 && st.errexit && st.errexitOff == 0 && st.control == ShellState.Control.NONE
        && (n instanceof Node.Simple || n instanceof Node.Pipeline p && !p.negated()
        || n instanceof Node.Group g && g.subshell() || n instanceof Node.Cond)) {
      st.control = ShellState.Control.EXIT;
    }
  }

  /** Runs {@code n} where its status is tested: an {@code if}'s condition, a loop's, the left of {@code &&}. */
  Future<Integer> tested(Node n, ShellState st, Io io) {
    st.errexitOff++;
    return run(n, st, io).andThen(ar -> st.errexitOff--);
  }

  private Future<Integer> dispatch(Node n, ShellState st, Io io) {
    if (n instanceof Node.Simple s) {
      return commands.simple(s, st, io);
    } else if (n instanceof Node.Sequence s) {
      return sequence(s, st, io);
    } else if (n instanceof Node.AndOr a) {
      return tested(a.left(), st, io).compose(code -> (code == 0) == a.op().equals("&&") && !st.unwinding()
          ? run(a.right(), st, io) : Future.succeededFuture(code));
    } else if (n instanceof Node.Pipeline p) {
      return pipeline.run(p, st, io);
    } else if (n instanceof Node.If i) {
      return branch(i, 0, st, io);
    } else if (n instanceof Node.Loop l) {
      return loop(l, st, io);
    } else if (n instanceof Node.For f) {
      return forLoop(f, st, io);
    } else if (n instanceof Node.Case c) {
      return caseOf(c, st, io);
    } else if (n instanceof Node.Group g) {
      return g.subshell() ? subshell(g.body(), st, io) : run(g.body(), st, io);
    } else if (n instanceof Node.Cond c) {
      return new Conditional(this, st, io).run(c.words());
    } else if (n instanceof Node.Function f) {
      st.functions.put(f.name(), f.body());
      return Future.succeededFuture(0);
    }
    Node.Redirected r = (Node.Redirected) n;
    return new Redirects(this, st).apply(r.redirects(), io).compose(applied -> applied == null
        ? Future.succeededFuture(1)
        : run(r.body(), st, applied.io()).compose(code -> applied.finish().get().map(code)));
  }

  /** Runs {@code body} in a copy of {@code st}: its changes and its {@code exit} stay inside. */
  Future<Integer> subshell(Node body, ShellState st, Io io) {
    ShellState sub = st.subshell();
    return run(body, sub, io).map(code -> sub.control == ShellState.Control.EXIT || sub.unwinding() ? sub.last : code);
  }

  /** Runs the trap of a signal delivered, if this shell has one. */
  private Future<Integer> trap(ShellState st, Io io) {
    String signal = st.signals.pending();
    String action = signal == null ? null : st.traps.get(signal);
    if (action == null) {
      return Future.succeededFuture(st.last);
    }
    st.signals.takePending();
    int before = st.last;
    return script(action, st, io).map(code -> st.control == ShellState.Control.EXIT ? st.last : before);
  }

  private Future<Integer> sequence(Node.Sequence s, ShellState st, Io io) {
    int[] i = {0};
    return repeat(() -> {
      if (i[0] >= s.commands().size() || st.unwinding()) {
        return Future.succeededFuture(false);
      }
      int k = i[0]++;
      if (s.background().get(k)) {
        st.jobs.add(subshell(s.commands().get(k), st, io.withStdin(Stdin.NONE)));
        st.lastJob = Jobs.next();
        st.last = 0;
        return Future.succeededFuture(true);
      }
      return run(s.commands().get(k), st, io).map(true);
    }).map(v -> st.last);
  }

  private Future<Integer> branch(Node.If n, int k, ShellState st, Io io) {
    if (k >= n.conditions().size()) {
      return n.orElse() == null ? Future.succeededFuture(0) : run(n.orElse(), st, io);
    }
    return tested(n.conditions().get(k), st, io).compose(code -> st.unwinding() ? Future.succeededFuture(code)
        : code == 0 ? run(n.bodies().get(k), st, io) : branch(n, k + 1, st, io));
  }

  private Future<Integer> loop(Node.Loop l, ShellState st, Io io) {
    int[] status = {0};
    st.loopDepth++;
    return repeat(() -> tested(l.condition(), st, io).compose(code -> {
      if (st.unwinding() || (code == 0) == l.until()) {
        return Future.succeededFuture(false);
      }
      return run(l.body(), st, io).map(c -> {
        status[0] = c;
        return loopGoesOn(st);
      });
    })).andThen(ar -> st.loopDepth--).map(v -> {
      st.last = st.control == ShellState.Control.NONE ? status[0] : st.last;
      return st.last;
    });
  }

  private Future<Integer> forLoop(Node.For f, ShellState st, Io io) {
    Future<List<String>> items = f.words() == null ? Future.succeededFuture(new ArrayList<>(st.positional))
        : new Expander(this, st, io).fields(f.words());
    return items.compose(list -> {
      int[] i = {0};
      int[] status = {0};
      st.loopDepth++;
      return repeat(() -> {
        if (i[0] >= list.size() || st.unwinding()) {
          return Future.succeededFuture(false);
        }
        st.vars.set(f.name(), list.get(i[0]++));
        return run(f.body(), st, io).map(c -> {
          status[0] = c;
          return loopGoesOn(st);
        });
      }).andThen(ar -> st.loopDepth--).map(v -> {
        st.last = st.control == ShellState.Control.NONE ? status[0] : st.last;
        return st.last;
      });
    });
  }

  /** After a round of a loop: whether the next one runs ({@code continue} ends here, {@code break} not yet). */
  private static boolean loopGoesOn(ShellState st) {
    if (st.control == ShellState.Control.CONTINUE) {
      if (--st.levels > 0) {
        return false;
      }
      st.control = ShellState.Control.NONE;
      return true;
    }
    return !breaking(st) && st.control == ShellState.Control.NONE;
  }

  /** A {@code break} that ends this loop: consumed here unless it leaves more loops. */
  private static boolean breaking(ShellState st) {
    if (st.control == ShellState.Control.BREAK) {
      if (--st.levels <= 0) {
        st.control = ShellState.Control.NONE;
      }
      return true;
    }
    return false;
  }

  private Future<Integer> caseOf(Node.Case c, ShellState st, Io io) {
    Expander x = new Expander(this, st, io);
    return x.word(c.word()).compose(subject -> arm(c, 0, 0, subject, x, st, io));
  }

  private Future<Integer> arm(Node.Case c, int a, int p, String subject, Expander x, ShellState st, Io io) {
    if (a >= c.arms().size()) {
      return Future.succeededFuture(0);
    }
    Node.CaseArm arm = c.arms().get(a);
    if (p >= arm.patterns().size()) {
      return arm(c, a + 1, 0, subject, x, st, io);
    }
    return x.pattern(arm.patterns().get(p), false).compose(pattern -> !pattern.matcher(subject).matches()
        ? arm(c, a, p + 1, subject, x, st, io)
        : arm.body() == null ? Future.succeededFuture(0) : run(arm.body(), st, io));
  }

  /** Runs {@code step} until it gives false, yielding the event loop now and then ({@link Repeat}). */
  Future<Void> repeat(Supplier<Future<Boolean>> step) {
    return Repeat.until(context, step);
  }
}
